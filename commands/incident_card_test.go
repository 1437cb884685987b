package commands

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// press runs the "inc" action on callback data as @alice, checking the
// data fits Telegram's 64 bytes and names the action.
func press(t *testing.T, a Action, data string) Outcome {
	t.Helper()
	if len(data) > 64 {
		t.Fatalf("callback data %q is %d bytes", data, len(data))
	}
	name, arg := ParseCallbackData(data)
	if name != a.Name {
		t.Fatalf("callback data %q is for action %q", data, name)
	}
	out, err := a.Handle(context.Background(), Press{Action: name, Arg: arg, ChatID: -100, MessageID: 7, UserID: 42, Username: "alice", Role: RoleOperator})
	if err != nil {
		t.Fatalf("press %q: %v", data, err)
	}
	if out.Edit != nil || out.Send != nil || len(out.Toast) > 200 {
		t.Fatalf("press %q: want a short toast only, got %+v", data, out)
	}
	return out
}

// labels returns the keyboard's labels, row by row, flattened.
func labels(kb [][]render.Button) string {
	var out []string
	for _, row := range kb {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return strings.Join(out, "|")
}

// button returns the data of the button labelled label.
func button(t *testing.T, kb [][]render.Button, label string) string {
	t.Helper()
	for _, row := range kb {
		for _, b := range row {
			if b.Text == label {
				return b.CallbackData
			}
		}
	}
	t.Fatalf("no %q button in %s", label, labels(kb))
	return ""
}

func TestButtonsRunEachOpAndToast(t *testing.T) {
	desk := newMemDesk()
	cards := Cards{Snooze: desk.SnoozeFor()}
	a := IncidentButtons(desk, fixedClock(incAt(time.Minute)))
	for _, c := range []struct {
		label, toast string
		status       incident.Status
		level        incident.Level
	}{
		{"Acknowledge", "INC-1 acknowledged.", incident.StatusAcknowledged, incident.L1},
		{"Escalate", "INC-2 escalated to L2 Technical lead.", incident.StatusOpen, incident.L2},
		{"Resolve", "INC-3 resolved.", incident.StatusResolved, incident.L1},
		{"Snooze 1h", "INC-4 snoozed until 11:01 UTC.", incident.StatusSnoozed, incident.L1},
	} {
		inc := desk.open(t, "api", "503", incT0)
		_, kb := cards.Card(inc, incT0)
		out := press(t, a, button(t, kb, c.label))
		if out.Toast != c.toast || out.Alert {
			t.Errorf("%s: toast %q (alert %v), want %q", c.label, out.Toast, out.Alert, c.toast)
		}
		got := desk.get(t, inc.ID)
		if got.Status != c.status || got.Level != c.level {
			t.Errorf("%s: %s at %s, want %s at %s", c.label, got.Status, got.Level, c.status, c.level)
		}
		by := got.Timeline[len(got.Timeline)-1].By
		if c.label == "Escalate" {
			by = got.Timeline[len(got.Timeline)-2].By
		}
		if by != "@alice" {
			t.Errorf("%s: recorded by %q", c.label, by)
		}
	}
	if s := desk.get(t, "INC-4").SnoozedUntil; !s.Equal(incAt(time.Hour + time.Minute)) {
		t.Errorf("snoozed until %s, want the desk's SnoozeFor", s)
	}
	// Refusals are toasts, not alerts.
	out := press(t, a, incButtonData("a", "INC-1"))
	if out.Toast != "INC-1 is already acknowledged (by @alice 0s ago)." || out.Alert {
		t.Fatalf("second ack: %+v", out)
	}
	out = press(t, a, incButtonData("s", "INC-3"))
	if out.Toast != "INC-3 is already resolved (by @alice 0s ago)." || out.Alert {
		t.Fatalf("snooze resolved: %+v", out)
	}
}

func TestButtonDataRoundTripsAndRejectsMalformed(t *testing.T) {
	longest := incButtonData(codeAcknowledge, incident.FormatID(math.MaxInt64))
	if len(longest) > 64 {
		t.Fatalf("%q is %d bytes", longest, len(longest))
	}
	for data, want := range map[string]struct {
		op     incident.Op
		target string
	}{
		longest:                   {incident.OpAcknowledge, "INC-9223372036854775807"},
		"inc:e:S-3":               {incident.OpEscalate, "S-3"},
		"inc:r:INC-42":            {incident.OpResolve, "INC-42"},
		incButtonData("s", "S-1"): {incident.OpSnooze, "S-1"},
	} {
		_, arg := ParseCallbackData(data)
		op, target, ok := parseIncButton(arg)
		if !ok || op != want.op || target != want.target {
			t.Errorf("%q: %q %q %v", data, op, target, ok)
		}
	}
	desk := newMemDesk()
	desk.open(t, "api", "503", incT0)
	a := IncidentButtons(desk, fixedClock(incT0))
	for _, data := range []string{"inc:", "inc:a", "inc:a:", "inc:x:INC-1", "inc:ack:INC-1", "inc:a:foo", "inc:a:INC-0", "inc:a:S-0", "inc:a:INC-1:x"} {
		if out := press(t, a, data); out.Toast != "This button is out of date." {
			t.Errorf("%q: %+v", data, out)
		}
	}
	if desk.get(t, "INC-1").Status != incident.StatusOpen {
		t.Fatal("a malformed button changed the incident")
	}
}

func TestStormButtonActsOnTheStorm(t *testing.T) {
	desk := newMemDesk()
	var ids []string
	for range 14 {
		ids = append(ids, desk.open(t, "api", "down", incT0).ID)
	}
	storm := desk.groupStorm(3, ids...)
	say(t, desk, "ack", "INC-1", incT0)
	say(t, desk, "ack", "INC-2", incT0)
	cards := Cards{Snooze: 30 * time.Minute}
	members, _ := desk.Storm(context.Background(), storm)
	_, kb := cards.StormCard(storm, members, incT0)
	if got := labels(kb); got != "Acknowledge|Escalate|Resolve|Snooze 30m" {
		t.Fatalf("mixed storm buttons: %s", got)
	}
	a := IncidentButtons(desk, fixedClock(incAt(time.Minute)))
	out := press(t, a, button(t, kb, "Acknowledge"))
	if out.Toast != "Acknowledged 12 of 14 incidents in S-3." || out.Alert {
		t.Fatalf("storm ack: %+v", out)
	}
	members, _ = desk.Storm(context.Background(), storm)
	_, kb = cards.StormCard(storm, members, incAt(time.Minute))
	if got := labels(kb); got != "Escalate|Resolve" {
		t.Fatalf("acknowledged storm buttons: %s", got)
	}
	if out := press(t, a, button(t, kb, "Resolve")); out.Toast != "Resolved 14 of 14 incidents in S-3." {
		t.Fatalf("storm resolve: %+v", out)
	}
	members, _ = desk.Storm(context.Background(), storm)
	html, kb := cards.StormCard(storm, members, incAt(time.Minute))
	if len(kb) != 0 {
		t.Fatalf("resolved storm has buttons: %s", labels(kb))
	}
	wantIn(t, html, "Alert storm S-3: 14 incidents", "14 resolved", "✅ <b>INC-14</b> · api · L1")
	if out := press(t, a, "inc:a:S-4"); out.Toast != "S-4 no longer exists." {
		t.Fatalf("unknown storm: %+v", out)
	}
}

func TestCardKeyboardFollowsState(t *testing.T) {
	desk := newMemDesk()
	cards := Cards{Snooze: time.Hour}
	open := desk.open(t, "api", "503", incT0)
	acked, _, _ := incident.Acknowledge(open, "@alice", incAt(time.Minute))
	snoozed, _, _ := incident.Snooze(open, "@alice", incAt(time.Hour), incAt(time.Minute))
	resolved, _, _ := incident.Resolve(open, "", "", incAt(time.Minute))
	top := open
	for range 3 {
		top, _, _ = incident.Escalate(top, "@alice", "", incAt(time.Minute))
	}
	ackedTop, _, _ := incident.Acknowledge(top, "@alice", incAt(2*time.Minute))
	for name, c := range map[string]struct {
		inc  incident.Incident
		want string
	}{
		"open":            {open, "Acknowledge|Escalate|Resolve|Snooze 1h"},
		"acknowledged":    {acked, "Escalate|Resolve"},
		"snoozed":         {snoozed, "Acknowledge|Escalate|Resolve"},
		"resolved":        {resolved, ""},
		"open at L4":      {top, "Acknowledge|Resolve|Snooze 1h"},
		"acknowledged L4": {ackedTop, "Resolve"},
	} {
		_, kb := cards.Card(c.inc, incAt(3*time.Minute))
		if got := labels(kb); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
		for _, row := range kb {
			if len(row) > 2 {
				t.Errorf("%s: a row of %d buttons", name, len(row))
			}
			for _, b := range row {
				_, arg := ParseCallbackData(b.CallbackData)
				if _, target, ok := parseIncButton(arg); !ok || target != "INC-1" || len(b.CallbackData) > 64 {
					t.Errorf("%s: button %q has data %q", name, b.Text, b.CallbackData)
				}
			}
		}
	}
	_, kb := Cards{Snooze: 30 * time.Minute}.Card(open, incT0)
	button(t, kb, "Snooze 30m")
}

func TestCardSaysWhatIsGoingOn(t *testing.T) {
	desk := newMemDesk()
	cards := Cards{Snooze: time.Hour}
	inc := desk.open(t, "api", "GET /health: 503", incT0)
	html, _ := cards.Card(inc, incAt(time.Minute))
	wantIn(t, html, "🔴 <b>INC-1</b> · <b>api</b>", "🚨 open · L1 Automated response", "GET /health: 503",
		"Target: <code>https://api.example.com/health</code>", "Failing for 3m (opened 10:00 UTC)",
		"⏭ L2 Technical lead at 10:05 UTC (in 4m)", "<i>Escalate immediately if several users are affected</i>",
		"Action: restart started")

	inc, _ = incident.RecordAction(inc, incident.L1, "restart succeeded", incAt(time.Minute))
	acked, _, _ := incident.Acknowledge(inc, "@alice", incAt(2*time.Minute))
	html, _ = cards.Card(acked, incAt(3*time.Minute))
	wantIn(t, html, "👀 acknowledged · L1", "Acknowledged by @alice at 10:02 UTC", "Action: restart succeeded")
	if strings.Contains(html, "⏭") {
		t.Fatalf("an acknowledged incident shows a next escalation:\n%s", html)
	}

	snoozed, _, _ := incident.Snooze(inc, "@bob", incAt(time.Hour), incAt(time.Minute))
	html, _ = cards.Card(snoozed, incAt(2*time.Minute))
	wantIn(t, html, "💤 Snoozed until 11:00 UTC (in 58m); then L2 Technical lead is due 4m later")

	resolved, _, _ := incident.Resolve(inc, "", "", incAt(10*time.Minute))
	html, _ = cards.Card(resolved, incAt(20*time.Minute))
	wantIn(t, html, "✅ resolved · L1", "Lasted 12m, resolved by recovery at 10:10 UTC")
	if strings.Contains(html, "Escalate") {
		t.Fatalf("a resolved card still talks of escalation:\n%s", html)
	}
	byBob, _, _ := incident.Resolve(inc, "@bob", "", incAt(10*time.Minute))
	html, _ = cards.Card(byBob, incAt(20*time.Minute))
	wantIn(t, html, "resolved by @bob")
}

func TestCardsAreValidHTMLAndShortWithHugeText(t *testing.T) {
	desk := newMemDesk()
	huge := strings.Repeat("<b>&\"x\"</b> ", 1000)[:10000]
	desk.policy.Levels[1].Notify = []string{"@bobby_ops", "12345"}
	inc := desk.open(t, strings.Repeat("check<&>", 100), huge, incT0)
	inc.Target = strings.Repeat("https://x/?a=1&b=<2>", 200)
	inc.EscalateNote = huge
	inc.Group = "S-1"
	inc, _ = incident.RecordAction(inc, incident.L1, huge, incT0)
	inc, effects, err := incident.Escalate(inc, "@alice", huge, incAt(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	page := effects[0].(incident.Page)
	cards := Cards{Snooze: time.Hour}
	html, _ := cards.Card(inc, incAt(time.Minute))
	var members []incident.Incident
	for range 100 {
		members = append(members, inc)
	}
	storm, kb := cards.StormCard("S-1", members, incAt(time.Minute))
	if labels(kb) != "Acknowledge|Escalate|Resolve|Snooze 1h" || !strings.Contains(button(t, kb, "Resolve"), ":S-1") {
		t.Fatalf("storm buttons: %v", kb)
	}
	outputs := map[string]string{
		"card":       html,
		"page":       cards.Page(inc, page),
		"storm card": storm,
		"storm page": cards.StormPage("S-1", members, page),
	}
	for name, out := range outputs {
		if err := checkTelegramHTML(out); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		// Telegram counts the text after entity parsing, in UTF-16 units.
		if n := render.VisibleLen(out); n >= 3000 {
			t.Errorf("%s: %d characters", name, n)
		}
		t.Logf("%s: %d characters, %d bytes of HTML", name, render.VisibleLen(out), len(out))
	}
	wantIn(t, outputs["page"], `@bobby_ops <a href="tg://user?id=12345">Technical lead</a>`, "INC-1 escalated to L2 Technical lead</b> (escalated by @alice: ")
	wantIn(t, outputs["storm card"], "Alert storm S-1: 100 incidents", "…and 60 more")
	wantIn(t, outputs["storm page"], "Alert storm S-1: 100 incidents reached L2 Technical lead</b>")
}

func TestPagesNameWhoIsRungOrSayNobodyIs(t *testing.T) {
	desk := newMemDesk()
	inc := desk.open(t, "api", "503 <bad>", incT0)
	cards := Cards{}
	got := cards.Page(inc, incident.Page{ID: "INC-1", Level: incident.L2, Name: "Technical lead", Reason: "timeout"})
	want := "📣 Nobody is named for L2 Technical lead: this chat is paged.\n<b>INC-1 escalated to L2 Technical lead</b> (timeout)\n🔴 <b>api</b>: 503 &lt;bad&gt;"
	if got != want {
		t.Fatalf("page:\n%s\nwant\n%s", got, want)
	}
	got = cards.Page(inc, incident.Page{ID: "INC-1", Level: incident.L1, Name: "Automated response", Notify: []string{"777"}, Reason: "opened"})
	wantIn(t, got, `📣 <a href="tg://user?id=777">Automated response</a>`, "<b>INC-1 opened: paging L1 Automated response</b>")
	got = cards.StormPage("S-2", []incident.Incident{inc, inc}, incident.Page{ID: "S-2", Level: incident.L3, Name: "Senior architect", Notify: []string{"@carol_sec"}, Reason: "timeout"})
	wantIn(t, got, "📣 @carol_sec\n<b>Alert storm S-2: 2 incidents reached L3 Senior architect</b> (timeout)\nChecks: api")
	if err := checkTelegramHTML(got); err != nil {
		t.Fatal(err)
	}
	// With no buttons to show, a storm card has no keyboard at all.
	if _, kb := cards.StormCard("S-2", nil, incT0); kb != nil {
		t.Fatalf("empty storm has buttons: %v", kb)
	}
}
