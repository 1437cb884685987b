package commands

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/storage/storagetest"
)

func TestMaintEmergencyStartsTheProcedure(t *testing.T) {
	t.Parallel()
	e := newMaintEnv(t)
	for _, role := range []Role{RoleViewer, RoleOperator} {
		if _, err := e.run("emergency api down", role); !refused(err, RoleAdmin, "Only admins can call emergency maintenance.") {
			t.Errorf("%s: /maint emergency: %v, want a refusal", role, err)
		}
	}
	r, err := e.reply("Emergency api <down> & db", RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	clMustHave(t, "/maint emergency", r.HTML,
		"🚨 <b>Emergency maintenance E-1</b>\napi &lt;down&gt; &amp; db\n",
		"Started by @alice at 10:00 UTC · pages held by M-1",
		"⏳ <b>Assessment</b> — due 10:15 UTC, in 15m",
		"⏳ <b>Go/no-go decision</b> — due 10:30 UTC, in 30m")
	if !clHasButton(r, "emg:E-1:0") || !clHasButton(r, "emg:E-1:1:go") || !clHasButton(r, "emg:E-1:1:nogo") || !clHasButton(r, "emg:E-1:5") {
		t.Errorf("keyboard = %+v", r.Keyboard)
	}
	// The window holds every check's pages, and /maint lists it.
	if reason, ok := e.cal.Suppressed(t.Context(), "web", e.now); !ok || !strings.Contains(reason, "M-1") {
		t.Errorf("pages not held: %q, %v", reason, ok)
	}
	e.says("", "🔧 <b>M-1</b> Emergency maintenance: api &lt;down&gt; &amp; db — active until 12:00 UTC", "· all checks")

	// Without an emergency desk, /maint says so.
	bare := Maint(maint.Planner{Store: storagetest.Open(t).Maintenance()}, e.clock)
	got, err := bare.Handle(t.Context(), Request{Args: "emergency api down", Role: RoleAdmin})
	if err != nil || got.HTML != "Emergency maintenance is not set up here." {
		t.Errorf("without a desk: %q, %v", got.HTML, err)
	}
	if _, err := bare.Handle(t.Context(), Request{Args: "emergency", Role: RoleAdmin}); !errors.Is(err, ErrUsage) {
		t.Errorf("without a desk or reason: %v, want ErrUsage", err)
	}
}

func TestEmergencyButtonMarksStepsAndCloses(t *testing.T) {
	t.Parallel()
	e := newMaintEnv(t)
	if _, err := e.reply("emergency disk full", RoleAdmin); err != nil {
		t.Fatal(err)
	}
	btn := EmergencyButton(e.emg, e.clock)
	if btn.Name != "emg" || btn.MinRole != RoleOperator {
		t.Errorf("action %s for %s", btn.Name, btn.MinRole)
	}
	reg, err := NewRegistry(e.cmd)
	if err != nil || reg.AddAction(btn) != nil {
		t.Fatalf("registry: %v", err)
	}

	e.now = e.now.Add(9 * time.Minute)
	out := clPress(t, btn, "emg:E-1:0", 1, "bob")
	if out.Toast != "Done: Assessment." || out.Edit == nil {
		t.Fatalf("bob's press = %+v", out)
	}
	clMustHave(t, "after bob", out.Edit.HTML, "✅ <b>Assessment</b> — by @bob at 10:09 UTC", "⏳ <b>User notice</b> — due 10:30 UTC, in 21m")
	if clHasButton(*out.Edit, "emg:E-1:0") || !clHasButton(*out.Edit, "emg:E-1:1:go") {
		t.Errorf("keyboard after the assessment = %+v", out.Edit.Keyboard)
	}

	e.now = e.now.Add(time.Minute)
	if out := clPress(t, btn, "emg:E-1:0", 2, "carol"); out.Toast != "Already done by @bob at 10:09 UTC." || out.Edit == nil || clHasButton(*out.Edit, "emg:E-1:0") {
		t.Errorf("carol's press = %+v", out)
	}
	if out := clPress(t, btn, "emg:E-1:0", 1, "bob"); out.Toast != "You marked this done already at 10:09 UTC." {
		t.Errorf("bob's second press = %+v", out)
	}
	if out := clPress(t, btn, "emg:E-1:1:nogo", 2, "carol"); out.Toast != "Done: Go/no-go decision: No-go." {
		t.Errorf("carol's no-go = %+v", out)
	}
	out = clPress(t, btn, "emg:E-1:1:go", 1, "bob")
	if out.Toast != "Already done by @carol at 10:10 UTC: No-go." {
		t.Errorf("bob's go after carol's no-go = %+v", out)
	}
	clMustHave(t, "after the decision", out.Edit.HTML, "✅ <b>Go/no-go decision</b>: No-go — by @carol at 10:10 UTC")

	for _, bad := range []string{"emg:E-1", "emg:E-1:9", "emg:E-1:1", "emg:E-1:0:go", "emg:E-1:x"} {
		if out := clPress(t, btn, bad, 1, "bob"); out.Toast != "This button is out of date." || out.Edit != nil {
			t.Errorf("%s: %+v", bad, out)
		}
	}
	if out := clPress(t, btn, "emg:E-9:0", 1, "bob"); out.Toast != "This emergency no longer exists." || out.Edit != nil {
		t.Errorf("E-9: %+v", out)
	}

	// The notice is late; the last step closes the emergency and its window.
	e.now = e.now.Add(25 * time.Minute)
	for _, data := range []string{"emg:E-1:2", "emg:E-1:3", "emg:E-1:4"} {
		if out := clPress(t, btn, data, 1, "bob"); out.Edit == nil || len(out.Edit.Keyboard) == 0 {
			t.Fatalf("%s: %+v", data, out)
		}
	}
	if _, ok := e.cal.Suppressed(t.Context(), "web", e.now); !ok {
		t.Error("the window ended before the procedure completed")
	}
	e.now = e.now.Add(time.Minute)
	out = clPress(t, btn, "emg:E-1:5", 2, "carol")
	if out.Toast != "Done: Post-incident note. Every step is done: E-1 is closed." || out.Edit == nil || len(out.Edit.Keyboard) != 0 {
		t.Fatalf("the last press = %+v", out)
	}
	clMustHave(t, "complete", out.Edit.HTML, "✅ <b>User notice</b> — by @bob at 10:35 UTC (5m late)",
		"<b>✅ Procedure complete.</b> Closed at 10:36 UTC.")
	if reason, ok := e.cal.Suppressed(t.Context(), "web", e.now); ok {
		t.Errorf("pages still held after the procedure: %q", reason)
	}
	e.says("end M-1", "M-1 has already ended.")
	if out := clPress(t, btn, "emg:E-1:5", 1, "bob"); out.Toast != "Already done by @carol at 10:36 UTC." || len(out.Edit.Keyboard) != 0 {
		t.Errorf("a press after the close = %+v", out)
	}
}
