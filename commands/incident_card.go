package commands

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
)

// Cards renders incident cards and pages.
type Cards struct{ Snooze time.Duration }

const (
	// cardSummaryMax is how much of a summary a card or page shows; the
	// whole summary is in /incident's timeline.
	cardSummaryMax = 500
	// cardFieldMax bounds a check name, a target or a note on a card.
	cardFieldMax = 200
	// stormLinesMax is how many members a storm card lists.
	stormLinesMax = 40
	// stormCheckMax bounds a check name on a storm card's line.
	stormCheckMax = 40
	// stormPageChecks is how many check names a storm page lists.
	stormPageChecks = 10
)

// The incident buttons' op codes, the first part of the "inc" action's
// argument: "inc:a:INC-42".
const (
	codeAcknowledge = "a"
	codeEscalate    = "e"
	codeResolve     = "r"
	codeSnooze      = "s"
)

// Card is an incident's card: severity icon + id + check, status and level (name), summary, target if any, how long it has lasted (incident.Age / Duration, "lasted 12m" when resolved, "resolved by recovery"/"by @x"), who acknowledged, snooze end, next escalation time (HH:MM UTC and "in 4m"), the rule's EscalateNote, the last action result, and the keyboard.
func (c Cards) Card(inc incident.Incident, now time.Time) (html string, keyboard [][]render.Button) {
	h := render.NewHTML().Text(severityIcon(inc.Severity) + " ").Bold(inc.ID).Text(" · ").Bold(render.Clip(inc.Check, cardFieldMax)).Line()
	h.Text(statusIcon(inc.Status) + " " + string(inc.Status) + " · " + levelName(inc.Policy, inc.Level)).Line()
	if inc.Summary != "" {
		h.Text(render.Clip(inc.Summary, cardSummaryMax)).Line()
	}
	if inc.Target != "" {
		h.Text("Target: ").Code(render.Clip(inc.Target, cardFieldMax)).Line()
	}
	if inc.Manual {
		h.Text("Reported")
		if by := openedBy(inc); by != "" {
			h.Text(" by " + by)
		}
		h.Text(" at " + clock(inc.OpenedAt, now)).Line()
	}
	if d, ok := incident.Duration(inc); ok {
		by := "recovery"
		if inc.ResolvedBy != "" {
			by = inc.ResolvedBy
		}
		h.Text("Lasted " + incident.FormatDuration(d) + ", resolved by " + by + " at " + clock(inc.ResolvedAt, now)).Line()
	} else {
		lasting := "Failing for "
		if inc.Manual {
			lasting = "Open for "
		}
		h.Text(lasting + incident.FormatDuration(incident.Age(inc, now)) + " (opened " + clock(inc.OpenedAt, now) + ")").Line()
	}
	if inc.AcknowledgedBy != "" {
		h.Text("Acknowledged by " + inc.AcknowledgedBy + " at " + clock(inc.AcknowledgedAt, now)).Line()
	}
	if inc.Status == incident.StatusSnoozed && !inc.SnoozedUntil.IsZero() {
		h.Text("💤 Snoozed until " + clock(inc.SnoozedUntil, now) + " (" + until(inc.SnoozedUntil, now) + ")")
		if inc.Paused > 0 && inc.Level < inc.Policy.Top() {
			h.Text("; then " + levelName(inc.Policy, inc.Level+1) + " is due " + incident.FormatDuration(inc.Paused) + " later")
		}
		h.Line()
	}
	if inc.Status == incident.StatusOpen && !inc.NextEscalationAt.IsZero() && inc.Level < inc.Policy.Top() {
		h.Text("⏭ " + levelName(inc.Policy, inc.Level+1) + " at " + clock(inc.NextEscalationAt, now) + " (" + until(inc.NextEscalationAt, now) + ")").Line()
	}
	if inc.EscalateNote != "" && inc.Status != incident.StatusResolved {
		h.Italic("Escalate " + render.Clip(inc.EscalateNote, cardFieldMax)).Line()
	}
	if a := lastAction(inc); a != "" {
		h.Text("⚙️ Action: " + render.Clip(a, cardFieldMax)).Line()
	}
	if inc.Group != "" {
		h.Text("Part of alert storm " + inc.Group).Line()
	}
	if inc.Reopened > 0 {
		h.Text("Reopened " + plural(inc.Reopened, "time", "times")).Line()
	}
	unresolved := inc.Status != incident.StatusResolved
	return strings.TrimSuffix(h.String(), "\n"), c.keyboard(inc.ID,
		inc.Status == incident.StatusOpen || inc.Status == incident.StatusSnoozed,
		unresolved && inc.Level < inc.Policy.Top(),
		unresolved,
		inc.Status == incident.StatusOpen)
}

// Page is the message that rings a level's people, sent as a reply to the card: mentions of p.Notify (a "@name" as is; a numeric id as <a href="tg://user?id=N">level name</a>), "INC-42 escalated to L2 Technical lead (timeout|escalated by @x)", the check and summary. With no Notify it still says so, for the ops chat.
func (c Cards) Page(inc incident.Incident, p incident.Page) string {
	level := pageLevel(inc.Policy, p)
	h := render.NewHTML()
	mentions(h, p, level)
	h.Line()
	if p.Reason == "opened" {
		h.Bold(inc.ID + " opened: paging " + level)
	} else {
		h.Bold(inc.ID + " escalated to " + level)
		if p.Reason != "" {
			h.Text(" (" + render.Clip(p.Reason, cardFieldMax) + ")")
		}
	}
	h.Line().Text(severityIcon(inc.Severity) + " ").Bold(render.Clip(inc.Check, cardFieldMax))
	if inc.Summary != "" {
		h.Text(": " + render.Clip(inc.Summary, cardSummaryMax))
	}
	return h.String()
}

// StormCard is the one card of alert storm id: "Alert storm S-3: N incidents", one line per member (id, check, status icon, level), at most 40 lines then "…and N more", and buttons acting on the whole storm (target "S-3"), built from the members' states (no buttons once all are resolved).
func (c Cards) StormCard(id string, members []incident.Incident, now time.Time) (html string, keyboard [][]render.Button) {
	sorted := slices.Clone(members)
	slices.SortStableFunc(sorted, func(a, b incident.Incident) int { return cmp.Compare(a.Seq, b.Seq) })
	count := map[incident.Status]int{}
	var ack, esc, res, snooze bool
	var next time.Time
	for _, m := range sorted {
		count[m.Status]++
		unresolved := m.Status != incident.StatusResolved
		ack = ack || m.Status == incident.StatusOpen || m.Status == incident.StatusSnoozed
		esc = esc || unresolved && m.Level < m.Policy.Top()
		res = res || unresolved
		snooze = snooze || m.Status == incident.StatusOpen
		if t, ok := incident.NextTimer(m); ok && m.Status == incident.StatusOpen && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	h := render.NewHTML().Text("🌩 ").Bold("Alert storm " + id + ": " + plural(len(sorted), "incident", "incidents")).Line()
	var parts []string
	for _, s := range []incident.Status{incident.StatusOpen, incident.StatusAcknowledged, incident.StatusSnoozed, incident.StatusResolved} {
		if n := count[s]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+string(s))
		}
	}
	if len(parts) > 0 {
		h.Text(strings.Join(parts, " · ")).Line()
	}
	for i, m := range sorted {
		if i == stormLinesMax {
			h.Text("…and " + strconv.Itoa(len(sorted)-i) + " more").Line()
			break
		}
		h.Text(statusIcon(m.Status) + " ").Bold(m.ID).Text(" · " + render.Clip(m.Check, stormCheckMax) + " · " + m.Level.String()).Line()
	}
	if !next.IsZero() {
		h.Text("⏭ Next escalation at " + clock(next, now) + " (" + until(next, now) + ")").Line()
	}
	return strings.TrimSuffix(h.String(), "\n"), c.keyboard(id, ack, esc, res, snooze)
}

// StormPage is the mention message when a storm's incidents reach level p.Level.
func (c Cards) StormPage(id string, members []incident.Incident, p incident.Page) string {
	var policy incident.Policy
	var names []string
	for _, m := range members {
		if policy.Levels == nil {
			policy = m.Policy
		}
		if !slices.Contains(names, m.Check) {
			names = append(names, m.Check)
		}
	}
	level := pageLevel(policy, p)
	h := render.NewHTML()
	mentions(h, p, level)
	h.Line()
	storm := "Alert storm " + id + ": " + plural(len(members), "incident", "incidents")
	if p.Reason == "opened" {
		h.Bold(storm + ", paging " + level)
	} else {
		h.Bold(storm + " reached " + level)
		if p.Reason != "" {
			h.Text(" (" + render.Clip(p.Reason, cardFieldMax) + ")")
		}
	}
	if len(names) > 0 {
		shown := names
		if len(shown) > stormPageChecks {
			shown = shown[:stormPageChecks]
		}
		for i := range shown {
			shown[i] = render.Clip(shown[i], stormCheckMax)
		}
		h.Line().Text("Checks: " + strings.Join(shown, ", "))
		if more := len(names) - len(shown); more > 0 {
			h.Text(" and " + strconv.Itoa(more) + " more")
		}
	}
	return h.String()
}

// keyboard builds the buttons for target from what its state allows,
// two to a row.
func (c Cards) keyboard(target string, ack, esc, res, snooze bool) [][]render.Button {
	var all []render.Button
	add := func(ok bool, label, code string) {
		if ok {
			all = append(all, render.Button{Text: label, CallbackData: incButtonData(code, target)})
		}
	}
	add(ack, "Acknowledge", codeAcknowledge)
	add(esc, "Escalate", codeEscalate)
	add(res, "Resolve", codeResolve)
	add(snooze, c.snoozeLabel(), codeSnooze)
	var rows [][]render.Button
	for len(all) > 0 {
		n := min(2, len(all))
		rows = append(rows, all[:n:n])
		all = all[n:]
	}
	return rows
}

func (c Cards) snoozeLabel() string {
	if c.Snooze <= 0 {
		return "Snooze"
	}
	return "Snooze " + incident.FormatDuration(c.Snooze)
}

// incButtonData is the callback data of an incident button: "inc:a:INC-42".
func incButtonData(code, target string) string {
	return CallbackData(incActionName, code+":"+target)
}

// mentions writes who a page rings: each of p.Notify, or a line saying
// nobody is named, so the ops chat knows it is the one paged.
func mentions(h *render.HTML, p incident.Page, level string) {
	if len(p.Notify) == 0 {
		h.Text("📣 Nobody is named for " + level + ": this chat is paged.")
		return
	}
	h.Text("📣 ")
	for i, who := range p.Notify {
		if i > 0 {
			h.Text(" ")
		}
		if id, err := strconv.ParseInt(who, 10, 64); err == nil && id > 0 {
			name := p.Name
			if name == "" {
				name = p.Level.String()
			}
			h.Link(name, "tg://user?id="+strconv.FormatInt(id, 10))
			continue
		}
		h.Text(who)
	}
}

// pageLevel is "L2 Technical lead" for a page.
func pageLevel(policy incident.Policy, p incident.Page) string {
	if p.Name != "" {
		return p.Level.String() + " " + p.Name
	}
	return levelName(policy, p.Level)
}

// severityIcon is the emoji for a rule's severity.
func severityIcon(s checks.Severity) string {
	switch s {
	case checks.SeverityCritical:
		return "🔴"
	case checks.SeverityWarning:
		return "🟠"
	case checks.SeverityMonitoring:
		return "🔵"
	}
	return "⚪"
}

// lastAction is the outcome of the incident's last automated action, or
// "restart started" while it has none yet.
func lastAction(inc incident.Incident) string {
	for i := len(inc.Timeline) - 1; i >= 0; i-- {
		switch e := inc.Timeline[i]; e.Kind {
		case incident.KindActionResult:
			return e.Note
		case incident.KindAction:
			return e.Note + " started"
		}
	}
	return ""
}

// openedBy is who opened a manual incident, from its timeline.
func openedBy(inc incident.Incident) string {
	for _, e := range inc.Timeline {
		if e.Kind == incident.KindOpened {
			return e.By
		}
	}
	return ""
}
