package engine_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident"
)

// /escalate <text>: a manual incident pages like any other, is never held
// by a silence, the same report twice is one incident, and no recovery
// resolves it.
func TestManualIncident(t *testing.T) {
	e := newEnv(t)
	e.policy.Levels[0].Action = ""
	eng := e.engine()
	if err := eng.Silence(t.Context(), incident.Silence{Check: "manual", Until: t0.Add(time.Hour), By: "@bob", At: t0}); err != nil {
		t.Fatal(err)
	}
	inc, err := eng.OpenManual(t.Context(), "@alice", "users cannot log in", t0)
	if err != nil {
		t.Fatal(err)
	}
	if !inc.Manual || inc.Timeline[0].By != "@alice" || inc.Summary != "users cannot log in" {
		t.Errorf("manual incident = %+v", inc)
	}
	if got := e.keys(); !slices.Equal(got, []string{inc.ID + "/card"}) {
		t.Errorf("outbox = %v, want its card", got)
	}
	again, err := eng.OpenManual(t.Context(), "@bob", "users cannot log in", t0.Add(time.Minute))
	if err != nil || again.ID != inc.ID {
		t.Errorf("the same report again = %s, %v; want %s", again.ID, err, inc.ID)
	}
	eng.Transition(t.Context(), e.recovered("manual"))
	if got := e.incident(inc.ID); got.Status != incident.StatusOpen {
		t.Errorf("after a recovery of a check named manual: %s, want still open", got.Status)
	}
	if _, err := eng.OpenManual(t.Context(), "", "x", t0); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("OpenManual without an author: %v, want ErrInvalid", err)
	}
}

// The desk's reads and silences, as the commands use them.
func TestDeskReadsAndSilences(t *testing.T) {
	e := newEnv(t)
	e.policy.Levels[0].Action = ""
	eng := e.engine()
	eng.Transition(t.Context(), e.fired("health"))

	for _, id := range []string{"INC-1", "1", "#1", "inc-1"} {
		if inc, err := eng.Incident(t.Context(), id); err != nil || inc.ID != "INC-1" {
			t.Errorf("Incident(%q) = %s, %v", id, inc.ID, err)
		}
	}
	if _, err := eng.Incident(t.Context(), "INC-99"); !errors.Is(err, incident.ErrUnknown) {
		t.Errorf("Incident(INC-99): %v, want ErrUnknown", err)
	}
	if _, err := eng.Incident(t.Context(), "banana"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("Incident(banana): %v, want ErrInvalid", err)
	}
	if _, err := eng.Storm(t.Context(), "S-9"); !errors.Is(err, incident.ErrUnknown) {
		t.Errorf("Storm(S-9): %v, want ErrUnknown", err)
	}
	for which, want := range map[string]int{"open": 1, "today": 1, "all": 1} {
		if got, err := eng.Incidents(t.Context(), which, e.clock.Now()); err != nil || len(got) != want {
			t.Errorf("Incidents(%s) = %d, %v; want %d", which, len(got), err, want)
		}
	}
	if got, _ := eng.Incidents(t.Context(), "today", e.clock.Now().Add(48*time.Hour)); len(got) != 0 {
		t.Errorf("Incidents(today) two days later = %d, want 0", len(got))
	}
	if _, err := eng.Act(t.Context(), incident.Act{Op: "dance", Target: "INC-1", By: "@alice"}); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("an unknown op: %v, want ErrInvalid", err)
	}
	res, err := eng.Act(t.Context(), incident.Act{Op: incident.OpResolve, Target: "INC-1", By: "@alice", Note: "fixed the pool"})
	if err != nil || len(res.Changed) != 1 {
		t.Fatalf("resolve: %+v %v", res, err)
	}
	if tl := res.Changed[0].Timeline; !strings.Contains(tl[len(tl)-1].Note, "fixed the pool") {
		t.Errorf("the note is not on the timeline: %+v", tl[len(tl)-1])
	}

	until := e.clock.Now().Add(30 * time.Minute)
	if err := eng.Silence(t.Context(), incident.Silence{Check: "health", Until: until, By: "@alice", At: e.clock.Now(), Reason: "deploy"}); err != nil {
		t.Fatal(err)
	}
	ss, err := eng.Silences(t.Context(), e.clock.Now())
	if err != nil || len(ss) != 1 || ss[0].Check != "health" || !ss[0].Until.Equal(until) || ss[0].Reason != "deploy" {
		t.Fatalf("Silences = %+v, %v", ss, err)
	}
	if ok, err := eng.Unsilence(t.Context(), "health"); !ok || err != nil {
		t.Errorf("Unsilence = %v, %v", ok, err)
	}
	if ss, _ := eng.Silences(t.Context(), e.clock.Now()); len(ss) != 0 {
		t.Errorf("after Unsilence: %+v", ss)
	}
}
