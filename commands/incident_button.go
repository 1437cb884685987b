package commands

import (
	"context"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
)

// incActionName is the incident buttons' action.
const incActionName = "inc"

// IncidentButtons is the "inc" action behind the buttons of incident and
// storm cards: [Acknowledge], [Escalate], [Resolve] and [Snooze]. Its
// argument is "<code>:<target>", e.g. "a:INC-42" or "r:S-3". It only
// answers with a toast: the engine edits the card itself once the change
// is stored. now is the clock (time.Now when nil).
func IncidentButtons(desk IncidentDesk, now func() time.Time) Action {
	if now == nil {
		now = time.Now
	}
	return Action{
		Name:    incActionName,
		MinRole: RoleOperator,
		Handle: func(ctx context.Context, p Press) (Outcome, error) {
			op, target, ok := parseIncButton(p.Arg)
			if !ok {
				return Outcome{Toast: "This button is out of date."}, nil
			}
			a := incident.Act{Op: op, Target: target, By: actor(p.UserID, p.Username), At: now()}
			if op == incident.OpSnooze {
				a.Snooze = desk.SnoozeFor()
			}
			out, err := act(ctx, desk, a)
			if err != nil {
				return Outcome{}, err
			}
			if out.Unknown {
				return Outcome{Toast: target + " no longer exists."}, nil
			}
			return Outcome{Toast: render.Clip(out.Short, 200)}, nil
		},
	}
}

// parseIncButton reads "a:INC-42" into the op and the canonical target.
func parseIncButton(arg string) (incident.Op, string, bool) {
	code, rest, ok := strings.Cut(arg, ":")
	if !ok {
		return "", "", false
	}
	var op incident.Op
	switch code {
	case codeAcknowledge:
		op = incident.OpAcknowledge
	case codeEscalate:
		op = incident.OpEscalate
	case codeResolve:
		op = incident.OpResolve
	case codeSnooze:
		op = incident.OpSnooze
	default:
		return "", "", false
	}
	target, ok := parseTarget(rest)
	return op, target, ok
}
