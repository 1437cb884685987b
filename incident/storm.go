package incident

import (
	"fmt"
	"slices"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// StormPolicy says when failures that fire together page as one.
type StormPolicy struct {
	// Window is how close together failures must fire, counted from the
	// first of a group, e.g. 30s.
	Window time.Duration `json:"window" bson:"window"`
	// Threshold is how many failures within Window make a storm, e.g. 3;
	// below 2 disables grouping.
	Threshold int `json:"threshold" bson:"threshold"`
}

// DefaultStormPolicy groups 3 or more failures within 30s.
func DefaultStormPolicy() StormPolicy { return StormPolicy{Window: 30 * time.Second, Threshold: 3} }

// Validate reports a negative window or threshold.
func (s StormPolicy) Validate() error {
	if s.Window < 0 || s.Threshold < 0 {
		return fmt.Errorf("%w: storm: window and threshold must not be negative", ErrInvalid)
	}
	return nil
}

// Group is items that page together. A storm group becomes one grouped
// page; any other group holds a single item that pages on its own.
type Group[T any] struct {
	Items []T
	Storm bool
}

// GroupStorm sorts items by their time (stably) and groups them: from
// the first item not yet grouped, every item within Window of it forms a
// window; a window of Threshold or more items is one storm group, and
// otherwise that first item alone is a group and the window slides to the
// next item. Groups come in time order. items is not modified.
func GroupStorm[T any](items []T, at func(T) time.Time, sp StormPolicy) []Group[T] {
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b T) int { return at(a).Compare(at(b)) })
	var groups []Group[T]
	for start := 0; start < len(sorted); {
		end := start + 1
		for end < len(sorted) && at(sorted[end]).Sub(at(sorted[start])) <= sp.Window {
			end++
		}
		if sp.Threshold >= 2 && end-start >= sp.Threshold {
			groups = append(groups, Group[T]{Items: sorted[start:end:end], Storm: true})
			start = end
			continue
		}
		// Too few: the first item pages alone and the window slides on,
		// so a storm that starts a little later is still caught.
		groups = append(groups, Group[T]{Items: sorted[start : start+1 : start+1]})
		start++
	}
	return groups
}

// GroupTransitions groups the Fired transitions of ts by their At;
// Resolved ones are left out, as recoveries never page.
func GroupTransitions(ts []checks.Transition, sp StormPolicy) []Group[checks.Transition] {
	fired := slices.DeleteFunc(slices.Clone(ts), func(t checks.Transition) bool { return t.Kind != checks.Fired })
	return GroupStorm(fired, func(t checks.Transition) time.Time { return t.At }, sp)
}
