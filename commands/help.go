package commands

import (
	"context"
	"strings"

	"github.com/opsbot/opsbot/bot/render"
)

// Help is /help [command]: the commands the caller's role may run, or one
// command's usage.
func Help(reg *Registry) Command {
	return Command{
		Name:        "help",
		Description: "List commands, or show how to use one",
		Usage:       "/help [command]",
		MinRole:     RoleViewer,
		Handle: func(_ context.Context, req Request) (Reply, error) {
			arg := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(req.Args)), "/")
			if strings.ContainsAny(arg, " \t\n") {
				return Reply{}, ErrUsage
			}
			if arg != "" {
				c, ok := reg.Lookup(arg)
				if !ok {
					h := render.NewHTML().Text("No command /" + arg + ". Type /help for the list.")
					return Text(h), nil
				}
				h := render.NewHTML().Code(c.Usage).Line().Text(c.Description).Line().
					Text("Needs the ").Bold(c.MinRole.String()).Text(" role.")
				return Text(h), nil
			}
			h := render.NewHTML().Bold("opsbot commands").Line()
			for _, c := range reg.For(req.Role) {
				h.Code(c.Usage).Text(" — " + c.Description).Line()
			}
			if hidden := len(reg.All()) - len(reg.For(req.Role)); hidden > 0 {
				h.Line().Italic("Your role is " + req.Role.String() + "; " + plural(hidden, "command needs", "commands need") + " a higher role.")
			}
			return Text(h), nil
		},
	}
}

// plural returns "1 check" or "3 checks".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}
