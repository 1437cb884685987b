package commands

import (
	"context"

	"github.com/opsbot/opsbot/bot/render"
)

// Start is /start: a greeting that says what opsbot is and where to begin.
func Start() Command {
	return Command{
		Name:        "start",
		Description: "What opsbot is and how to begin",
		Usage:       "/start",
		MinRole:     RoleViewer,
		Handle: func(_ context.Context, req Request) (Reply, error) {
			h := render.NewHTML().
				Text("👋 ").Bold("opsbot").Text(" is on duty.").Line().
				Text("I run the service checks, keep incidents, page the on-call matrix and post digests here.").Line().Line().
				Text("Your role: ").Bold(req.Role.String()).Text(". Type /help for what you can do.")
			return Text(h), nil
		},
	}
}
