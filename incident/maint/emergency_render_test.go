package maint_test

import (
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident/maint"
)

var emgStart = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

func emg(done map[string]maint.StepDone) maint.Emergency {
	return maint.Emergency{ID: "E-3", Reason: "api <down> & db\nflapping", By: "@alice", StartedAt: emgStart, Window: "M-4", Done: done}
}

func mustContain(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

// buttonData lists a keyboard's callback data, row by row.
func buttonData(kb [][]render.Button) [][]string {
	var out [][]string
	for _, row := range kb {
		var r []string
		for _, b := range row {
			r = append(r, b.CallbackData)
		}
		out = append(out, r)
	}
	return out
}

func TestRenderEmergencyJustStarted(t *testing.T) {
	steps := maint.EmergencySteps()
	html, kb := maint.RenderEmergency(emg(nil), steps, emgStart.Add(7*time.Minute+30*time.Second))
	mustContain(t, "new", html,
		"🚨 <b>Emergency maintenance E-3</b>\napi &lt;down&gt; &amp; db flapping\n",
		"Started by @alice at 09:00 UTC · pages held by M-4",
		"⏳ <b>Assessment</b> — due 09:15 UTC, in 8m\n<i>Assess severity and impact",
		"⏳ <b>Go/no-go decision</b> — due 09:30 UTC, in 23m",
		"⏳ <b>User notice</b> — due 09:30 UTC, in 23m",
		"⬜ <b>Fix</b>\n<i>Deploy the fix",
		"⬜ <b>Post-incident note</b>",
		"Press a step's button once it is done.")
	want := [][]string{{"emg:E-3:0"}, {"emg:E-3:1:go", "emg:E-3:1:nogo"}, {"emg:E-3:2"}, {"emg:E-3:3"}, {"emg:E-3:4"}, {"emg:E-3:5"}}
	if got := buttonData(kb); !equalRows(got, want) {
		t.Fatalf("buttons = %v, want %v", got, want)
	}
	if kb[0][0].Text != "✅ Assessment done" || kb[1][0].Text != "Go" || kb[1][1].Text != "No-go" || kb[5][0].Text != "✅ Post-incident note done" {
		t.Errorf("labels = %+v", kb)
	}
	// Every button's data leads back to its step.
	for i, row := range kb {
		for _, b := range row {
			action, arg, _ := strings.Cut(b.CallbackData, ":")
			id, step, note, ok := maint.ParseEmergencyArg(arg, steps)
			if action != maint.EmergencyAction || !ok || id != "E-3" || step != i || (i == 1) != (note != "") {
				t.Errorf("%q parses to %s %d %q %v", b.CallbackData, id, step, note, ok)
			}
		}
	}
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], ",") != strings.Join(b[i], ",") {
			return false
		}
	}
	return true
}

// TestRenderEmergencyDeadline checks the marks around the assessment's
// deadline: due until it, overdue a nanosecond after (as Missed decides).
func TestRenderEmergencyDeadline(t *testing.T) {
	due := emgStart.Add(15 * time.Minute)
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		{due.Add(-time.Nanosecond), "⏳ <b>Assessment</b> — due 09:15 UTC, in 1m\n"},
		{due, "⏳ <b>Assessment</b> — due 09:15 UTC, now\n"},
		{due.Add(time.Nanosecond), "❗ <b>Assessment</b> — overdue by &lt;1m (due 09:15 UTC)\n"},
		{due.Add(3*time.Minute + 59*time.Second), "❗ <b>Assessment</b> — overdue by 3m (due 09:15 UTC)\n"},
		{due.Add(26 * time.Hour), "❗ <b>Assessment</b> — overdue by 1d2h (due Dec 6 09:15 UTC)\n"},
	} {
		html, _ := maint.RenderEmergency(emg(nil), maint.EmergencySteps(), c.now)
		mustContain(t, c.now.String(), html, c.want)
	}
}

func TestRenderEmergencyStepsDone(t *testing.T) {
	steps := maint.EmergencySteps()
	done := map[string]maint.StepDone{
		maint.StepAssessment: {By: "@bob", At: emgStart.Add(10 * time.Minute)},
		maint.StepDecision:   {By: "@<carol>", At: emgStart.Add(33 * time.Minute), Note: "No-go"},
	}
	html, kb := maint.RenderEmergency(emg(done), steps, emgStart.Add(40*time.Minute))
	mustContain(t, "two done", html,
		"✅ <b>Assessment</b> — by @bob at 09:10 UTC\n",
		"✅ <b>Go/no-go decision</b>: No-go — by @&lt;carol&gt; at 09:33 UTC (3m late)\n",
		"❗ <b>User notice</b> — overdue by 10m (due 09:30 UTC)\n",
		"⬜ <b>Verification</b>")
	if strings.Contains(html, "Assess severity") {
		t.Errorf("a done step's prompt is shown:\n%s", html)
	}
	want := [][]string{{"emg:E-3:2"}, {"emg:E-3:3"}, {"emg:E-3:4"}, {"emg:E-3:5"}}
	if got := buttonData(kb); !equalRows(got, want) {
		t.Errorf("buttons = %v, want %v", got, want)
	}
}

func TestRenderEmergencyComplete(t *testing.T) {
	steps := maint.EmergencySteps()
	done := map[string]maint.StepDone{}
	for i, s := range steps {
		done[s.Name] = maint.StepDone{By: "@bob", At: emgStart.Add(time.Duration(i+1) * time.Minute)}
	}
	e := emg(done)
	html, kb := maint.RenderEmergency(e, steps, emgStart.Add(time.Hour))
	if len(kb) != 0 {
		t.Errorf("a complete procedure has buttons: %v", buttonData(kb))
	}
	mustContain(t, "complete", html, "✅ <b>Emergency maintenance E-3</b>", "<b>✅ Procedure complete.</b>", "✅ <b>Post-incident note</b> — by @bob at 09:06 UTC")
	if strings.Contains(html, "Press a step") || strings.Contains(html, "⏳") || strings.Contains(html, "❗") {
		t.Errorf("complete:\n%s", html)
	}
	e.Closed = emgStart.Add(50 * time.Minute)
	html, _ = maint.RenderEmergency(e, steps, emgStart.Add(25*time.Hour))
	mustContain(t, "closed", html, "Closed at Dec 6 09:50 UTC.", "Started by @alice at Dec 6 09:00 UTC")
}

// TestRenderEmergencyCallbackDataFits checks that no button's data exceeds
// Telegram's 64 bytes, leaving out the buttons of an id too long for them.
func TestRenderEmergencyCallbackDataFits(t *testing.T) {
	for _, id := range []string{"E-3", "E-123456789012", strings.Repeat("E", 54), strings.Repeat("E", 60)} {
		e := emg(nil)
		e.ID = id
		_, kb := maint.RenderEmergency(e, maint.EmergencySteps(), emgStart)
		n := 0
		for _, row := range kb {
			for _, b := range row {
				n++
				if len(b.CallbackData) > 64 {
					t.Errorf("%s: %q is %d bytes", id, b.CallbackData, len(b.CallbackData))
				}
			}
		}
		if wantAll := len("emg:"+id+":1:nogo") <= 64; wantAll != (n == 7) {
			t.Errorf("%s: %d buttons", id, n)
		}
	}
}

func TestParseEmergencyArgRejects(t *testing.T) {
	steps := maint.EmergencySteps()
	for _, arg := range []string{"", "E-3", "E-3:", ":0", "E-3:6", "E-3:-1", "E-3:01", "E-3:+1", "E-3:1", "E-3:0:go", "E-3:1:maybe", "E-3:1:go:x"} {
		if id, step, note, ok := maint.ParseEmergencyArg(arg, steps); ok {
			t.Errorf("ParseEmergencyArg(%q) = %s %d %q, want not ok", arg, id, step, note)
		}
	}
	if id, step, note, ok := maint.ParseEmergencyArg("E-3:1:nogo", steps); !ok || id != "E-3" || step != 1 || note != "No-go" {
		t.Errorf("no-go = %s %d %q %v", id, step, note, ok)
	}
}

func TestPingText(t *testing.T) {
	steps := maint.EmergencySteps()
	got := maint.PingText(emg(nil), steps[1], emgStart.Add(33*time.Minute))
	want := "❗ <b>E-3</b>: go/no-go decision is overdue (due 09:30 UTC, 3m ago).\n" +
		"<i>Decide go or no-go for emergency maintenance.</i>\n" +
		"Emergency: api &lt;down&gt; &amp; db flapping"
	if got != want {
		t.Errorf("PingText =\n%s\nwant\n%s", got, want)
	}
}
