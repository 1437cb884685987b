package commands

import (
	"context"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/incident/maint"
)

// maintList answers /maint alone: the windows active now or starting
// within maintAhead, with their phase. Ended ones are left out; canceled
// ones stay, so that nobody waits for a window that will not come.
func maintList(ctx context.Context, desk MaintDesk, req Request, now time.Time) (Reply, error) {
	windows, err := desk.Windows(ctx, now, now.Add(maintAhead))
	if err != nil {
		return Reply{}, err
	}
	h := render.NewHTML()
	n := 0
	for _, w := range windows {
		phase := w.Phase(now)
		if phase == maint.PhaseEnded {
			continue
		}
		if n == 0 {
			h.Bold("Maintenance windows, next 30 days").Line()
		}
		n++
		h.Line().Text(maintPhaseIcon(phase) + " ").Bold(w.ID).Text(" " + render.Clip(w.Title, cardFieldMax) + " — " + maintPhaseText(w, phase, now)).Line()
		maintDetails(h, w, now)
	}
	if n == 0 {
		h.Text("🗓 No maintenance windows in the next 30 days.")
	}
	if req.Role >= RoleAdmin {
		h.Line().Line().Italic("/maint add 2026-12-06 02:00 2h [scope=api,db] <title> schedules one; /maint start|end|cancel <id> changes one.")
	}
	return Text(h), nil
}

// maintDetails writes a window's span, scope and notice on one line.
func maintDetails(h *render.HTML, w maint.Window, now time.Time) {
	start, end := w.EffectiveStart(), w.End
	h.Text(maintSpan(start, end, now) + " (" + incident.FormatDuration(end.Sub(start)) + ") · " + maintScope(w.Scope))
	if w.Notice > 0 {
		h.Text(" · notice " + incident.FormatDuration(w.Notice))
	}
}

// maintSpan is "Sun Dec 6 02:00–04:00 UTC", with the end's date when it ends
// on another day and the year when it is not now's.
func maintSpan(start, end, now time.Time) string {
	start, end = start.UTC(), end.UTC()
	day := "Mon Jan 2"
	if start.Year() != now.UTC().Year() || end.Year() != now.UTC().Year() {
		day = "Mon 2006-01-02"
	}
	if start.YearDay() == end.YearDay() && start.Year() == end.Year() {
		return start.Format(day+" 15:04") + "–" + end.Format("15:04") + " UTC"
	}
	return start.Format(day+" 15:04") + " – " + end.Format(day+" 15:04") + " UTC"
}

// maintScope is "all checks" or "api, db-*".
func maintScope(scope []string) string {
	if len(scope) == 0 {
		return "all checks"
	}
	return strings.Join(scope, ", ")
}

func maintPhaseIcon(p maint.Phase) string {
	switch p {
	case maint.PhaseActive:
		return "🔧"
	case maint.PhaseAnnounced:
		return "📣"
	case maint.PhaseCanceled:
		return "🚫"
	}
	return "🗓"
}

// maintPhaseText is the phase in words: "active until 04:00 UTC", "announced,
// starts in 2d", "scheduled, starts in 9d", "canceled".
func maintPhaseText(w maint.Window, p maint.Phase, now time.Time) string {
	switch p {
	case maint.PhaseActive:
		return "active until " + clock(w.EffectiveEnd(), now)
	case maint.PhaseAnnounced, maint.PhaseScheduled:
		return string(p) + ", starts " + until(w.EffectiveStart(), now)
	}
	return string(p)
}
