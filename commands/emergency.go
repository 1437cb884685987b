package commands

import (
	"context"
	"errors"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident/maint"
)

// EmergencyDesk is what /maint emergency and the step buttons need;
// maint.EmergencyDesk implements it on storage and the Planner.
type EmergencyDesk interface {
	// Steps are the procedure's steps; a button carries a step's index.
	Steps() []maint.Step
	// Start calls an emergency (opening its maintenance window) and
	// returns it with its id.
	Start(ctx context.Context, reason, by string, now time.Time) (maint.Emergency, error)
	// Mark marks a step done once, whoever presses at the same time, and
	// returns the emergency as it now stands and who did the step; it
	// closes the emergency when that was the last step. Errors wrap
	// maint.ErrUnknownEmergency, or maint.ErrInvalid for a step or note
	// the procedure does not have.
	Mark(ctx context.Context, id string, step int, note, by string, now time.Time) (maint.EmergencyMark, error)
}

// maintEmergency answers "/maint emergency <reason>": it calls an
// emergency and replies with its procedure, a button per step.
func maintEmergency(ctx context.Context, desk EmergencyDesk, req Request, now time.Time) (Reply, error) {
	reason := render.Clip(afterFields(req.Args, 1), cardFieldMax)
	if reason == "" {
		return Reply{}, ErrUsage
	}
	if desk == nil {
		return Text(render.NewHTML().Text("Emergency maintenance is not set up here.")), nil
	}
	e, err := desk.Start(ctx, reason, actor(req.UserID, req.Username), now)
	if err != nil {
		return Reply{}, err
	}
	html, kb := maint.RenderEmergency(e, desk.Steps(), now)
	return Reply{HTML: html, Keyboard: kb}, nil
}

// EmergencyButton is the "emg" action behind an emergency's step buttons,
// callback data "emg:<id>:<step index>[:go|nogo]". It marks the step done
// and redraws the pressed message with everyone's steps; when somebody
// else was faster it says who, and redraws all the same, so a stale
// message catches up. The last step closes the emergency and ends its
// window. now is the clock (time.Now when nil).
func EmergencyButton(desk EmergencyDesk, now func() time.Time) Action {
	if now == nil {
		now = time.Now
	}
	return Action{
		Name:    maint.EmergencyAction,
		MinRole: RoleOperator,
		Handle: func(ctx context.Context, p Press) (Outcome, error) {
			steps := desk.Steps()
			id, step, note, ok := maint.ParseEmergencyArg(p.Arg, steps)
			if !ok {
				return Outcome{Toast: "This button is out of date."}, nil
			}
			by, at := actor(p.UserID, p.Username), now()
			m, err := desk.Mark(ctx, id, step, note, by, at)
			switch {
			case errors.Is(err, maint.ErrUnknownEmergency):
				return Outcome{Toast: "This emergency no longer exists."}, nil
			case errors.Is(err, maint.ErrInvalid):
				return Outcome{Toast: "This button is out of date."}, nil
			case err != nil:
				return Outcome{}, err
			}
			html, kb := maint.RenderEmergency(m.Emergency, steps, at)
			return Outcome{Toast: render.Clip(emergencyToast(m, by, at), 200), Edit: &Reply{HTML: html, Keyboard: kb}}, nil
		},
	}
}

// emergencyToast tells the presser what the press did: "Already done by
// @bob at 09:14 UTC." when somebody was faster, with the choice that holds
// for the decision.
func emergencyToast(m maint.EmergencyMark, by string, now time.Time) string {
	what, choice := maint.StepTitle(m.Step.Name), ""
	if m.Done.Note != "" {
		what += ": " + m.Done.Note
		choice = ": " + m.Done.Note
	}
	when := clock(m.Done.At, now)
	switch {
	case !m.First && m.Done.By == by:
		return "You marked this done already at " + when + choice + "."
	case !m.First:
		return "Already done by " + m.Done.By + " at " + when + choice + "."
	case m.Closed:
		return "Done: " + what + ". Every step is done: " + m.Emergency.ID + " is closed."
	}
	return "Done: " + what + "."
}
