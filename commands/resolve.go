package commands

import (
	"context"

	"github.com/opsbot/opsbot/incident"
)

// Resolve is /resolve <id> [note]: ends an incident, or every unresolved
// incident of an alert storm, with an optional note for the timeline.
func Resolve(desk IncidentDesk) Command {
	return Command{
		Name:        "resolve",
		Description: "Resolve an incident or an alert storm, with an optional note",
		Usage:       "/resolve <id, like INC-42 or S-3> [note]",
		MinRole:     RoleOperator,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			target, note, ok := cutTarget(req.Args)
			if !ok {
				return Reply{}, ErrUsage
			}
			return actReply(ctx, desk, req, incident.OpResolve, target, note)
		},
	}
}
