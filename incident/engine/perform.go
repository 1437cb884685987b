package engine

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
)

// perform enqueues the messages of a committed revision's effects and
// starts its action. An enqueue that fails is retried by Run.
func (e *Engine) perform(ctx context.Context, inc incident.Incident, effects []incident.Effect) {
	msgs, err := e.messages(ctx, inc, effects)
	if err == nil {
		for _, m := range msgs {
			if err = e.opts.Outbox.Enqueue(ctx, m); err != nil {
				break
			}
		}
	}
	e.mu.Lock()
	if err != nil {
		e.retry[inc.ID] = true
	} else {
		delete(e.retry, inc.ID)
	}
	e.mu.Unlock()
	if err != nil {
		e.log.Error("queueing incident messages; will retry", "incident", inc.ID, "err", err)
	}
	for _, eff := range effects {
		if a, ok := eff.(incident.RunAction); ok {
			e.startAction(inc, a)
		}
	}
}

// messages renders the outbox messages of effects. Keys:
//
//	INC-42/card             the card, posted by its first page
//	INC-42/page/L2          the page that mentions level 2's people
//	INC-42/card/7           the card's edit (or repost) for revision 7
//	S-3/card, S-3/page/L2   a storm's card and pages, shared by its members
//
// A storm's card is edited by refreshStorms, once for many changes.
func (e *Engine) messages(ctx context.Context, inc incident.Incident, effects []incident.Effect) ([]storage.Message, error) {
	var out []storage.Message
	now := e.clock.Now()
	for _, eff := range effects {
		switch eff := eff.(type) {
		case incident.Page:
			if inc.Group == "" {
				if eff.PostsCard {
					html, kb := e.opts.Renderer.Card(inc, now)
					out = append(out, e.msg(inc.ID+"/card", storage.KindSend, inc.ID, html, kb))
				}
				if !eff.PostsCard || len(eff.Notify) > 0 {
					m := e.msg(inc.ID+"/page/"+eff.Level.String(), storage.KindSend, "", e.opts.Renderer.Page(inc, eff), nil)
					m.ReplyToCard = inc.Card
					out = append(out, m)
				}
				continue
			}
			ms, err := e.stormMessages(ctx, inc, eff, now)
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
		case incident.UpdateCard:
			if inc.Card == inc.ID {
				html, kb := e.opts.Renderer.Card(inc, now)
				kind := storage.KindEdit
				if eff.Repost {
					kind = storage.KindSend
				}
				out = append(out, e.msg(inc.ID+"/card/"+strconv.FormatInt(eff.Rev, 10), kind, inc.ID, html, kb))
			}
			if inc.Group != "" {
				e.stormChanged(inc.Group)
			}
		}
	}
	return out, nil
}

// stormMessages are a storm member's page: the storm's card (posted by
// the first member's page) and the storm's page of that level, each
// queued once for all the members. Keys this process has queued are
// skipped without reading the storm, which a storm of 50 would otherwise
// read 50 times.
func (e *Engine) stormMessages(ctx context.Context, inc incident.Incident, p incident.Page, now time.Time) ([]storage.Message, error) {
	cardKey, pageKey := inc.Group+"/card", inc.Group+"/page/"+p.Level.String()
	wantCard := p.PostsCard && !e.queued(cardKey)
	wantPage := (!p.PostsCard || len(p.Notify) > 0) && !e.queued(pageKey)
	e.stormChanged(inc.Group)
	if !wantCard && !wantPage {
		return nil, nil
	}
	e.remember(inc)
	members, err := e.stormMembers(ctx, inc.Group)
	if err != nil {
		e.forget(cardKey, pageKey)
		return nil, err
	}
	var out []storage.Message
	if wantCard {
		html, kb := e.opts.Renderer.StormCard(inc.Group, members, now)
		out = append(out, e.msg(cardKey, storage.KindSend, inc.Group, html, kb))
	}
	if wantPage {
		m := e.msg(pageKey, storage.KindSend, "", e.opts.Renderer.StormPage(inc.Group, members, p), nil)
		m.ReplyToCard = inc.Group
		out = append(out, m)
	}
	return out, nil
}

// queued reports whether this process queued key before, and notes it.
// It only saves work: the outbox drops repeated keys anyway.
func (e *Engine) queued(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.seen[key] {
		return true
	}
	if len(e.seen) >= 10000 {
		clear(e.seen)
	}
	e.seen[key] = true
	return false
}

// forget undoes queued for keys that could not be queued after all.
func (e *Engine) forget(keys ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, k := range keys {
		delete(e.seen, k)
	}
}

// stormChanged marks a storm's card for refreshStorms.
func (e *Engine) stormChanged(id string) {
	e.mu.Lock()
	e.dirty[id] = true
	e.mu.Unlock()
	select {
	case e.stormWake <- struct{}{}:
	default:
	}
}

// refreshStorms edits the cards of the storms that changed, one edit per
// storm for however many changes came meanwhile, until ctx ends. A storm
// card is a view of its members: an edit lost to a crash is made good by
// the next change.
func (e *Engine) refreshStorms(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.stormWake:
		}
		if err := e.SyncStorms(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("refreshing storm cards", "err", err)
		}
	}
}

// SyncStorms queues the edits of the storm cards that changed, now; Run
// does it in the background.
func (e *Engine) SyncStorms(ctx context.Context) error {
	e.round.Lock()
	defer e.round.Unlock()
	e.mu.Lock()
	ids := make([]string, 0, len(e.dirty))
	for id := range e.dirty {
		ids = append(ids, id)
	}
	clear(e.dirty)
	e.mu.Unlock()
	var first error
	for _, id := range ids {
		if err := e.refreshStorm(ctx, id); err != nil {
			e.stormChanged(id) // try again with the next change
			first = cmp.Or(first, err)
		}
	}
	return first
}

func (e *Engine) refreshStorm(ctx context.Context, id string) error {
	members, err := e.stormMembers(ctx, id)
	if err != nil || len(members) == 0 {
		return err
	}
	html, kb := e.opts.Renderer.StormCard(id, members, e.clock.Now())
	m := e.msg("", storage.KindEdit, id, html, kb)
	m.Key = id + "/edit/" + strconv.FormatInt(m.CreatedAt.UnixMilli(), 10)
	return e.opts.Outbox.Enqueue(ctx, m)
}

// stormMembers returns the storm's incidents from memory: read from the
// store once, then kept up to date by remember with every change this
// process commits. A storm whose incidents are all resolved is dropped
// after its last refresh.
func (e *Engine) stormMembers(ctx context.Context, id string) ([]incident.Incident, error) {
	e.mu.Lock()
	known, ok := e.members[id]
	e.mu.Unlock()
	if !ok {
		stored, err := e.store.ByGroup(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, inc := range stored {
			e.remember(inc)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	known = e.members[id]
	out := make([]incident.Incident, 0, len(known))
	open := false
	for _, inc := range known {
		out = append(out, inc)
		open = open || inc.Status != incident.StatusResolved
	}
	if !open {
		delete(e.members, id)
	}
	slices.SortFunc(out, func(a, b incident.Incident) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// remember keeps a storm member's newest revision for stormMembers.
func (e *Engine) remember(inc incident.Incident) {
	if inc.Group == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.members[inc.Group]
	if m == nil {
		m = make(map[string]incident.Incident)
		e.members[inc.Group] = m
	}
	if cur, ok := m[inc.ID]; !ok || cur.Rev < inc.Rev {
		m[inc.ID] = inc
	}
}

// msg builds one outbox message for the ops chat, created strictly after
// the one before it so that the outbox keeps the order they were made in.
func (e *Engine) msg(key string, kind storage.MessageKind, card, html string, kb [][]render.Button) storage.Message {
	m := storage.Message{
		Key: key, ChatID: e.opts.ChatID, ThreadID: e.opts.ThreadID, Kind: kind, Card: card, HTML: html,
		CreatedAt: e.created(),
	}
	if m.Keyboard = render.KeyboardJSON(kb); m.Keyboard == nil && kind == storage.KindEdit {
		m.Keyboard = []byte(`{"inline_keyboard":[]}`) // an edit without one removes the buttons
	}
	return m
}

func (e *Engine) created() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	at := e.clock.Now().UTC().Truncate(time.Millisecond)
	if !at.After(e.lastAt) {
		at = e.lastAt.Add(time.Millisecond)
	}
	e.lastAt = at
	return at
}
