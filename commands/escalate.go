package commands

import (
	"context"
	"errors"
	"strings"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
)

// manualTextMax bounds the text of a reported incident in the reply.
const manualTextMax = 200

// Escalate is /escalate <id> [note] or /escalate <what is wrong>: pages the
// next level of an incident or an alert storm at once; text that does not
// start with an id opens a manual incident, which pages level 1.
func Escalate(desk IncidentDesk) Command {
	return Command{
		Name:        "escalate",
		Description: "Page the next level of an incident now, or report a new incident",
		Usage:       "/escalate <id, like INC-42 or S-3> [note] | /escalate <what is wrong>",
		MinRole:     RoleOperator,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			text := strings.TrimSpace(req.Args)
			if text == "" {
				return Reply{}, ErrUsage
			}
			if target, note, ok := cutTarget(text); ok {
				return actReply(ctx, desk, req, incident.OpEscalate, target, note)
			}
			inc, err := desk.OpenManual(ctx, actor(req.UserID, req.Username), text, req.At)
			switch {
			case errors.Is(err, incident.ErrInvalid):
				return Text(render.NewHTML().Text(sentence(err.Error()))), nil
			case err != nil:
				return Reply{}, err
			}
			h := render.NewHTML().Text(statusIcon(inc.Status) + " ").Bold(inc.ID).
				Text(" opened and " + levelName(inc.Policy, inc.Level) + " paged: " + render.Clip(text, manualTextMax))
			return Text(h), nil
		},
	}
}
