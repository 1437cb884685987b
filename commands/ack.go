package commands

import (
	"context"

	"github.com/opsbot/opsbot/incident"
)

// Ack is /ack <id>: acknowledges an incident, or every unresolved
// incident of an alert storm, stopping its escalation.
func Ack(desk IncidentDesk) Command {
	return Command{
		Name:        "ack",
		Description: "Acknowledge an incident or an alert storm: you are on it",
		Usage:       "/ack <id, like INC-42 or S-3>",
		MinRole:     RoleOperator,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			target, rest, ok := cutTarget(req.Args)
			if !ok || rest != "" {
				return Reply{}, ErrUsage
			}
			return actReply(ctx, desk, req, incident.OpAcknowledge, target, "")
		},
	}
}
