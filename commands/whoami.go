package commands

import (
	"context"
	"strconv"

	"github.com/opsbot/opsbot/bot/render"
)

// WhoAmI is /whoami: the caller's Telegram user id, role and this chat's id,
// the two numbers an admin needs to write opsbot's config.
func WhoAmI() Command {
	return Command{
		Name:        "whoami",
		Description: "Your user id and role, and this chat's id",
		Usage:       "/whoami",
		MinRole:     RoleViewer,
		Handle: func(_ context.Context, req Request) (Reply, error) {
			if req.Args != "" {
				return Reply{}, ErrUsage
			}
			h := render.NewHTML().Text("User id: ").Code(strconv.FormatInt(req.UserID, 10)).Line()
			if req.Username != "" {
				h.Text("Username: @" + req.Username).Line()
			}
			h.Text("Role: ").Bold(req.Role.String()).Line().
				Text("Chat id: ").Code(strconv.FormatInt(req.ChatID, 10))
			if req.ThreadID != 0 {
				h.Line().Text("Topic id: ").Code(strconv.Itoa(req.ThreadID))
			}
			return Text(h), nil
		},
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
