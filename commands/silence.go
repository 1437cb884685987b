package commands

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
)

// silenceMax is the longest silence.
const silenceMax = 7 * 24 * time.Hour

// Silence is /silence [<check> <duration> [reason] | <check> off]: mutes a
// check's pages for a while (its incidents still open and are recorded),
// ends a silence early, or, alone, lists the active silences.
func Silence(desk IncidentDesk) Command {
	return Command{
		Name:        "silence",
		Description: "Mute a check's pages for a while (30m to 7d), end it, or list silences",
		Usage:       "/silence [<check> <30m|2h|1d> [reason] | <check> off]",
		MinRole:     RoleOperator,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			args := strings.TrimSpace(req.Args)
			if args == "" {
				silences, err := desk.Silences(ctx, req.At)
				if err != nil {
					return Reply{}, err
				}
				h := render.NewHTML()
				silenceList(h, silences, req.At)
				return Text(h), nil
			}
			fields := strings.FieldsFunc(args, unicode.IsSpace)
			if len(fields) < 2 {
				return Reply{}, ErrUsage
			}
			check, arg := fields[0], fields[1]
			names := desk.CheckNames()
			if !slices.Contains(names, check) {
				h := render.NewHTML().Text("No check called ").Code(check).Text(".").Line()
				if len(names) == 0 {
					h.Text("No checks are configured.")
				} else {
					h.Text("Checks: " + strings.Join(names, ", "))
				}
				return Text(h), nil
			}
			if strings.EqualFold(arg, "off") {
				if len(fields) > 2 {
					return Reply{}, ErrUsage
				}
				ended, err := desk.Unsilence(ctx, check)
				if err != nil {
					return Reply{}, err
				}
				if !ended {
					return Text(render.NewHTML().Bold(check).Text(" is not silenced.")), nil
				}
				return Text(render.NewHTML().Text("🔔 Silence on ").Bold(check).Text(" ended: its incidents page again.")), nil
			}
			d, ok := parseSince(arg)
			if !ok {
				return Reply{}, ErrUsage
			}
			if d <= 0 || d > silenceMax {
				return Text(render.NewHTML().Text("A silence lasts more than 0 and at most 7d; " + arg + " is out of range.")), nil
			}
			s := incident.Silence{
				Check:  check,
				Until:  req.At.Add(d),
				By:     actor(req.UserID, req.Username),
				At:     req.At,
				Reason: afterFields(args, 2),
			}
			if err := desk.Silence(ctx, s); err != nil {
				return Reply{}, err
			}
			h := render.NewHTML().Text("🔇 ").Bold(check).Text(" silenced for " + incident.FormatDuration(d) + ", until " + clock(s.Until, req.At) + ", by " + s.By)
			if s.Reason != "" {
				h.Text(" — " + render.Clip(s.Reason, cardFieldMax))
			}
			h.Line().Italic("Its incidents still open and are recorded, but nobody is paged. /silence " + check + " off ends it.")
			return Text(h), nil
		},
	}
}

// afterFields is s without its first n whitespace-separated fields.
func afterFields(s string, n int) string {
	s = strings.TrimSpace(s)
	for range n {
		i := strings.IndexFunc(s, unicode.IsSpace)
		if i < 0 {
			return ""
		}
		s = strings.TrimSpace(s[i:])
	}
	return s
}
