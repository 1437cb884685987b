package checklist

import (
	"strconv"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
)

// Telegram's limits that a rendered run keeps to.
const (
	// MaxCallbackData is the most bytes of a button's callback data.
	MaxCallbackData = 64
	// MaxButtons is the most buttons of one inline keyboard.
	MaxButtons = 100
	// maxHTML bounds the message in bytes. Telegram's 4096 counts UTF-16
	// units of the visible text, never more than the HTML's bytes, so a
	// message within this many bytes always fits.
	maxHTML = render.MaxMessage
	// buttonsPerRow keeps labels readable on a phone.
	buttonsPerRow = 2
	// Clipping, in characters: a button label's item text, evidence, and
	// item texts when the full message would be too long.
	labelChars    = 26
	evidenceChars = 120
	titleChars    = 120
	clippedChars  = 40
)

// ButtonAction is the name of the action behind the tick buttons: their
// callback data is "chk:<run id>:<item id>".
const ButtonAction = "chk"

// CallbackData returns the callback data of the button that ticks item
// itemID of run runID.
func CallbackData(runID, itemID string) string {
	return ButtonAction + ":" + runID + ":" + itemID
}

// ParseButtonArg splits a tick button's argument (its callback data after
// "chk:") into the run id and the item id.
func ParseButtonArg(arg string) (runID, itemID string, ok bool) {
	runID, itemID, ok = strings.Cut(arg, ":")
	return runID, itemID, ok && runID != "" && itemID != "" && !strings.Contains(itemID, ":")
}

// Render returns r as a chat message as of now: the title, the progress,
// every item ticked (with who and when, or the evidence of an automatic
// tick) or open, by section; and one button per open item, two a row, none
// once all are done. Everything is escaped, and the message stays within
// Telegram's limit: when the details do not fit they are dropped, then item
// texts are clipped, and as a last resort the list is cut with a count of
// the items left out.
func Render(r Run, now time.Time) (html string, keyboard [][]render.Button) {
	for _, s := range []style{styleFull, styleCompact, styleClipped} {
		var complete bool
		html, complete = renderText(r, now, s)
		if complete {
			break
		}
	}
	return html, buttons(r)
}

// style is how much an item line says.
type style int

const (
	styleFull    style = iota // who and when, or the evidence
	styleCompact              // the item only
	styleClipped              // the item only, clipped
)

// renderText renders r in style s and reports whether every item fitted.
func renderText(r Run, now time.Time, s style) (string, bool) {
	done, total := r.Done(), len(r.Items)
	head := render.NewHTML().Text("📋 ").Bold(render.Clip(oneLine(r.Title), titleChars))
	if r.ID != "" {
		head.Text(" · " + render.Clip(r.ID, labelChars))
	}
	head.Line()
	if done == total {
		head.Textf("✅ %d/%d done", done, total)
	} else {
		head.Textf("%d/%d done", done, total)
	}
	if !r.Posted.IsZero() {
		head.Text(" · posted " + stamp(r.Posted, now))
	}
	head.Line()

	foot := render.NewHTML().Line()
	if done < total {
		foot.Italic("Times in UTC. Tap an item once it is done.")
	} else {
		foot.Italic("Times in UTC. All done, thank you.")
	}

	var lines []line
	section := "\x00"
	for _, it := range r.Items {
		if it.Section != section {
			section = it.Section
			h := render.NewHTML().Line()
			if section != "" {
				h.Bold(render.Clip(oneLine(section), titleChars)).Line()
			}
			lines = append(lines, line{html: h.String()})
		}
		lines = append(lines, line{html: itemLine(it, r.Ticks, now, s), item: true})
	}
	return assemble(head.String(), lines, foot.String())
}

// line is one line of a rendered run: a section heading or an item.
type line struct {
	html string
	item bool
}

// assemble joins head, lines and foot within maxHTML bytes. When they do
// not all fit it keeps what does, ends with a count of the items left out,
// and reports false.
func assemble(head string, lines []line, foot string) (string, bool) {
	size := len(head) + len(foot)
	for _, l := range lines {
		size += len(l.html)
	}
	var b strings.Builder
	b.WriteString(head)
	if size <= maxHTML {
		for _, l := range lines {
			b.WriteString(l.html)
		}
		b.WriteString(foot)
		return b.String(), true
	}
	items := 0
	for _, l := range lines {
		if l.item {
			items++
		}
	}
	// Keep room for the note, sized for the most items it could count.
	budget := maxHTML - len(head) - len(foot) - len(leftOut(items))
	for _, l := range lines {
		if len(l.html) > budget {
			break
		}
		b.WriteString(l.html)
		budget -= len(l.html)
		if l.item {
			items--
		}
	}
	b.WriteString(leftOut(items))
	b.WriteString(foot)
	return b.String(), false
}

// itemLine is one item, ticked or open, ending in a newline.
func itemLine(it Item, ticks map[string]Tick, now time.Time, s style) string {
	text := oneLine(it.Text)
	if s == styleClipped {
		text = render.Clip(text, clippedChars)
	}
	t, ticked := ticks[it.ID]
	h := render.NewHTML()
	if !ticked {
		return h.Text("⬜ " + text).Line().String()
	}
	h.Text("✅ " + text)
	if s == styleFull {
		if t.Evidence != "" {
			h.Text(" — ").Italic(render.Clip(oneLine(t.Evidence), evidenceChars))
		} else {
			h.Text(" — by " + render.Clip(oneLine(t.By), labelChars+10) + " " + stamp(t.At, now))
		}
	}
	return h.Line().String()
}

// leftOut is the line that replaces the n items that did not fit.
func leftOut(n int) string {
	return render.NewHTML().Italic("…and " + strconv.Itoa(n) + " more items.").Line().String()
}

// buttons is one button per open item, two a row, at most MaxButtons.
// An item whose callback data would be too long gets no button: Telegram
// would refuse the whole message.
func buttons(r Run) [][]render.Button {
	var rows [][]render.Button
	n := 0
	for _, it := range r.Items {
		if _, ticked := r.Ticks[it.ID]; ticked {
			continue
		}
		data := CallbackData(r.ID, it.ID)
		if len(data) > MaxCallbackData || n == MaxButtons {
			continue
		}
		b := render.Button{Text: "⬜ " + clipWords(oneLine(it.Text), labelChars), CallbackData: data}
		if n%buttonsPerRow == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], b)
		n++
	}
	return rows
}

// stamp is "09:14" for a time on now's UTC day, "Mar 2 09:14" in now's
// year, else "2025-12-30 09:14"; always UTC.
func stamp(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	switch {
	case t.YearDay() == now.YearDay() && t.Year() == now.Year():
		return t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("Jan 2 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// Stamp formats t as Render does, for messages about a run (toasts).
func Stamp(t, now time.Time) string { return stamp(t, now) }

// clipWords is clip cutting at a word boundary when one is near, for
// button labels that must read at a glance.
func clipWords(s string, n int) string {
	c := render.Clip(s, n)
	if c == s {
		return c
	}
	c = strings.TrimSuffix(c, "…")
	if i := strings.LastIndexByte(c, ' '); i > len(c)/2 {
		c = c[:i]
	}
	return strings.TrimRight(c, " ,;:-(") + "…"
}

// oneLine turns line breaks into spaces: an item is one line of the
// message, whatever a verifier's evidence holds.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
