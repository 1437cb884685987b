package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
)

// maxAttempts bounds the retries of a change that keeps losing to
// concurrent changes of the same incident.
const maxAttempts = 10

// change is a command on the stored incident: it returns the new state
// and its effects, or an error (a refusal is a *incident.TransitionError).
type change func(inc incident.Incident) (incident.Incident, []incident.Effect, error)

// apply runs ch on incident id until it commits: a concurrent change
// makes it reload and run ch again on the newer state, so two people
// pressing at once get one outcome each, the second seeing the first's.
func (e *Engine) apply(ctx context.Context, id string, ch change) (incident.Incident, error) {
	for range maxAttempts {
		cur, err := e.get(ctx, id)
		if err != nil {
			return incident.Incident{}, err
		}
		next, effects, err := ch(cur)
		if err != nil {
			return cur, err
		}
		if next.Rev == cur.Rev {
			return cur, nil // nothing changed
		}
		next, effects = e.plan(ctx, next, effects)
		err = e.store.Update(ctx, cur.Rev, next)
		if errors.Is(err, storage.ErrConflict) {
			continue
		}
		if err != nil {
			return cur, err
		}
		e.committed(ctx, next, effects)
		return next, nil
	}
	return incident.Incident{}, fmt.Errorf("%s: too many concurrent changes, try again", id)
}

// get reads an incident, mapping a missing one to incident.ErrUnknown.
func (e *Engine) get(ctx context.Context, id string) (incident.Incident, error) {
	inc, err := e.store.Get(ctx, id)
	if errors.Is(err, storage.ErrIncidentNotFound) {
		return inc, fmt.Errorf("%w: %s", incident.ErrUnknown, id)
	}
	return inc, err
}

// committed performs the effects of a stored revision and schedules its
// timer.
func (e *Engine) committed(ctx context.Context, inc incident.Incident, effects []incident.Effect) {
	e.remember(inc)
	e.keepForOutage(inc)
	if at, ok := incident.NextTimer(inc); ok {
		e.schedule(at)
	}
	e.perform(ctx, inc, effects)
}

// plan decides how effects are performed before they are committed with
// inc: a page of a suppressed check (maintenance, /silence) is recorded
// on the timeline instead of sent; the first page sent posts the card;
// card updates of an incident without a card are dropped. The result is
// stored in inc.Effects.
func (e *Engine) plan(ctx context.Context, inc incident.Incident, effects []incident.Effect) (incident.Incident, []incident.Effect) {
	now := e.clock.Now()
	out := make([]incident.Effect, 0, len(effects))
	for _, eff := range effects {
		switch eff := eff.(type) {
		case incident.Page:
			if e.sentDirectly(inc, eff) {
				inc.Timeline = append(inc.Timeline, incident.TimelineEntry{
					At: now, Kind: incident.KindComment, Level: eff.Level,
					Note: "page " + eff.Level.String() + " was sent directly while the database was unreachable",
				})
				continue
			}
			if reason, held := e.suppressed(ctx, inc, now); held {
				inc.Timeline = append(inc.Timeline, incident.TimelineEntry{
					At: now, Kind: incident.KindSuppressed, Level: eff.Level,
					Note: "page " + eff.Level.String() + " not sent: " + reason,
				})
				inc.Held = max(inc.Held, eff.Level)
				continue
			}
			inc.Held = 0 // this page tells everything a held one would have
			if inc.Card == "" {
				inc.Card = inc.ID
				if inc.Group != "" {
					inc.Card = inc.Group
				}
				eff.PostsCard = true
			}
			out = append(out, eff)
		case incident.UpdateCard:
			if inc.Card != "" {
				out = append(out, eff)
			}
		default:
			out = append(out, eff)
		}
	}
	// A card posted by a page this time needs no edit of the same change,
	// and of several edits only the last one counts.
	if posted(out) {
		out = dropCardUpdates(out)
	}
	out = lastCardUpdate(out)
	inc.Effects = incident.Records(out)
	return inc, out
}

func posted(effects []incident.Effect) bool {
	for _, eff := range effects {
		if p, ok := eff.(incident.Page); ok && p.PostsCard {
			return true
		}
	}
	return false
}

func dropCardUpdates(effects []incident.Effect) []incident.Effect {
	out := effects[:0]
	for _, eff := range effects {
		if u, ok := eff.(incident.UpdateCard); ok && !u.Repost {
			continue
		}
		out = append(out, eff)
	}
	return out
}

// suppressed reports whether inc's pages are held now, and why.
func (e *Engine) suppressed(ctx context.Context, inc incident.Incident, now time.Time) (string, bool) {
	if inc.Manual {
		return "", false // a person asked for this page
	}
	if e.opts.Maintenance != nil {
		if reason, ok := e.opts.Maintenance.Suppressed(ctx, inc.Check, now); ok {
			return reason, true
		}
	}
	s, ok, err := e.opts.Silences.Active(ctx, inc.Check, now)
	if err != nil {
		e.log.Warn("reading silences; paging anyway", "check", inc.Check, "err", err)
		return "", false
	}
	if !ok {
		return "", false
	}
	reason := "silenced by " + s.By + " until " + s.Until.UTC().Format("2006-01-02 15:04 UTC")
	if s.Reason != "" {
		reason += " (" + s.Reason + ")"
	}
	return reason, true
}

// lastCardUpdate keeps only the last card update of effects (a command
// with a note is two changes in one), and a repost if there is one.
func lastCardUpdate(effects []incident.Effect) []incident.Effect {
	last := -1
	for i, eff := range effects {
		if _, ok := eff.(incident.UpdateCard); ok {
			last = i
		}
	}
	out := effects[:0]
	for i, eff := range effects {
		if u, ok := eff.(incident.UpdateCard); ok && i != last {
			if !u.Repost {
				continue
			}
			if l := effects[last].(incident.UpdateCard); !l.Repost {
				u.Rev = l.Rev // the repost shows the final state
				effects[last] = u
			}
			continue
		}
		out = append(out, eff)
	}
	return out
}

// release sends the page an incident owes from a hold that is over
// (Incident.Held): a maintenance window or a silence ended while the
// incident was still open. An acknowledged or snoozed incident has
// someone on it already; its debt is dropped when it is resolved.
func (e *Engine) release(ctx context.Context, inc incident.Incident) {
	if inc.Held == 0 || inc.Status != incident.StatusOpen {
		return
	}
	if _, still := e.suppressed(ctx, inc, e.clock.Now()); still {
		return
	}
	_, err := e.apply(ctx, inc.ID, func(cur incident.Incident) (incident.Incident, []incident.Effect, error) {
		if cur.Held == 0 || cur.Status != incident.StatusOpen {
			return cur, nil, nil
		}
		now := e.clock.Now()
		cur.Timeline = append(slices.Clip(cur.Timeline), incident.TimelineEntry{At: now, Kind: incident.KindReleased, Level: cur.Level,
			Note: "held page sent: the hold is over"})
		cur.Rev++
		lp, _ := cur.Policy.ForLevel(cur.Level)
		page := incident.Page{ID: cur.ID, Level: cur.Level, Name: lp.Name, Notify: slices.Clone(lp.Notify), Reason: "held during maintenance"}
		return cur, []incident.Effect{page, incident.UpdateCard{ID: cur.ID, Rev: cur.Rev}}, nil
	})
	if err != nil && ctx.Err() == nil {
		e.log.Warn("sending a held page", "incident", inc.ID, "err", err)
	}
}
