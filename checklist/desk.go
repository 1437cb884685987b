package checklist

import (
	"context"
	"fmt"
	"time"
)

// Store keeps runs and their ticks; storage.Checklists implements it.
// Declared here, by its consumer, so this package needs no database.
type Store interface {
	// Create stores a new run with the ticks it already has and returns it
	// with its id.
	Create(ctx context.Context, run Run) (Run, error)
	// Get returns a run with its ticks; errors wrap ErrNotFound.
	Get(ctx context.Context, id string) (Run, error)
	// Tick ticks an item once across processes: first reports whether t
	// was stored, and existing is the tick that holds (t itself when
	// first). Errors wrap ErrNotFound or ErrUnknownItem.
	Tick(ctx context.Context, id, itemID string, t Tick) (first bool, existing Tick, err error)
}

// Desk posts checklists and ticks their items: what /checklist and its
// buttons need, on a Store.
type Desk struct {
	Store Store
	// Lists are the checklists by kind; nil means Defaults().
	Lists []List
	// Verifier ticks the verifiable items when a list is posted; nil
	// leaves every item to people.
	Verifier Verifier
}

// TickResult is what a press did.
type TickResult struct {
	// Run is the run as stored after the press, with everyone's ticks.
	Run Run
	// Item is the item pressed.
	Item Item
	// First reports whether this press ticked it; otherwise Tick is the
	// earlier tick that holds.
	First bool
	Tick  Tick
}

func (d Desk) lists() []List {
	if d.Lists == nil {
		return Defaults()
	}
	return d.Lists
}

// Kinds returns the kinds of the lists, in order.
func (d Desk) Kinds() []string {
	var out []string
	for _, l := range d.lists() {
		out = append(out, l.Kind)
	}
	return out
}

// Post starts a run of the list of kind for chat chatID at now: it ticks
// the items the verifier passes, then stores the run with those ticks, so
// the first message already shows them. Errors wrap ErrUnknownKind for a
// kind no list has.
func (d Desk) Post(ctx context.Context, kind string, chatID int64, now time.Time) (Run, error) {
	for _, l := range d.lists() {
		if l.Kind != kind {
			continue
		}
		r := Run{
			Kind:   l.Kind,
			Title:  l.Title,
			Items:  append([]Item(nil), l.Items...),
			ChatID: chatID,
			Posted: now,
			Ticks:  map[string]Tick{},
		}
		AutoTick(ctx, &r, d.Verifier, now)
		return d.Store.Create(ctx, r)
	}
	return Run{}, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
}

// Tick ticks item itemID of run runID for by at now and returns the run as
// it now stands. When somebody ticked the item first, nothing changes and
// the result says who. Errors wrap ErrNotFound or ErrUnknownItem.
func (d Desk) Tick(ctx context.Context, runID, itemID, by string, now time.Time) (TickResult, error) {
	first, holds, err := d.Store.Tick(ctx, runID, itemID, Tick{By: by, At: now})
	if err != nil {
		return TickResult{}, err
	}
	r, err := d.Store.Get(ctx, runID)
	if err != nil {
		return TickResult{}, err
	}
	// The read may not see the tick on a lagging MongoDB secondary; the
	// result must, whatever the store's read concern.
	if r.Ticks == nil {
		r.Ticks = map[string]Tick{}
	}
	r.Ticks[itemID] = holds
	it, ok := r.Item(itemID)
	if !ok {
		return TickResult{}, fmt.Errorf("%w: %s in %s", ErrUnknownItem, itemID, runID)
	}
	return TickResult{Run: r, Item: it, First: first, Tick: holds}, nil
}
