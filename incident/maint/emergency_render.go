package maint

import (
	"strconv"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
)

// EmergencyAction is the name of the action behind an emergency's step
// buttons: their callback data is "emg:<id>:<step index>", with the
// choice's code after another colon for the decision ("emg:E-3:1:nogo").
const EmergencyAction = "emg"

// maxCallbackData is the most bytes of a button's callback data.
const maxCallbackData = 64

// Clipping of what people typed, in characters.
const (
	reasonChars = 300
	nameChars   = 40
)

// EmergencyCallbackData returns the callback data of the button that marks
// step index step of emergency id done, with choice code code ("" for a
// step without choices).
func EmergencyCallbackData(id string, step int, code string) string {
	data := EmergencyAction + ":" + id + ":" + strconv.Itoa(step)
	if code != "" {
		data += ":" + code
	}
	return data
}

// ParseEmergencyArg reads a step button's argument (its callback data after
// "emg:"): the emergency's id, the step's index, and the note of the choice
// it carries (empty when it carries none). ok is false for an argument no
// button of RenderEmergency has.
func ParseEmergencyArg(arg string, steps []Step) (id string, step int, note string, ok bool) {
	parts := strings.Split(arg, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" {
		return "", 0, "", false
	}
	step, err := strconv.Atoi(parts[1])
	if err != nil || step < 0 || step >= len(steps) || strconv.Itoa(step) != parts[1] {
		return "", 0, "", false
	}
	cs := steps[step].Choices()
	if len(parts) == 2 {
		return parts[0], step, "", len(cs) == 0
	}
	for _, c := range cs {
		if c.Code == parts[2] {
			return parts[0], step, c.Note, true
		}
	}
	return "", 0, "", false
}

// RenderEmergency returns e as a chat message as of now: the reason, who
// started it and when, and each of steps done (✅, by whom and when), due
// (⏳, when and how soon) or overdue (❗, by how much, as Missed decides:
// a step is still on time at its deadline); with one row of buttons per
// step not done, two for the go/no-go decision. Once every step is done
// the message says the procedure is complete and has no buttons.
// Everything is escaped.
func RenderEmergency(e Emergency, steps []Step, now time.Time) (html string, keyboard [][]render.Button) {
	complete := e.Complete(steps)
	h := render.NewHTML()
	if complete {
		h.Text("✅ ")
	} else {
		h.Text("🚨 ")
	}
	h.Bold("Emergency maintenance " + e.ID).Line()
	h.Text(render.Clip(oneLine(e.Reason), reasonChars)).Line()
	h.Text("Started by " + render.Clip(oneLine(e.By), nameChars) + " at " + stampUTC(e.StartedAt, now))
	if e.Window != "" {
		h.Text(" · pages held by " + e.Window)
	}
	h.Line().Line()

	missed := map[string]bool{}
	for _, s := range Missed(steps, e.StartedAt, e.DoneTimes(), now) {
		missed[s.Name] = true
	}
	for i, s := range steps {
		if d, ok := e.Done[s.Name]; ok {
			doneLine(h, e, s, d, now)
			continue
		}
		pendingLine(h, e, s, missed[s.Name], now)
		keyboard = append(keyboard, stepButtons(e.ID, i, s)...)
	}

	h.Line()
	switch {
	case complete && !e.Closed.IsZero():
		h.Bold("✅ Procedure complete.").Text(" Closed at " + stampUTC(e.Closed, now) + ".")
	case complete:
		h.Bold("✅ Procedure complete.")
	default:
		h.Italic("Times in UTC. Press a step's button once it is done.")
	}
	return h.String(), keyboard
}

// doneLine writes a done step: "✅ Assessment — by @bob at 09:10 UTC".
func doneLine(h *render.HTML, e Emergency, s Step, d StepDone, now time.Time) {
	h.Text("✅ ").Bold(StepTitle(s.Name))
	if d.Note != "" {
		h.Text(": " + render.Clip(oneLine(d.Note), nameChars))
	}
	h.Text(" — by " + render.Clip(oneLine(d.By), nameChars) + " at " + stampUTC(d.At, now))
	if due, ok := e.Due(s); ok && d.At.After(due) {
		h.Text(" (" + minutes(d.At.Sub(due)) + " late)")
	}
	h.Line()
}

// pendingLine writes a step not done, with its deadline if it has one,
// and its prompt.
func pendingLine(h *render.HTML, e Emergency, s Step, overdue bool, now time.Time) {
	due, hasDue := e.Due(s)
	switch {
	case overdue:
		h.Text("❗ ").Bold(StepTitle(s.Name)).Text(" — overdue by " + minutes(now.Sub(due)) + " (due " + stampUTC(due, now) + ")")
	case hasDue:
		h.Text("⏳ ").Bold(StepTitle(s.Name)).Text(" — due " + stampUTC(due, now) + ", " + dueIn(due, now))
	default:
		h.Text("⬜ ").Bold(StepTitle(s.Name))
	}
	h.Line()
	if s.Prompt != "" {
		h.Italic(s.Prompt).Line()
	}
}

// stepButtons is the row of buttons that mark step i done: "✅ Assessment
// done", or one per choice. A button whose callback data would be too long
// is left out: Telegram would refuse the whole message.
func stepButtons(id string, i int, s Step) [][]render.Button {
	var row []render.Button
	add := func(text, code string) {
		if data := EmergencyCallbackData(id, i, code); len(data) <= maxCallbackData {
			row = append(row, render.Button{Text: text, CallbackData: data})
		}
	}
	if cs := s.Choices(); len(cs) > 0 {
		for _, c := range cs {
			add(c.Note, c.Code)
		}
	} else {
		add("✅ "+StepTitle(s.Name)+" done", "")
	}
	if len(row) == 0 {
		return nil
	}
	return [][]render.Button{row}
}

// PingText is the nudge for step s of e, missed at now, in HTML with
// everything escaped: "❗ <b>E-3</b>: assessment is overdue (due 09:15
// UTC, 3m ago)", then the step's prompt and the emergency's reason. The
// app puts the admins' mentions in front of it.
func PingText(e Emergency, s Step, now time.Time) string {
	h := render.NewHTML().Text("❗ ").Bold(e.ID).Text(": " + strings.ToLower(StepTitle(s.Name)) + " is overdue")
	if due, ok := e.Due(s); ok {
		h.Text(" (due " + stampUTC(due, now) + ", " + minutes(now.Sub(due)) + " ago)")
	}
	h.Text(".").Line()
	if s.Prompt != "" {
		h.Italic(s.Prompt).Line()
	}
	h.Text("Emergency: " + render.Clip(oneLine(e.Reason), reasonChars))
	return h.String()
}

// stampUTC is "09:14 UTC" on now's UTC day, "Mar 2 09:14 UTC" in now's
// year, else "2025-12-30 09:14 UTC".
func stampUTC(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	switch {
	case t.YearDay() == now.YearDay() && t.Year() == now.Year():
		return t.Format("15:04") + " UTC"
	case t.Year() == now.Year():
		return t.Format("Jan 2 15:04") + " UTC"
	}
	return t.Format("2006-01-02 15:04") + " UTC"
}

// dueIn is "in 7m", rounded up to the minute so that it never says "in
// 0m"; "now" at the deadline itself.
func dueIn(due, now time.Time) string {
	left := due.Sub(now)
	if left <= 0 {
		return "now"
	}
	return "in " + minutes(left+time.Minute-1)
}

// minutes is d in whole minutes, "3m", "1h5m" or "2d3h"; under a minute
// it is "<1m".
func minutes(d time.Duration) string {
	m := int64(d / time.Minute)
	switch {
	case m < 1:
		return "<1m"
	case m < 60:
		return strconv.FormatInt(m, 10) + "m"
	case m < 24*60:
		return units(m/60, "h", m%60, "m")
	}
	return units(m/(24*60), "d", m%(24*60)/60, "h")
}

func units(a int64, ua string, b int64, ub string) string {
	s := strconv.FormatInt(a, 10) + ua
	if b != 0 {
		s += strconv.FormatInt(b, 10) + ub
	}
	return s
}

// oneLine turns line breaks into spaces.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
