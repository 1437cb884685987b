package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
)

// Incident returns incident id ("INC-42", "42", "#42").
func (e *Engine) Incident(ctx context.Context, id string) (incident.Incident, error) {
	n, err := incident.ParseID(id)
	if err != nil {
		return incident.Incident{}, err
	}
	return e.get(ctx, incident.FormatID(n))
}

// Storm returns the incidents of alert storm id ("S-3").
func (e *Engine) Storm(ctx context.Context, id string) ([]incident.Incident, error) {
	id, ok := stormID(id)
	if !ok {
		return nil, fmt.Errorf("%w: %q is not a storm id (use S-3)", incident.ErrInvalid, id)
	}
	ms, err := e.store.ByGroup(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%w: %s", incident.ErrUnknown, id)
	}
	return ms, nil
}

// stormID normalises "s-3" to "S-3".
func stormID(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if len(t) < 3 || !strings.EqualFold(t[:2], "S-") {
		return s, false
	}
	for _, r := range t[2:] {
		if r < '0' || r > '9' {
			return s, false
		}
	}
	return "S-" + t[2:], true
}

// Incidents lists incidents newest first: "open", "today" (since 00:00
// UTC) or "all" (the latest 50).
func (e *Engine) Incidents(ctx context.Context, which string, now time.Time) ([]incident.Incident, error) {
	f := storage.ListFilter{Limit: 50}
	switch which {
	case "", "open":
		f.Status = storage.ListOpen
	case "today":
		f.Status, f.Since = storage.ListToday, now.UTC().Truncate(24*time.Hour)
	case "all":
		f.Status = storage.ListAll
	default:
		return nil, fmt.Errorf("%w: list %q (open, today or all)", incident.ErrInvalid, which)
	}
	return e.store.List(ctx, f)
}

// Act applies a person's op to an incident, or to every unresolved
// incident of a storm.
func (e *Engine) Act(ctx context.Context, act incident.Act) (incident.ActResult, error) {
	if act.By == "" {
		return incident.ActResult{}, fmt.Errorf("%w: who acts?", incident.ErrInvalid)
	}
	if act.At.IsZero() {
		act.At = e.clock.Now()
	}
	ids := []string{}
	if sid, ok := stormID(act.Target); ok {
		ms, err := e.Storm(ctx, sid)
		if err != nil {
			return incident.ActResult{}, err
		}
		for _, m := range ms {
			if m.Status != incident.StatusResolved {
				ids = append(ids, m.ID)
			}
		}
		if len(ids) == 0 {
			return incident.ActResult{Refused: []error{fmt.Errorf("every incident of %s is resolved", sid)}}, nil
		}
	} else {
		n, err := incident.ParseID(act.Target)
		if err != nil {
			return incident.ActResult{}, err
		}
		ids = append(ids, incident.FormatID(n))
	}
	ch, err := e.op(act)
	if err != nil {
		return incident.ActResult{}, err
	}
	var res incident.ActResult
	for _, id := range ids {
		inc, err := e.apply(ctx, id, ch)
		var te *incident.TransitionError
		switch {
		case err == nil:
			res.Changed = append(res.Changed, inc)
		case errors.As(err, &te):
			res.Refused = append(res.Refused, te)
		default:
			return res, err
		}
	}
	return res, nil
}

// op returns the change an Act makes.
func (e *Engine) op(act incident.Act) (change, error) {
	switch act.Op {
	case incident.OpAcknowledge:
		return func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
			inc, effects, err := incident.Acknowledge(inc, act.By, act.At)
			return withNote(inc, effects, err, act)
		}, nil
	case incident.OpEscalate:
		return func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
			return incident.Escalate(inc, act.By, act.Note, act.At)
		}, nil
	case incident.OpResolve:
		return func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
			return incident.Resolve(inc, act.By, act.Note, act.At)
		}, nil
	case incident.OpSnooze:
		d := act.Snooze
		if d <= 0 {
			d = e.opts.SnoozeFor
		}
		return func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
			inc, effects, err := incident.Snooze(inc, act.By, act.At.Add(d), act.At)
			return withNote(inc, effects, err, act)
		}, nil
	}
	return nil, fmt.Errorf("%w: unknown op %q", incident.ErrInvalid, act.Op)
}

// withNote adds an Act's note as a comment after a command that takes
// none.
func withNote(inc incident.Incident, effects []incident.Effect, err error, act incident.Act) (incident.Incident, []incident.Effect, error) {
	if err != nil || act.Note == "" {
		return inc, effects, err
	}
	inc, more, err := incident.Comment(inc, act.By, act.Note, act.At)
	return inc, append(effects, more...), err
}

// Silence mutes a check's pages until s.Until.
func (e *Engine) Silence(ctx context.Context, s incident.Silence) error {
	return e.opts.Silences.Set(ctx, storage.Silence{Check: s.Check, Until: s.Until, By: s.By, At: s.At, Reason: s.Reason})
}

// Unsilence ends a check's silence early.
func (e *Engine) Unsilence(ctx context.Context, check string) (bool, error) {
	return e.opts.Silences.Delete(ctx, check)
}

// Silences lists the silences in force at now.
func (e *Engine) Silences(ctx context.Context, now time.Time) ([]incident.Silence, error) {
	ss, err := e.opts.Silences.List(ctx, now)
	if err != nil {
		return nil, err
	}
	out := make([]incident.Silence, len(ss))
	for i, s := range ss {
		out[i] = incident.Silence{Check: s.Check, Until: s.Until, By: s.By, At: s.At, Reason: s.Reason}
	}
	return out, nil
}
