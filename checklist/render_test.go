package checklist_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/checklist"
)

var renderNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// daily is a fresh run of the default daily list.
func daily(id string) checklist.Run {
	l := checklist.Defaults()[0]
	return checklist.Run{ID: id, Kind: l.Kind, Title: l.Title, Items: l.Items, Posted: renderNow.Add(-30 * time.Minute), Ticks: map[string]checklist.Tick{}}
}

// tags are the only markup Render may produce.
var tags = regexp.MustCompile(`<[^>]*>`)

func checkMarkup(t *testing.T, html string) {
	t.Helper()
	for _, tag := range tags.FindAllString(html, -1) {
		switch tag {
		case "<b>", "</b>", "<i>", "</i>":
		default:
			t.Errorf("unexpected markup %q in:\n%s", tag, html)
		}
	}
	if len(html) > render.MaxMessage {
		t.Errorf("message is %d bytes, over %d", len(html), render.MaxMessage)
	}
}

func buttonCount(kb [][]render.Button) int {
	n := 0
	for _, row := range kb {
		n += len(row)
	}
	return n
}

func TestRenderFresh(t *testing.T) {
	r := daily("CL-7")
	html, kb := checklist.Render(r, renderNow)
	checkMarkup(t, html)
	for _, want := range []string{"📋 <b>Daily monitoring checklist</b> · CL-7", "0/20 done · posted 09:00", "<b>System Health</b>", "⬜ /health returns 200 OK", "Tap an item"} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %q in:\n%s", want, html)
		}
	}
	if n := strings.Count(html, "⬜"); n != 20 {
		t.Errorf("%d open items, want 20", n)
	}
	if len(kb) != 10 || buttonCount(kb) != 20 {
		t.Fatalf("keyboard has %d rows, %d buttons; want 10 rows of 2", len(kb), buttonCount(kb))
	}
	if b := kb[0][0]; b.Text != "⬜ /health returns 200 OK" || b.CallbackData != "chk:CL-7:d1" {
		t.Errorf("first button = %+v", b)
	}
	if b := kb[0][1]; !strings.HasPrefix(b.Text, "⬜ /health/json status is") || !strings.HasSuffix(b.Text, "…") || b.CallbackData != "chk:CL-7:d2" {
		t.Errorf("second button = %+v, want a clipped label", b)
	}
}

func TestRenderPartlyTicked(t *testing.T) {
	r := daily("CL-7")
	r.Ticks["d1"] = checklist.Tick{By: "opsbot", At: renderNow, Evidence: "/health returned 200 at 09:00 UTC"}
	r.Ticks["d4"] = checklist.Tick{By: "@alice", At: time.Date(2026, 3, 2, 9, 14, 0, 0, time.UTC)}
	r.Ticks["d5"] = checklist.Tick{By: "user 42", At: time.Date(2026, 3, 1, 23, 50, 0, 0, time.UTC)}
	html, kb := checklist.Render(r, renderNow)
	checkMarkup(t, html)
	for _, want := range []string{
		"3/20 done",
		"✅ /health returns 200 OK — <i>/health returned 200 at 09:00 UTC</i>",
		"✅ /start answers with the welcome message — by @alice 09:14",
		"✅ A plain text message gets an AI response — by user 42 Mar 1 23:50",
		"⬜ /status shows the system status",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %q in:\n%s", want, html)
		}
	}
	if n := buttonCount(kb); n != 17 || len(kb) != 9 || len(kb[8]) != 1 {
		t.Fatalf("keyboard: %d buttons in %d rows, want 17 in 9 (the last alone)", n, len(kb))
	}
	for _, row := range kb {
		for _, b := range row {
			if b.CallbackData == "chk:CL-7:d1" || b.CallbackData == "chk:CL-7:d4" || b.CallbackData == "chk:CL-7:d5" {
				t.Errorf("ticked item has a button: %+v", b)
			}
		}
	}
}

func TestRenderAllDone(t *testing.T) {
	r := daily("CL-7")
	for _, it := range r.Items {
		r.Ticks[it.ID] = checklist.Tick{By: "@bob", At: renderNow}
	}
	html, kb := checklist.Render(r, renderNow)
	checkMarkup(t, html)
	if !strings.Contains(html, "✅ 20/20 done") || strings.Contains(html, "⬜") || strings.Contains(html, "Tap an item") {
		t.Errorf("all done renders as:\n%s", html)
	}
	if kb != nil {
		t.Errorf("keyboard = %v, want none", kb)
	}
}

func TestRenderEscapes(t *testing.T) {
	r := checklist.Run{
		ID: "CL-1", Title: `<script>alert("x")</script> & co`, Posted: renderNow,
		Items: []checklist.Item{
			{ID: "a", Text: "a<b>&c", Section: "<i>sec</i>"},
			{ID: "b", Text: "line\nbreak <u>"},
			{ID: "c", Text: "c"},
		},
		Ticks: map[string]checklist.Tick{
			"a": {By: "@x<y>", At: renderNow},
			"c": {By: "opsbot", At: renderNow, Evidence: "<b>bad</b>\n&amp;"},
		},
	}
	html, kb := checklist.Render(r, renderNow)
	checkMarkup(t, html)
	for _, want := range []string{
		"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co",
		"<b>&lt;i&gt;sec&lt;/i&gt;</b>",
		"✅ a&lt;b&gt;&amp;c — by @x&lt;y&gt; 09:30",
		"⬜ line break &lt;u&gt;",
		"<i>&lt;b&gt;bad&lt;/b&gt; &amp;amp;</i>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %q in:\n%s", want, html)
		}
	}
	// Button labels are plain text, sent as JSON: no escaping, one line.
	if len(kb) != 1 || kb[0][0].Text != "⬜ line break <u>" {
		t.Errorf("keyboard = %+v", kb)
	}
}

// TestRenderStaysWithinLimits renders runs too long for one message: the
// details go first, then the texts are clipped, and at last the list is
// cut with a count; buttons stay within Telegram's 100.
func TestRenderStaysWithinLimits(t *testing.T) {
	run := func(items, textLen int) checklist.Run {
		r := checklist.Run{ID: "CL-1", Title: strings.Repeat("T", 500), Posted: renderNow, Ticks: map[string]checklist.Tick{}}
		for i := range items {
			id := fmt.Sprintf("i%d", i)
			r.Items = append(r.Items, checklist.Item{ID: id, Text: strings.Repeat("é", textLen), Section: fmt.Sprintf("S%d", i/10)})
			if i%3 == 0 {
				r.Ticks[id] = checklist.Tick{By: "@" + strings.Repeat("u", 32), At: renderNow, Evidence: strings.Repeat("&", 300)}
			}
		}
		return r
	}

	// Fits without the details.
	html, _ := checklist.Render(run(30, 50), renderNow)
	checkMarkup(t, html)
	if strings.Contains(html, " — ") || strings.Contains(html, "more items") || strings.Count(html, "é") != 30*50 {
		t.Errorf("30 items: want every full text without details:\n%s", html)
	}
	// Fits only clipped.
	html, _ = checklist.Render(run(40, 200), renderNow)
	checkMarkup(t, html)
	if strings.Contains(html, "more items") || strings.Count(html, "…") != 41 {
		t.Errorf("40 long items: want every item clipped (and the title):\n%s", html)
	}
	// Does not fit at all.
	html, kb := checklist.Render(run(150, 300), renderNow)
	checkMarkup(t, html)
	if !strings.Contains(html, "more items.</i>") || !strings.HasSuffix(html, "</i>") {
		t.Errorf("150 items: want a cut with a count and the footer:\n%s", html)
	}
	shown := strings.Count(html, "⬜") + strings.Count(html, "✅ ")
	if m := regexp.MustCompile(`…and (\d+) more items`).FindStringSubmatch(html); m == nil || m[1] != fmt.Sprint(150-shown) {
		t.Errorf("shown %d items, note %v; want it to count the other %d", shown, m, 150-shown)
	}
	if n := buttonCount(kb); n != checklist.MaxButtons {
		t.Errorf("%d buttons, want %d", n, checklist.MaxButtons)
	}
	for _, row := range kb {
		if len(row) > 2 {
			t.Errorf("row of %d buttons", len(row))
		}
	}

	// A run id too long for callback data gets no buttons rather than a
	// message Telegram refuses.
	r := run(3, 5)
	r.ID = "CL-" + strings.Repeat("9", 60)
	if _, kb := checklist.Render(r, renderNow); kb != nil {
		t.Errorf("buttons with oversized callback data: %+v", kb)
	}
}

func TestParseButtonArg(t *testing.T) {
	data := checklist.CallbackData("CL-7", "d3")
	if data != "chk:CL-7:d3" {
		t.Fatalf("CallbackData = %q", data)
	}
	if run, item, ok := checklist.ParseButtonArg(strings.TrimPrefix(data, "chk:")); !ok || run != "CL-7" || item != "d3" {
		t.Errorf("ParseButtonArg = %q, %q, %v", run, item, ok)
	}
	for _, bad := range []string{"", "CL-7", "CL-7:", ":d3", "CL-7:d3:x"} {
		if _, _, ok := checklist.ParseButtonArg(bad); ok {
			t.Errorf("ParseButtonArg(%q) ok", bad)
		}
	}
}
