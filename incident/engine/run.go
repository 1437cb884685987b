package engine

import (
	"context"
	"time"

	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
)

// Run performs again the stored effects of every unresolved incident and
// of those resolved lately (a crash may have come between their commit
// and the outbox), then runs the escalation timers until ctx ends: it
// sleeps until the earliest timer it knows of, or Poll, then ticks every
// incident that is due. Timers live in the incidents, so a restart
// resumes them, and a level already paged is never paged again.
func (e *Engine) Run(ctx context.Context) error {
	storms := make(chan struct{})
	go func() {
		defer close(storms)
		e.refreshStorms(ctx)
	}()
	defer func() {
		<-storms
		e.stop()
		e.actions.Wait()
	}()
	e.redeliver(ctx)
	for {
		e.drainBacklog(ctx)
		next := e.tick(ctx)
		e.retryFailed(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := e.opts.Poll
		if e.backlog.len() > 0 {
			wait = min(wait, backlogRetry)
		}
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(e.clock.Now()), 0))
		}
		e.mu.Lock()
		e.nextWake = e.clock.Now().Add(wait)
		e.mu.Unlock()
		if wait <= 0 {
			continue
		}
		t := e.clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-e.wake:
		case <-t.Chan():
		}
		t.Stop()
	}
}

// backlogRetry is how often held transitions are retried while the store
// is unreachable.
const backlogRetry = 2 * time.Second

// tick runs every due incident's timers and returns the earliest timer
// still ahead (zero: none).
func (e *Engine) tick(ctx context.Context) time.Time {
	// Storm cards wait for the round to end: one edit for all its changes.
	e.round.Lock()
	defer e.round.Unlock()
	incs, err := e.store.Unresolved(ctx)
	if err != nil {
		if ctx.Err() == nil {
			e.log.Warn("reading incidents for timers", "err", err)
		}
		if storage.IsUnavailable(err) {
			return e.escalateDirectly(ctx)
		}
		return time.Time{}
	}
	e.rememberUnresolved(incs)
	var next time.Time
	for _, inc := range incs {
		e.release(ctx, inc)
		at, ok := incident.NextTimer(inc)
		if !ok {
			continue
		}
		now := e.clock.Now()
		if at.After(now) {
			if next.IsZero() || at.Before(next) {
				next = at
			}
			continue
		}
		changed, err := e.apply(ctx, inc.ID, func(cur incident.Incident) (incident.Incident, []incident.Effect, error) {
			out, effects := incident.Tick(cur, now)
			return out, effects, nil
		})
		if err != nil {
			if ctx.Err() == nil {
				e.log.Warn("escalation timer", "incident", inc.ID, "err", err)
			}
			continue
		}
		if at, ok := incident.NextTimer(changed); ok && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	return next
}

// redeliver performs the stored effects of the unresolved incidents and
// of the latest ones, if their last change is within Redeliver: older
// effects were delivered long ago, and the outbox may have pruned their
// keys, so performing them again could repeat a page.
func (e *Engine) redeliver(ctx context.Context) {
	incs, err := e.store.Unresolved(ctx)
	if err != nil {
		e.log.Warn("reading incidents to redeliver", "err", err)
	}
	recent, err := e.store.List(ctx, storage.ListFilter{Status: storage.ListAll, Limit: 200})
	if err != nil {
		e.log.Warn("reading recent incidents to redeliver", "err", err)
	}
	horizon := e.clock.Now().Add(-e.opts.Redeliver)
	seen := make(map[string]bool, len(incs))
	for _, inc := range append(incs, recent...) {
		if seen[inc.ID] || len(inc.Effects) == 0 || len(inc.Timeline) == 0 ||
			inc.Timeline[len(inc.Timeline)-1].At.Before(horizon) {
			continue
		}
		seen[inc.ID] = true
		e.perform(ctx, inc, incident.Effects(inc.Effects))
	}
}

// retryFailed performs again the effects that could not be queued.
func (e *Engine) retryFailed(ctx context.Context) {
	e.mu.Lock()
	ids := make([]string, 0, len(e.retry))
	for id := range e.retry {
		ids = append(ids, id)
	}
	e.mu.Unlock()
	for _, id := range ids {
		inc, err := e.get(ctx, id)
		if err != nil {
			continue
		}
		e.perform(ctx, inc, incident.Effects(inc.Effects))
	}
}
