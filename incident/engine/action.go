package engine

import (
	"context"
	"errors"
	"strings"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
)

// startAction runs level 1's automated action in the background, once
// per incident across processes and restarts: the claim of its key is
// taken before it runs, so a crash in between skips it rather than
// repeating it. Its outcome goes on the timeline.
func (e *Engine) startAction(inc incident.Incident, a incident.RunAction) {
	e.actions.Go(func() {
		ctx := e.actx
		first, err := e.opts.Once.Claim(ctx, a.Key(), e.clock.Now())
		if err != nil {
			e.log.Error("claiming automated action; not run", "incident", inc.ID, "action", a.Action, "err", err)
			return
		}
		if !first {
			return // run already, by this process before a restart or by another
		}
		result := e.runAction(ctx, inc, a)
		e.log.Info("automated action", "incident", inc.ID, "action", a.Action, "result", result)
		_, err = e.apply(ctx, inc.ID, func(cur incident.Incident) (incident.Incident, []incident.Effect, error) {
			next, effects := incident.RecordAction(cur, a.Level, result, e.clock.Now())
			return next, effects, nil
		})
		if err != nil {
			e.log.Error("recording automated action", "incident", inc.ID, "err", err)
		}
	})
}

func (e *Engine) runAction(ctx context.Context, inc incident.Incident, a incident.RunAction) string {
	if e.opts.Actions == nil {
		return a.Action + ": no automated action configured"
	}
	ctx, cancel := context.WithTimeout(ctx, e.opts.ActionTimeout)
	defer cancel()
	out, err := e.opts.Actions.Run(ctx, inc, a.Action)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return a.Action + " failed: no answer within " + incident.FormatDuration(e.opts.ActionTimeout)
	case err != nil:
		return a.Action + " failed: " + render.Clip(strings.TrimSpace(err.Error()), 300)
	case out == "":
		return a.Action + " succeeded"
	}
	return a.Action + " succeeded: " + render.Clip(strings.TrimSpace(out), 300)
}

// WaitActions waits for the automated actions started so far (tests, and
// shutdown).
func (e *Engine) WaitActions() { e.actions.Wait() }
