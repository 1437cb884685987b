package engine

import (
	"context"
	"slices"
	"time"

	"github.com/opsbot/opsbot/incident"
)

// outagePages is what the timer loop pages directly while the store is
// unreachable: it keeps the unresolved incidents of its last good read and
// escalates them in memory on time, paging each level once, directly. Once
// the store is back the normal tick commits those escalations, and plan
// records the pages already sent instead of sending them again.
type outagePages struct {
	snapshot []incident.Incident // unresolved, as of the last good read, ticked on in memory
	sent     map[string]bool     // page keys ("INC-7/page/L2") sent directly
}

// rememberUnresolved keeps incs, read from the store, for an outage to come.
func (e *Engine) rememberUnresolved(incs []incident.Incident) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.outage.snapshot = incs
}

// keepForOutage updates the remembered incidents with a commit: a new
// incident joins them, a resolved one leaves.
func (e *Engine) keepForOutage(inc incident.Incident) {
	e.mu.Lock()
	defer e.mu.Unlock()
	snap := e.outage.snapshot
	for i := range snap {
		if snap[i].ID == inc.ID {
			if inc.Status == incident.StatusResolved {
				e.outage.snapshot = append(snap[:i:i], snap[i+1:]...)
			} else {
				snap[i] = inc
			}
			return
		}
	}
	if inc.Status != incident.StatusResolved {
		e.outage.snapshot = append(snap, inc)
	}
}

// escalateDirectly ticks the remembered incidents in memory and pages
// directly every level that comes due during the outage. It returns the
// earliest timer still ahead.
func (e *Engine) escalateDirectly(ctx context.Context) time.Time {
	if e.opts.Direct == nil {
		return time.Time{}
	}
	now := e.clock.Now()
	e.mu.Lock()
	before := slices.Clone(e.outage.snapshot)
	e.mu.Unlock()
	snapshot := slices.Clone(before)
	defer e.keepTicked(before, snapshot)
	var next time.Time
	for i, inc := range snapshot {
		if at, ok := incident.NextTimer(inc); ok && at.After(now) {
			if next.IsZero() || at.Before(next) {
				next = at
			}
			continue
		}
		ticked, effects := incident.Tick(inc, now)
		snapshot[i] = ticked
		for _, eff := range effects {
			p, ok := eff.(incident.Page)
			if !ok {
				continue
			}
			key := pageKey(ticked, p)
			e.mu.Lock()
			done := e.outage.sent[key]
			e.mu.Unlock()
			if done {
				continue
			}
			html := e.opts.Renderer.Page(ticked, p) + "\n\n<i>opsbot cannot reach its database: its card is updated once it is back.</i>"
			if err := e.opts.Direct.SendDirect(ctx, e.opts.ChatID, e.opts.ThreadID, html); err != nil {
				e.log.Error("could not page directly during a store outage", "incident", inc.ID, "level", p.Level, "err", err)
				continue
			}
			e.log.Warn("paged directly: the store is unreachable", "incident", inc.ID, "level", p.Level)
			e.mu.Lock()
			if e.outage.sent == nil {
				e.outage.sent = make(map[string]bool)
			}
			e.outage.sent[key] = true
			e.mu.Unlock()
		}
		if at, ok := incident.NextTimer(ticked); ok && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	return next
}

// keepTicked puts the incidents ticked in memory back among the
// remembered ones, unless a commit replaced or removed them meanwhile.
func (e *Engine) keepTicked(before, ticked []incident.Incident) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for j, t := range ticked {
		for i, have := range e.outage.snapshot {
			if have.ID == t.ID && have.Rev == before[j].Rev {
				e.outage.snapshot[i] = t
			}
		}
	}
}

// sentDirectly reports whether the page was sent directly during an
// outage, and forgets it: its commit records it instead of sending it.
func (e *Engine) sentDirectly(inc incident.Incident, p incident.Page) bool {
	key := pageKey(inc, p)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.outage.sent[key] {
		return false
	}
	delete(e.outage.sent, key)
	return true
}

// pageKey is the page's outbox key: the storm's for a member of one.
func pageKey(inc incident.Incident, p incident.Page) string {
	if inc.Group != "" {
		p.ID = inc.Group
	}
	return p.Key()
}
