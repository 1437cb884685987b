package report

import (
	"context"
	"fmt"
	"time"

	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
)

// IncidentStore is the part of *storage.Incidents that FromIncidentStore
// reads.
type IncidentStore interface {
	List(ctx context.Context, filter storage.ListFilter) ([]incident.Incident, error)
	Unresolved(ctx context.Context) ([]incident.Incident, error)
}

// DefaultLookback is how long before a period FromIncidentStore looks for
// incidents opened earlier but resolved in the period.
const DefaultLookback = 31 * 24 * time.Hour

// maxListed bounds one List; reaching it fails the read rather than
// undercounting silently.
const maxListed = 10000

// FromIncidentStore adapts storage's incidents to IncidentSource.
// storage.Incidents.List selects only by opening time, so the adapter
// lists the incidents opened from lookback (0: DefaultLookback) before
// the period on, adds every unresolved one, and keeps those touching the
// period. An incident opened more than lookback before the period and
// resolved in it is missed; so is one pruned by storage's retention.
func FromIncidentStore(s IncidentStore, lookback time.Duration) IncidentSource {
	if lookback <= 0 {
		lookback = DefaultLookback
	}
	return storeSource{s: s, lookback: lookback}
}

type storeSource struct {
	s        IncidentStore
	lookback time.Duration
}

func (src storeSource) Incidents(ctx context.Context, from, to time.Time) ([]incident.Incident, error) {
	listed, err := src.s.List(ctx, storage.ListFilter{Status: storage.ListAll, Since: from.Add(-src.lookback), Limit: maxListed})
	if err != nil {
		return nil, fmt.Errorf("report: incidents: %w", err)
	}
	if len(listed) >= maxListed {
		return nil, fmt.Errorf("report: incidents: more than %d since %s, too many to count", maxListed-1, from.Add(-src.lookback).Format(time.DateOnly))
	}
	open, err := src.s.Unresolved(ctx)
	if err != nil {
		return nil, fmt.Errorf("report: incidents: %w", err)
	}
	seen := make(map[string]bool)
	var out []incident.Incident
	for _, inc := range append(open, listed...) { // Unresolved first: it rolls revisions forward
		if !seen[inc.ID] && touches(inc, from, to) {
			seen[inc.ID] = true
			out = append(out, inc)
		}
	}
	return out, nil
}

// touches reports whether inc was opened in [from, to), resolved in it,
// or still unresolved at to.
func touches(inc incident.Incident, from, to time.Time) bool {
	if !inc.OpenedAt.Before(to) {
		return false
	}
	resolved := inc.Status == incident.StatusResolved
	return !inc.OpenedAt.Before(from) || !resolved || !inc.ResolvedAt.Before(from)
}
