package engine

import (
	"context"
	"fmt"
	"sync"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
)

// Direct sends a message at once, outside the outbox; bot.Bot implements
// it. The engine uses it only while the store is unreachable.
type Direct interface {
	SendDirect(ctx context.Context, chatID, threadID int64, html string) error
}

// maxBacklog bounds the transitions kept while the store is unreachable;
// beyond it the oldest are dropped (the rules fire again for what is
// still failing once the store is back, as their held states say).
const maxBacklog = 10000

// backlog holds, in order, the rules' transitions that could not be
// stored because the store was unreachable, to be applied once it answers
// again: the incidents are then opened (or resolved) with the times the
// transitions happened. Meanwhile a failure is paged at once, directly,
// once per fingerprint: the checks and the pages go on through an outage.
type backlog struct {
	mu    sync.Mutex
	items []checks.Transition
	paged map[string]bool // fingerprints paged directly during this outage
}

// hold keeps t for later and reports whether it should be paged directly
// now (a failure not paged yet in this outage).
func (b *backlog) hold(t checks.Transition) (page bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.items) >= maxBacklog {
		b.items = b.items[1:]
	}
	b.items = append(b.items, t)
	if b.paged == nil {
		b.paged = make(map[string]bool)
	}
	fp := incident.Fingerprint(t.Check, "", t.Rule.Name)
	if t.Kind != checks.Fired || b.paged[fp] {
		return false
	}
	b.paged[fp] = true
	return true
}

// next returns the oldest transition held, if any.
func (b *backlog) next() (checks.Transition, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.items) == 0 {
		return checks.Transition{}, false
	}
	return b.items[0], true
}

// done drops the oldest transition, applied; once none is left the outage
// is over and a new one pages afresh.
func (b *backlog) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.items = b.items[1:]
	if len(b.items) == 0 {
		b.paged = nil
	}
}

func (b *backlog) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.items)
}

// Backlog is how many transitions wait for the store to come back.
func (e *Engine) Backlog() int { return e.backlog.len() }

// holdForLater keeps a transition the store could not take, and pages a
// new failure directly.
func (e *Engine) holdForLater(ctx context.Context, t checks.Transition, cause error) {
	page := e.backlog.hold(t)
	e.schedule(e.clock.Now().Add(backlogRetry)) // Run retries it then, not at its next poll
	e.log.Warn("store unreachable: the incident will be written once it is back", "rule", t.Rule.Name, "check", t.Check,
		"transition", t.Kind, "backlog", e.backlog.len(), "err", cause)
	if !page || e.opts.Direct == nil {
		return
	}
	html := fmt.Sprintf("🔴 <b>%s</b> failing: %s\n%s\n\n<i>opsbot cannot reach its database: this page has no incident yet. "+
		"Its card, with the buttons, follows once the database is back.</i>",
		render.Escape(t.Check), render.Escape(t.Rule.Summary), render.Escape(t.Last.Message))
	if err := e.opts.Direct.SendDirect(ctx, e.opts.ChatID, e.opts.ThreadID, html); err != nil {
		e.log.Error("could not page directly during a store outage", "check", t.Check, "err", err)
	}
}

// drainBacklog applies the held transitions in order until one fails
// again (the store is still unreachable) or none is left.
func (e *Engine) drainBacklog(ctx context.Context) {
	for ctx.Err() == nil {
		t, ok := e.backlog.next()
		if !ok {
			return
		}
		if err := e.transition(ctx, t); err != nil {
			if !storage.IsUnavailable(err) {
				e.log.Error("incident not updated", "rule", t.Rule.Name, "check", t.Check, "transition", t.Kind, "err", err)
				e.backlog.done()
				continue
			}
			return
		}
		e.log.Info("incident written after a store outage", "rule", t.Rule.Name, "check", t.Check, "transition", t.Kind, "at", t.At)
		e.backlog.done()
	}
}
