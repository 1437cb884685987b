package engine_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
)

// The checklist's times for a health check failure: L1 at once (restart
// once), L2 after 15 minutes (the rule's "escalate if unresolved"), L3 at
// 30 minutes, L4 at 2 hours; nothing after L4.
func TestEscalatesL1ToL4WithTheChecklistTimes(t *testing.T) {
	e := newEnv(t)
	eng := e.engine()
	e.run(eng)

	eng.Transition(t.Context(), e.fired("health"))
	eng.WaitActions()
	if got := e.keys(); !slices.Contains(got, "INC-1/card") {
		t.Fatalf("outbox after the rule fired = %v, want the card INC-1/card", got)
	}
	card := e.message("INC-1/card")
	if card.ChatID != opsChat || !strings.Contains(card.HTML, "INC-1") || len(card.Keyboard) == 0 {
		t.Errorf("card = chat %d %q keyboard %s, want INC-1 in the ops chat with buttons", card.ChatID, card.HTML, card.Keyboard)
	}
	if n := e.actions.Load(); n != 1 {
		t.Errorf("level 1 actions run = %d, want 1", n)
	}

	steps := []struct {
		to    time.Duration
		level incident.Level
		who   string
	}{
		{15 * time.Minute, incident.L2, "@tech_lead"},
		{30 * time.Minute, incident.L3, "@architect"},
		{2 * time.Hour, incident.L4, "@vendor_desk"},
	}
	elapsed := time.Duration(0)
	for _, s := range steps {
		// One millisecond early, nothing happens.
		e.advance(s.to - elapsed - time.Millisecond)
		if got := e.incident("INC-1").Level; got != s.level-1 {
			t.Fatalf("at %s - 1ms: level %s, want %s", s.to, got, s.level-1)
		}
		e.advance(time.Millisecond)
		elapsed = s.to
		inc := e.incident("INC-1")
		if inc.Level != s.level {
			t.Fatalf("at %s: level %s, want %s", s.to, inc.Level, s.level)
		}
		key := "INC-1/page/" + s.level.String()
		page := e.message(key)
		if page.ReplyToCard != "INC-1" || !strings.Contains(page.HTML, s.who) {
			t.Errorf("%s = reply to %q, %q; want a reply to the card mentioning %s", key, page.ReplyToCard, page.HTML, s.who)
		}
	}
	e.advance(24 * time.Hour)
	inc := e.incident("INC-1")
	if inc.Level != incident.L4 || !inc.NextEscalationAt.IsZero() {
		t.Errorf("a day later: level %s next %v, want L4 and no timer", inc.Level, inc.NextEscalationAt)
	}
	if pages := withPrefix(e.keys(), "INC-1/page/"); !slices.Equal(pages, []string{"INC-1/page/L2", "INC-1/page/L3", "INC-1/page/L4"}) {
		t.Errorf("pages = %v, want L2, L3, L4 once each", pages)
	}
	if n := e.actions.Load(); n != 1 {
		t.Errorf("level 1 actions run = %d, want exactly 1", n)
	}
	want := []incident.Kind{incident.KindOpened, incident.KindPaged, incident.KindAction, incident.KindActionResult,
		incident.KindEscalated, incident.KindPaged, incident.KindEscalated, incident.KindPaged, incident.KindEscalated, incident.KindPaged}
	if got := kinds(inc); !slices.Equal(got, want) {
		t.Errorf("timeline = %v, want %v", got, want)
	}
}

// A failure that repeats while its incident is open changes nothing; a
// recovery resolves it, and a failure within the reopen window reopens
// the same incident instead of opening another.
func TestDedupResolveAndReopen(t *testing.T) {
	e := newEnv(t)
	eng := e.engine()

	for range 5 {
		eng.Transition(t.Context(), e.fired("health"))
		e.clock.Advance(time.Second)
	}
	open, err := e.store.Incidents().List(t.Context(), storage.ListFilter{Status: storage.ListOpen})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].ID != "INC-1" || open[0].Rev != e.incident("INC-1").Rev {
		t.Fatalf("open incidents after 5 repeats = %d, want INC-1 alone and unchanged", len(open))
	}

	e.clock.Advance(3 * time.Minute)
	eng.Transition(t.Context(), e.recovered("health"))
	inc := e.incident("INC-1")
	if inc.Status != incident.StatusResolved || inc.ResolvedBy != "" {
		t.Fatalf("after recovery: %s by %q, want resolved by recovery", inc.Status, inc.ResolvedBy)
	}
	if d, ok := incident.Duration(inc); !ok || d != 3*time.Minute+5*time.Second+2*time.Minute {
		t.Errorf("lasted %v, want from the failure's start (2m before firing) to the recovery", d)
	}

	e.clock.Advance(10 * time.Minute) // within the 30m reopen window
	eng.Transition(t.Context(), e.fired("health"))
	inc = e.incident("INC-1")
	if inc.Status != incident.StatusOpen || inc.Reopened != 1 {
		t.Fatalf("after the failure came back: %s reopened %d, want INC-1 open again", inc.Status, inc.Reopened)
	}
	if _, err := e.store.Incidents().Get(t.Context(), "INC-2"); err == nil {
		t.Error("INC-2 exists; the failure within the window should have reopened INC-1")
	}
	eng.WaitActions()
	if n := e.actions.Load(); n != 1 {
		t.Errorf("actions = %d, want 1: a reopened incident does not restart again", n)
	}

	eng.Transition(t.Context(), e.recovered("health"))
	e.clock.Advance(31 * time.Minute) // past the window
	eng.Transition(t.Context(), e.fired("health"))
	if inc := e.incident("INC-2"); inc.Status != incident.StatusOpen {
		t.Errorf("a failure past the reopen window: INC-2 is %s, want a new open incident", inc.Status)
	}
}

// A process that stops in the middle of an escalation and a new one on
// the same store: the timers resume, nothing already paged is paged
// again, and the action is not run again.
func TestRestartMidEscalation(t *testing.T) {
	e := newEnv(t)
	first := e.engine()
	stop := e.run(first)
	first.Transition(t.Context(), e.fired("health"))
	first.WaitActions()
	e.advance(15 * time.Minute) // L2 paged
	stop()
	before := e.keys()

	e.clock.Advance(5 * time.Minute) // nobody runs meanwhile
	second := e.engine()
	e.run(second) // redelivers INC-1's last effects: the outbox already has them
	if got := e.keys(); !slices.Equal(got, before) {
		t.Fatalf("outbox after restart = %v, want unchanged %v", got, before)
	}
	e.advance(10 * time.Minute) // 30m: L3
	if got := e.incident("INC-1").Level; got != incident.L3 {
		t.Fatalf("level after restart at 30m = %s, want L3", got)
	}
	if pages := withPrefix(e.keys(), "INC-1/page/"); !slices.Equal(pages, []string{"INC-1/page/L2", "INC-1/page/L3"}) {
		t.Errorf("pages = %v, want L2 and L3 once each", pages)
	}
	second.WaitActions()
	if n := e.actions.Load(); n != 1 {
		t.Errorf("actions = %d, want 1 across the restart", n)
	}
}

// A process that committed a change but died before queueing its
// messages: the next one queues them at start.
func TestRestartDeliversCommittedEffects(t *testing.T) {
	e := newEnv(t)
	e.policy.Levels[0].Action = "" // the open is the incident's last change
	eng := e.engine()
	eng.Transition(t.Context(), e.fired("health"))
	// Lose the outbox, as a crash between the commit and the enqueue would.
	if _, err := e.store.Database().Collection(storage.OutboxCollection).DeleteMany(t.Context(), bson.D{}); err != nil {
		t.Fatal(err)
	}
	if got := e.keys(); len(got) != 0 {
		t.Fatalf("outbox not emptied: %v", got)
	}
	e.run(e.engine())
	if got := e.keys(); !slices.Equal(got, []string{"INC-1/card"}) {
		t.Errorf("outbox after restart = %v, want INC-1's card again", got)
	}
}

// A snooze pauses the clock: the escalation due during it waits, the card
// is posted anew when it ends, and the clock resumes with the time that
// was left.
func TestSnoozePausesTheClockAndRepostsTheCard(t *testing.T) {
	e := newEnv(t)
	e.policy.Levels[0].Action = ""
	eng := e.engine()
	e.run(eng)
	eng.Transition(t.Context(), e.fired("health"))
	e.advance(10 * time.Minute) // 5 minutes before L2 is due
	res, err := eng.Act(t.Context(), incident.Act{Op: incident.OpSnooze, Target: "INC-1", By: "@alice"})
	if err != nil || len(res.Changed) != 1 {
		t.Fatalf("snooze: %+v %v", res, err)
	}
	e.settle()
	e.advance(time.Hour) // the snooze ends; nothing was paged meanwhile
	inc := e.incident("INC-1")
	if inc.Status != incident.StatusOpen || inc.Level != incident.L1 {
		t.Fatalf("after the snooze: %s at %s, want open at L1", inc.Status, inc.Level)
	}
	repost := e.message("INC-1/card/" + strconv.FormatInt(inc.Rev, 10))
	if repost.Kind != storage.KindSend || repost.Card != "INC-1" {
		t.Errorf("card after the snooze = %s of card %q, want the card posted anew", repost.Kind, repost.Card)
	}
	e.advance(5*time.Minute - time.Millisecond)
	if got := e.incident("INC-1").Level; got != incident.L1 {
		t.Fatalf("level %s before the 5 minutes left ran out, want L1", got)
	}
	e.advance(time.Millisecond)
	if got := e.incident("INC-1").Level; got != incident.L2 {
		t.Errorf("level %s when the 5 minutes left ran out, want L2", got)
	}
}
