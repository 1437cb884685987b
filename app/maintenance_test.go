package app

import (
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// The notices of the checklist's monthly window (first Sunday 02:00 UTC,
// announced 7 days ahead) come at their times, to the ops chat and the
// announcements chat, each once however often the job runs.
func TestMaintenanceNoticesComeOnTimeAndOnce(t *testing.T) {
	cfg := config.Default()
	cfg.Telegram.OpsChatID = -1001
	cfg.Maintenance.AnnounceChatID = -1002
	cfg.Maintenance.Windows = cfg.Maintenance.Windows[:1] // monthly only
	// The first Sunday of January 2027 is the 3rd: announced Sun 27 Dec 02:00.
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 27, 1, 58, 0, 0, time.UTC))
	a := New(cfg, Options{Clock: clock})
	store := storagetest.Open(t)
	planner, err := a.planner(store)
	if err != nil {
		t.Fatal(err)
	}
	queue := outboxQueue{outbox: store.Outbox(), now: clock.Now, notify: func() {}}
	job := a.noticeJob(planner.Calendar(), queue)
	pending := func() []storage.Message {
		msgs, err := store.Outbox().Pending(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		return msgs
	}
	tick := func() {
		if err := job(t.Context(), clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	tick()
	if got := pending(); len(got) != 0 {
		t.Fatalf("notices before the notice time: %v", got)
	}
	clock.Advance(time.Minute)
	tick()
	clock.Advance(time.Minute) // 02:00
	tick()
	tick()
	msgs := pending()
	if len(msgs) != 2 {
		t.Fatalf("%d notices at the notice time, want one per chat", len(msgs))
	}
	for _, m := range msgs {
		if !strings.Contains(m.HTML, "Monthly maintenance") || !strings.Contains(m.HTML, "Sun 3 Jan 02:00") {
			t.Errorf("notice to %d = %q", m.ChatID, m.HTML)
		}
		if m.ChatID == -1002 && strings.Contains(m.HTML, "pages") {
			t.Errorf("the users' channel is told about pages: %q", m.HTML)
		}
	}

	// One hour before, at the start and at the end.
	for _, step := range []struct {
		to   time.Time
		want string
	}{
		{time.Date(2027, 1, 3, 1, 0, 0, 0, time.UTC), "Starts in 1 hour"},
		{time.Date(2027, 1, 3, 2, 0, 0, 0, time.UTC), "Started"},
		{time.Date(2027, 1, 3, 4, 0, 0, 0, time.UTC), "Ended"},
	} {
		clock.Advance(step.to.Add(-time.Minute).Sub(clock.Now()))
		tick()
		before := len(pending())
		clock.Advance(time.Minute)
		tick()
		tick()
		got := pending()
		if len(got) != before+2 {
			t.Fatalf("at %s: %d new notices, want 2", step.to, len(got)-before)
		}
		if !strings.Contains(got[len(got)-1].HTML+got[len(got)-2].HTML, step.want) {
			t.Errorf("at %s: %q / %q, want %q", step.to, got[len(got)-2].HTML, got[len(got)-1].HTML, step.want)
		}
	}
}

// An emergency's assessment not done 15 minutes in pings the admins, once.
func TestEmergencyDeadlinePingsTheAdminsOnce(t *testing.T) {
	cfg := config.Default()
	cfg.Telegram.OpsChatID = -1001
	cfg.Auth.Admins = []int64{1001}
	start := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(start)
	a := New(cfg, Options{Clock: clock})
	store := storagetest.Open(t)
	planner, err := a.planner(store)
	if err != nil {
		t.Fatal(err)
	}
	desk := maint.EmergencyDesk{Store: store.Emergencies(), Windows: planner}
	e, err := desk.Start(t.Context(), "database failover", "@alice", start)
	if err != nil {
		t.Fatal(err)
	}
	queue := outboxQueue{outbox: store.Outbox(), now: clock.Now, notify: func() {}}
	job := a.emergencyJob(store.Emergencies(), desk.Steps(), queue)
	run := func() []storage.Message {
		if err := job(t.Context(), clock.Now()); err != nil {
			t.Fatal(err)
		}
		msgs, err := store.Outbox().Pending(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		return msgs
	}
	clock.Advance(15 * time.Minute)
	if got := run(); len(got) != 0 {
		t.Fatalf("pings at the deadline: %v", keysOf(got))
	}
	clock.Advance(time.Minute)
	run()
	got := run() // a second look pings nobody again
	if len(got) != 1 || !strings.Contains(got[0].HTML, e.ID) || !strings.Contains(got[0].HTML, "tg://user?id=1001") {
		t.Fatalf("pings after the assessment's deadline = %+v, want one mentioning the admin", keysOf(got))
	}
}
