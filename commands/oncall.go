package commands

import (
	"context"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
)

// OnCall is /oncall: the escalation matrix in force (each level, who it
// pages and when, level 1's automated action) and the active silences.
// People are shown as code, so that looking at the matrix rings nobody.
func OnCall(desk IncidentDesk) Command {
	return Command{
		Name:        "oncall",
		Description: "The escalation matrix: who is paged when, and active silences",
		Usage:       "/oncall",
		MinRole:     RoleViewer,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			if strings.TrimSpace(req.Args) != "" {
				return Reply{}, ErrUsage
			}
			silences, err := desk.Silences(ctx, req.At)
			if err != nil {
				return Reply{}, err
			}
			p := desk.Policy()
			h := render.NewHTML().Bold("On-call escalation matrix").Line()
			for _, lp := range p.Levels {
				h.Bold(levelName(p, lp.Level)).Text(" — ")
				if lp.After == 0 {
					h.Text("paged at once")
				} else {
					h.Text("paged after " + incident.FormatDuration(lp.After) + " unacknowledged")
				}
				if lp.Action != "" {
					h.Text(" · runs ").Code(lp.Action)
				}
				h.Line().Text("   ")
				if len(lp.Notify) == 0 {
					h.Text("nobody named: the ops chat is paged")
				}
				for i, who := range lp.Notify {
					if i > 0 {
						h.Text(", ")
					}
					h.Code(who)
				}
				h.Line()
			}
			if len(p.Levels) > 1 {
				h.Italic("An alert rule's escalation time replaces " + incident.L2.String() + "'s; later levels move with it.").Line()
			}
			if p.ReopenWindow > 0 {
				h.Text("A failure within " + incident.FormatDuration(p.ReopenWindow) + " of a resolution reopens the incident.").Line()
			}
			h.Line()
			silenceList(h, silences, req.At)
			return Text(h), nil
		},
	}
}

// silenceList writes the active silences, one a line.
func silenceList(h *render.HTML, silences []incident.Silence, now time.Time) {
	if len(silences) == 0 {
		h.Text("🔔 No checks are silenced.")
		return
	}
	h.Bold("Silenced checks (" + itoa(len(silences)) + ")")
	for _, s := range silences {
		h.Line().Text("🔇 ").Bold(s.Check).Text(" until " + clock(s.Until, now) + " (" + until(s.Until, now) + ")")
		if s.By != "" {
			h.Text(" by " + s.By)
		}
		if s.Reason != "" {
			h.Text(" — " + render.Clip(s.Reason, cardFieldMax))
		}
	}
}
