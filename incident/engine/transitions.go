package engine

import (
	"context"
	"errors"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
)

// Transition opens, reopens or resolves the incident of a rule's
// transition. It is called synchronously by the rules' evaluator and
// returns once the change is stored and its messages are in the outbox.
// When the store is unreachable, the transition is held and applied once
// it is back (a failure is paged directly meanwhile; see backlog); while
// transitions are held, newer ones queue behind them, in order, and Run
// retries them every few seconds, so that the checks are not held up. Other
// failures are logged: the evaluator does not retry.
func (e *Engine) Transition(ctx context.Context, t checks.Transition) {
	var err error
	if e.backlog.len() > 0 {
		err = errHeld
	} else {
		err = e.transition(ctx, t)
	}
	switch {
	case err == nil || ctx.Err() != nil:
	case errors.Is(err, errHeld) || storage.IsUnavailable(err):
		e.holdForLater(ctx, t, err)
	default:
		e.log.Error("incident not updated", "rule", t.Rule.Name, "check", t.Check, "transition", t.Kind, "err", err)
	}
}

// errHeld stands for "older transitions wait for the store".
var errHeld = errors.New("older transitions wait for the store")

func (e *Engine) transition(ctx context.Context, t checks.Transition) error {
	switch t.Kind {
	case checks.Fired:
		return e.fired(ctx, t)
	case checks.Resolved:
		return e.recovered(ctx, t)
	}
	return nil
}

// fired opens the fingerprint's incident, or reopens its last one when
// that was resolved within the reopen window. A repeat of a failure whose
// incident is still unresolved changes nothing: that is the dedup.
func (e *Engine) fired(ctx context.Context, t checks.Transition) error {
	fp := incident.Fingerprint(t.Check, "", t.Rule.Name)
	if _, open, err := e.store.ByFingerprint(ctx, fp); err != nil {
		return err
	} else if open {
		return nil
	}
	if last, ok, err := e.store.LastResolved(ctx, fp); err != nil {
		return err
	} else if ok && incident.CanReopen(last, t.At) {
		_, err := e.apply(ctx, last.ID, func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
			return incident.Reopen(inc, t.At)
		})
		var te *incident.TransitionError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &te), errors.Is(err, storage.ErrFingerprintTaken):
			// Reopened by someone else meanwhile, or a new incident holds
			// the fingerprint: open (or find) that one.
		default:
			return err
		}
	}
	p := incident.ParamsFor(t)
	p.Policy = e.opts.Policy
	return e.open(ctx, fp, p)
}

// open opens a new incident for p (Seq is allocated by the store),
// joining an alert storm when enough others opened just before it.
func (e *Engine) open(ctx context.Context, fp string, p incident.OpenParams) error {
	var (
		group   string
		earlier []string
		joined  bool
		built   []incident.Effect
	)
	inc, created, err := e.store.Open(ctx, fp, func(seq int64) (incident.Incident, error) {
		p.Seq = seq
		inc, effects, err := incident.Open(p)
		if err != nil {
			return inc, err
		}
		if !joined {
			group, earlier = e.joinStorm(ctx, inc.ID, p.At)
			joined = true
		}
		inc.Group = group
		inc, built = e.plan(ctx, inc, effects)
		return inc, nil
	})
	if err != nil || !created {
		return err
	}
	e.committed(ctx, inc, built)
	for _, id := range earlier {
		e.regroup(ctx, id, group)
	}
	return nil
}

// recovered resolves the fingerprint's incident when the check recovered,
// if the config says recovery resolves.
func (e *Engine) recovered(ctx context.Context, t checks.Transition) error {
	if !e.opts.ResolveOnRecovery {
		return nil
	}
	inc, open, err := e.store.ByFingerprint(ctx, incident.Fingerprint(t.Check, "", t.Rule.Name))
	if err != nil || !open {
		return err
	}
	_, err = e.apply(ctx, inc.ID, func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
		return incident.Resolve(inc, "", "", t.At)
	})
	if errors.Is(err, incident.ErrResolved) {
		return nil // resolved by a person first
	}
	return err
}

// OpenManual opens an incident a person reports: it pages level 1 like
// any other, is never suppressed, and only a person resolves it. The same
// text reported again while its incident is unresolved finds that one.
func (e *Engine) OpenManual(ctx context.Context, by, text string, at time.Time) (incident.Incident, error) {
	if by == "" || text == "" {
		return incident.Incident{}, incident.ErrInvalid
	}
	target := text
	if r := []rune(target); len(r) > 200 {
		target = string(r[:200])
	}
	p := incident.OpenParams{
		Check: "manual", Target: target, Rule: "manual", Severity: checks.SeverityCritical,
		Summary: text, At: at, Policy: e.opts.Policy,
	}
	fp := incident.Fingerprint(p.Check, p.Target, p.Rule)
	var out incident.Incident
	var built []incident.Effect
	inc, created, err := e.store.Open(ctx, fp, func(seq int64) (incident.Incident, error) {
		p.Seq = seq
		inc, effects, err := incident.Open(p)
		if err != nil {
			return inc, err
		}
		inc.Manual = true
		inc.Timeline[0].By = by
		inc, built = e.plan(ctx, inc, effects)
		return inc, nil
	})
	if err != nil {
		return out, err
	}
	if created {
		e.committed(ctx, inc, built)
	}
	return inc, nil
}
