package commands

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// The desks in production are maint's Planner and EmergencyDesk.
var (
	_ MaintDesk     = maint.Planner{}
	_ EmergencyDesk = maint.EmergencyDesk{}
)

// maintEnv is /maint on a real store with the checklist's windows and the
// emergency procedure, and a clock the test moves.
type maintEnv struct {
	t    *testing.T
	cmd  Command
	cal  maint.Calendar
	emg  maint.EmergencyDesk
	now  time.Time
	stop func()
}

func newMaintEnv(t *testing.T) *maintEnv {
	t.Helper()
	s := storagetest.Open(t)
	p := maint.Planner{Recurring: maint.DefaultRecurrences(), Store: s.Maintenance()}
	e := &maintEnv{t: t, cal: p.Calendar(), emg: maint.EmergencyDesk{Store: s.Emergencies(), Windows: p}, now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	e.cmd = Maint(p, e.clock, e.emg)
	e.stop = func() { _ = s.Close(context.Background()) }
	if _, err := NewRegistry(e.cmd); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *maintEnv) clock() time.Time { return e.now }

// run runs /maint args as role and returns the reply's HTML.
func (e *maintEnv) run(args string, role Role) (string, error) {
	e.t.Helper()
	r, err := e.reply(args, role)
	return r.HTML, err
}

// refused reports whether err is a Refusal for need answering text.
func refused(err error, need Role, text string) bool {
	var r *Refusal
	return errors.As(err, &r) && r.Need == need && r.HTML == text
}

// reply runs /maint args as role and returns the reply.
func (e *maintEnv) reply(args string, role Role) (Reply, error) {
	e.t.Helper()
	return e.cmd.Handle(e.t.Context(), Request{Command: "maint", Args: args, ChatID: -100, UserID: 42, Username: "alice", Role: role, At: e.now})
}

// says runs /maint args as an admin and checks that the reply holds every want.
func (e *maintEnv) says(args string, want ...string) string {
	e.t.Helper()
	got, err := e.run(args, RoleAdmin)
	if err != nil {
		e.t.Fatalf("/maint %s: %v", args, err)
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			e.t.Errorf("/maint %s: missing %q in\n%s", args, w, got)
		}
	}
	return got
}

func TestMaintListsWindowsForViewers(t *testing.T) {
	t.Parallel()
	e := newMaintEnv(t)
	got, err := e.run("", RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Maintenance windows, next 30 days",
		"📣 <b>monthly-2026-12-06</b> Monthly maintenance — announced, starts in 4d16h",
		"Sun Dec 6 02:00–04:00 UTC (2h) · all checks · notice 7d",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	// Jan 3's windows are beyond 30 days; viewers get no admin hint.
	if strings.Contains(got, "2027") || strings.Contains(got, "/maint add") {
		t.Errorf("list:\n%s", got)
	}
	for _, role := range []Role{RoleViewer, RoleOperator} {
		for _, args := range []string{"add 2026-12-06 02:00 2h x", "start M-1", "END monthly-2026-12-06", "cancel M-1"} {
			if _, err := e.run(args, role); !refused(err, RoleAdmin, "Only admins can change maintenance windows.") {
				t.Errorf("%s: /maint %s: %v, want a refusal", role, args, err)
			}
		}
	}

	// Five days on, the quarterly window of Jan 3 is within 30 days, and
	// the monthly one is active.
	e.now = time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	got = e.says("",
		"🔧 <b>monthly-2026-12-06</b> Monthly maintenance — active until 04:00 UTC",
		"🗓 <b>quarterly-2027-01-03</b> Quarterly maintenance — scheduled, starts in 27d22h",
		"Sun 2027-01-03 01:00–05:00 UTC (4h) · all checks · notice 14d",
		"/maint add")
	if strings.Index(got, "monthly-2026-12-06") > strings.Index(got, "quarterly-2027-01-03") ||
		strings.Index(got, "quarterly-2027-01-03") > strings.Index(got, "monthly-2027-01-03") {
		t.Errorf("not in time order:\n%s", got)
	}
	e.now = time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	if got := e.says(""); strings.Contains(got, "monthly-2026-12-06") {
		t.Errorf("an ended window is listed:\n%s", got)
	}
}

func TestMaintAddStartEndCancel(t *testing.T) {
	t.Parallel()
	e := newMaintEnv(t)
	e.says("add 2026-12-06 02:00 2h scope=api,db-* dependency <updates>",
		"🛠 <b>M-1</b> scheduled: dependency &lt;updates&gt;",
		"Sun Dec 6 02:00–04:00 UTC (2h) · api, db-* · notice 1d",
		"/maint cancel M-1 calls it off.")
	// A start in the current minute is now, not the past.
	e.now = e.now.Add(30 * time.Second)
	e.says("add 2026-12-01 10:00 18:00 today", "🛠 <b>M-2</b> scheduled: today", "Tue Dec 1 10:00–18:00 UTC (8h) · all checks")
	e.says("add 2026-12-31 23:00 1d year end", "<b>M-3</b> scheduled: year end", "Thu 2026-12-31 23:00 – Fri 2027-01-01 23:00 UTC (1d) · all checks · notice 1d")
	got := e.says("", "🔧 <b>M-2</b> today — active until 18:00 UTC", "🗓 <b>M-1</b> dependency &lt;updates&gt; — scheduled, starts in 4d15h")
	if strings.Contains(got, "M-3") {
		t.Errorf("M-3 starts beyond 30 days:\n%s", got)
	}

	// The window holds the pages of its scope once started, until ended.
	e.now = time.Date(2026, 12, 6, 1, 30, 0, 0, time.UTC)
	e.says("cancel m-3", "🚫 <b>M-3</b> canceled: year end.")
	e.says("start 1", "🔧 <b>M-1</b> started: dependency &lt;updates&gt;, until 04:00 UTC.", "Pages of api, db-* are held. /maint end M-1 ends it.")
	if reason, ok := e.cal.Suppressed(t.Context(), "db-main", e.now); !ok || !strings.Contains(reason, "M-1 (dependency <updates>) until 04:00 UTC") {
		t.Errorf("after /maint start: %q, %v", reason, ok)
	}
	if reason, ok := e.cal.Suppressed(t.Context(), "web", e.now); ok {
		t.Errorf("web is out of M-1's scope: %q", reason)
	}
	e.says("cancel M-1", "M-1 is active: end it instead.")
	e.now = e.now.Add(15 * time.Minute)
	e.says("end M-1", "✅ <b>M-1</b> ended: dependency &lt;updates&gt;.", "checks still failing page now")
	if reason, ok := e.cal.Suppressed(t.Context(), "db-main", e.now); ok {
		t.Errorf("after /maint end: %q", reason)
	}
	e.says("end M-1", "M-1 has already ended.")
	e.says("start M-3", "M-3 was canceled.")
	e.says("end M-9", "No maintenance window M-9.")
	e.says("cancel monthly-2026-12-13", "No maintenance window monthly-2026-12-13.")

	// Recurring windows are changed by their id; the change is stored.
	e.says("END Monthly-2026-12-06", "monthly-2026-12-06 has not started yet: cancel it instead.")
	e.says("cancel monthly-2026-12-06", "🚫 <b>monthly-2026-12-06</b> canceled: Monthly maintenance.")
	e.says("", "🚫 <b>monthly-2026-12-06</b> Monthly maintenance — canceled")
	if reason, ok := e.cal.Suppressed(t.Context(), "web", time.Date(2026, 12, 6, 2, 30, 0, 0, time.UTC)); ok {
		t.Errorf("canceled monthly window still holds pages: %q", reason)
	}
}

func TestMaintRejectsBadInput(t *testing.T) {
	t.Parallel()
	e := newMaintEnv(t)
	for _, args := range []string{
		"frobnicate", "add", "add 2026-12-06", "add 2026-12-06 02:00 2h", "add 2026-13-06 02:00 2h x",
		"add 2026-12-06 2am 2h x", "add 2026-12-06 02:00 soon x", "add 2026-12-06 02:00 4:00 x",
		"add 2026-12-06 02:00 2h scope=", "add 2026-12-06 02:00 2h scope=api", "add 06.12.2026 02:00 2h x",
		"start", "end M-1 now", "cancel", "emergency", "EMERGENCY  ",
	} {
		if got, err := e.run(args, RoleAdmin); !errors.Is(err, ErrUsage) {
			t.Errorf("/maint %s = %q, %v; want ErrUsage", args, got, err)
		}
	}
	if e.cmd.Usage != "/maint [add <YYYY-MM-DD> <HH:MM> <30m|2h|1d> [scope=api,db] <title> | start|end|cancel <id> | emergency <reason>]" {
		t.Errorf("usage %q", e.cmd.Usage)
	}
	for args, want := range map[string]string{
		"add 2026-12-01 09:59 2h too late":         "That start is in the past: it is 10:00 UTC now.",
		"add 2025-12-06 02:00 2h last year":        "That start is in the past: it is 10:00 UTC now.",
		"add 2026-12-06 04:00 02:00 backwards":     "A maintenance window must end after it starts.",
		"add 2026-12-06 04:00 04:00 empty":         "A maintenance window must end after it starts.",
		"add 2026-12-06 04:00 -1h negative":        "A maintenance window must end after it starts.",
		"add 2026-12-06 04:00 8d too long":         "A maintenance window lasts at most 7d.",
		"add 2026-12-06 04:00 2h scope=db-[ x":     "The scope db-[ is not a check name or a pattern like db-*.",
		"add 2026-12-06 04:00 2h scope=api,,db- x": "<b>M-1</b> scheduled: x",
	} {
		e.says(args, want)
	}
	// A storage error reaches the bot, which logs it.
	e.stop()
	if _, err := e.run("", RoleViewer); err == nil || errors.Is(err, ErrUsage) {
		t.Errorf("/maint on a closed store: %v", err)
	}
}
