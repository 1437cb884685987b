package commands

import (
	"context"
	"strconv"
	"strings"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
)

// incidentsShown is how many incidents /incidents lists.
const incidentsShown = 30

// Incidents is /incidents [open|today|all]: one line per incident, newest
// first: status, id, level, check, how long, who acknowledged.
func Incidents(desk IncidentDesk) Command {
	return Command{
		Name:        "incidents",
		Description: "List incidents: open (default), today's, or the last 50",
		Usage:       "/incidents [open|today|all]",
		MinRole:     RoleViewer,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			which := strings.ToLower(strings.TrimSpace(req.Args))
			if which == "" {
				which = "open"
			}
			var title, none string
			switch which {
			case "open":
				title, none = "Open incidents", "No open incidents."
			case "today":
				title, none = "Incidents today", "No incidents today."
			case "all":
				title, none = "Recent incidents", "No incidents yet."
			default:
				return Reply{}, ErrUsage
			}
			list, err := desk.Incidents(ctx, which, req.At)
			if err != nil {
				return Reply{}, err
			}
			if len(list) == 0 {
				return Text(render.NewHTML().Text("✅ " + none)), nil
			}
			h := render.NewHTML().Bold(title + " (" + strconv.Itoa(len(list)) + ")").Line()
			for i, inc := range list {
				if i == incidentsShown {
					h.Text("…and " + strconv.Itoa(len(list)-i) + " more").Line()
					break
				}
				h.Text(statusIcon(inc.Status) + " ").Bold(inc.ID).Text(" · " + inc.Level.String() + " · " + render.Clip(inc.Check, stormCheckMax) + " · ")
				if d, ok := incident.Duration(inc); ok {
					h.Text("lasted " + incident.FormatDuration(d))
				} else {
					h.Text(incident.FormatDuration(incident.Age(inc, req.At)))
				}
				if inc.AcknowledgedBy != "" {
					h.Text(" · ack " + inc.AcknowledgedBy)
				}
				if inc.Group != "" {
					h.Text(" · " + inc.Group)
				}
				h.Line()
			}
			h.Italic("/incident <id> shows one with its timeline.")
			return Text(h), nil
		},
	}
}
