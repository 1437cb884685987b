package commands

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
)

// timelineNoteMax bounds one timeline note; the bot splits long replies.
const timelineNoteMax = 1000

// ShowIncident is /incident <id>: the incident's card with its buttons and
// its whole timeline. A storm id ("S-3") shows the storm's card.
func ShowIncident(desk IncidentDesk) Command {
	return Command{
		Name:        "incident",
		Description: "Show an incident's card and timeline",
		Usage:       "/incident <id, like INC-42 or S-3>",
		MinRole:     RoleViewer,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			args := strings.Fields(req.Args)
			if len(args) != 1 {
				return Reply{}, ErrUsage
			}
			target, ok := parseTarget(args[0])
			if !ok {
				return Reply{}, ErrUsage
			}
			cards := Cards{Snooze: desk.SnoozeFor()}
			if isStorm(target) {
				members, err := desk.Storm(ctx, target)
				if errors.Is(err, incident.ErrUnknown) {
					return unknownTarget(target), nil
				} else if err != nil {
					return Reply{}, err
				}
				html, kb := cards.StormCard(target, members, req.At)
				return Reply{HTML: html, Keyboard: kb}, nil
			}
			inc, err := desk.Incident(ctx, target)
			switch {
			case errors.Is(err, incident.ErrUnknown):
				return unknownTarget(target), nil
			case errors.Is(err, incident.ErrInvalid):
				return Reply{}, ErrUsage
			case err != nil:
				return Reply{}, err
			}
			html, kb := cards.Card(inc, req.At)
			h := render.NewHTML()
			timeline(h, inc.Timeline)
			return Reply{HTML: html + "\n\n" + h.String(), Keyboard: kb}, nil
		},
	}
}

// timeline writes one line per entry: "10:05:00 acknowledged by @alice ·
// L1 — note", with a date line whenever the UTC day changes.
func timeline(h *render.HTML, entries []incident.TimelineEntry) {
	h.Bold("Timeline (UTC)")
	var day string
	for _, e := range entries {
		at := e.At.UTC()
		if d := at.Format(time.DateOnly); d != day {
			day = d
			h.Line().Italic(d)
		}
		h.Line().Code(at.Format(time.TimeOnly)).Text(" " + strings.ReplaceAll(string(e.Kind), "_", " "))
		if e.By != "" {
			h.Text(" by " + e.By)
		}
		if e.Level > 0 {
			h.Text(" · " + e.Level.String())
		}
		if e.Note != "" {
			h.Text(" — " + render.Clip(e.Note, timelineNoteMax))
		}
	}
}
