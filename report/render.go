package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
)

// AllClearLine is the digest's line for a period with nothing to report;
// "opsbot is alive" because a quiet digest is also the proof that the bot
// and its scheduler still run.
const AllClearLine = "✅ All clear: no incidents, every check healthy. opsbot is alive."

// Limits that keep a digest one Telegram message (4096 characters after
// entity parsing). Render counts bytes of HTML, which are never fewer than
// the characters Telegram counts, so staying under maxBytes is safe.
const (
	maxBytes       = 4000
	maxName        = 40
	maxMaintenance = 5
	maxTitle       = 60
)

// Render turns d into Telegram HTML, every piece of text escaped. The
// per-check list is ordered worst first and cut with "…and N more" where
// the message would grow too long, so the checks that matter are the ones
// shown.
func Render(d Digest) string {
	head := render.NewHTML().Bold("📊 " + title(d.Period.Kind)).Text(" · " + label(d.Period)).Line()
	if d.AllClear {
		head.Text(AllClearLine).Line()
	}
	head.Line()
	overall(head, d.Total)
	incidents(head, d.Incidents, d.PrevIncidents)
	worstChecks(head, d.Worst)

	tail := render.NewHTML()
	flagLine(tail, "Security", "Security events", d.Security)
	flagLine(tail, "Rate limits", "Rate-limit events", d.RateLimit)
	maintenance(tail, d.Maintenance)
	if c := d.Checklist; c != nil {
		tail.Bold("Checklist").Text(" ")
		if c.Total == 0 {
			tail.Text("nothing due").Line()
		} else {
			tail.Textf("%d of %d done (%d%%)", c.Done, c.Total, c.Done*100/c.Total).Line()
		}
	}
	if len(d.Notes) > 0 {
		tail.Italic("Left out: " + strings.Join(d.Notes, "; ") + ".").Line()
	}

	out := render.NewHTML().Append(head)
	if len(d.Checks) > 0 {
		out.Line().Bold(fmt.Sprintf("Checks (%d)", len(d.Checks))).Line()
		ordered := byConcern(d.Checks)
		for i, c := range ordered {
			line := checkLine(c)
			reserve := 0
			if i < len(ordered)-1 {
				reserve = len("…and 999 more\n")
			}
			if out.Len()+line.Len()+reserve+1+tail.Len() > maxBytes {
				out.Textf("…and %d more", len(ordered)-i).Line()
				break
			}
			out.Append(line)
		}
	}
	if tail.Len() > 0 {
		out.Line().Append(tail)
	}
	return strings.TrimRight(out.String(), "\n")
}

func title(kind string) string {
	switch kind {
	case Daily:
		return "Daily report"
	case Weekly:
		return "Weekly report"
	case Monthly:
		return "Monthly report"
	}
	return "Report"
}

func overall(h *render.HTML, t CheckReport) {
	h.Bold("Overall").Text(" ")
	if t.Cur.Results == 0 {
		h.Text("no check results in this period").Line()
		return
	}
	s, c := t.Cur, t.Change
	h.Text(availability(s.Availability) + " available")
	if c.Known {
		h.Text(" (" + points(c.AvailabilityPP) + ")")
	}
	h.Text(" · " + count(s.Results, "run", "runs")).Line()
	h.Text("avg " + millis(s.AvgMS))
	if c.Known && t.Prev.AvgMS > 0 {
		h.Text(" (" + relativeChange(c.AvgPct) + ")")
	}
	h.Text(" · p95 " + p95Text(s))
	if c.Known && t.Prev.P95MS > 0 {
		h.Text(" (" + relativeChange(c.P95Pct) + ")")
	}
	h.Text(" · errors " + errorRate(s.ErrorRate))
	if c.Known {
		h.Text(" (" + points(c.ErrorRatePP) + ")")
	}
	h.Line()
}

func incidents(h *render.HTML, cur, prev IncidentStats) {
	h.Line().Bold("Incidents").Text(" ")
	if cur.Opened == 0 && cur.Resolved == 0 && cur.OpenAtEnd == 0 {
		h.Textf("none (previous period: %d opened)", prev.Opened).Line()
		return
	}
	h.Textf("%d opened (prev %d) · %d resolved (prev %d) · %d still open", cur.Opened, prev.Opened, cur.Resolved, prev.Resolved, cur.OpenAtEnd).Line()
	if cur.Acknowledged > 0 {
		h.Text("MTTA " + incident.FormatDuration(cur.MTTA))
		if prev.Acknowledged > 0 {
			h.Text(" (prev " + incident.FormatDuration(prev.MTTA) + ")")
		}
	} else {
		h.Text("MTTA –")
	}
	h.Text(" · ")
	if cur.Resolved > 0 {
		h.Text("MTTR " + incident.FormatDuration(cur.MTTR))
		if prev.Resolved > 0 {
			h.Text(" (prev " + incident.FormatDuration(prev.MTTR) + ")")
		}
	} else {
		h.Text("MTTR –")
	}
	h.Line()
}

func worstChecks(h *render.HTML, worst []CheckReport) {
	if len(worst) == 0 {
		return
	}
	h.Line().Bold("Worst checks").Line()
	for _, c := range worst {
		h.Text(emoji(c.Cur) + " ").Bold(clip(c.Name, maxName)).Text(" " + availability(c.Cur.Availability))
		if c.Change.Known {
			h.Text(" (" + points(c.Change.AvailabilityPP) + ")")
		}
		h.Textf(" · %d failed, %d degraded of %s", c.Cur.Crit, c.Cur.Warn, count(c.Cur.Results, "run", "runs")).Line()
	}
}

// byConcern orders checks for the list: below 100% worst first, then
// those without runs, then the healthy ones, each by name.
func byConcern(all []CheckReport) []CheckReport {
	rank := func(c CheckReport) int {
		switch {
		case c.Cur.Results == 0:
			return 1
		case c.Cur.OK < c.Cur.Results:
			return 0
		}
		return 2
	}
	out := slices.Clone(all)
	slices.SortStableFunc(out, func(a, b CheckReport) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Cur.Availability, b.Cur.Availability), cmp.Compare(a.Name, b.Name))
	})
	return out
}

func checkLine(c CheckReport) *render.HTML {
	h := render.NewHTML().Text(emoji(c.Cur) + " ").Bold(clip(c.Name, maxName)).Text(" ")
	s := c.Cur
	if s.Results == 0 {
		return h.Text("no runs").Line()
	}
	h.Text(availability(s.Availability) + " · avg " + millis(s.AvgMS) + " · p95 " + p95Text(s))
	if s.Crit > 0 {
		h.Text(" · errors " + errorRate(s.ErrorRate))
	}
	return h.Line()
}

func emoji(s Stats) string {
	switch {
	case s.Results == 0:
		return "⏳"
	case s.Crit > 0:
		return "🔴"
	case s.OK < s.Results:
		return "⚠️"
	}
	return "✅"
}

// flagLine renders counted events as "Security events: 12 (was 3)" and
// flagged runs as "Security 2 flagged runs of events (prev 1)".
func flagLine(h *render.HTML, what, counted string, f Flags) {
	if f.Counted {
		h.Bold(counted+":").Textf(" %d (was %d)", f.Events, f.PrevEvents).Line()
		return
	}
	if len(f.Checks) == 0 {
		return
	}
	names := make([]string, len(f.Checks))
	for i, n := range f.Checks {
		names[i] = clip(n, maxName)
	}
	h.Bold(what).Textf(" %s of %s (prev %d)", count(f.Runs, "flagged run", "flagged runs"), clip(strings.Join(names, ", "), 2*maxName), f.PrevRuns).Line()
}

func maintenance(h *render.HTML, m *Maintenance) {
	if m == nil {
		return
	}
	h.Bold("Maintenance done").Text(" ")
	if len(m.Done) == 0 {
		h.Text("none").Line()
		return
	}
	var titles []string
	for _, t := range m.Done[:min(len(m.Done), maxMaintenance)] {
		titles = append(titles, clip(t, maxTitle))
	}
	h.Text(strings.Join(titles, "; "))
	if n := len(m.Done) - maxMaintenance; n > 0 {
		h.Textf(" …and %d more", n)
	}
	h.Line()
}
