package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/incident/maint"
)

// 50 checks failing within seconds (the database is down) page as one
// alert storm: the two that came first have their own cards, then one
// storm card lists them all; escalations page the storm once per level.
func TestStormOf50IsOneGroupedPage(t *testing.T) {
	e := newEnv(t)
	e.policy.Levels[0].Action = ""
	eng := e.engine()
	e.run(eng)

	var wg sync.WaitGroup
	for i := range 50 {
		if i%10 == 0 {
			e.clock.Advance(time.Second)
		}
		tr := e.fired(fmt.Sprintf("check-%02d", i))
		wg.Go(func() { eng.Transition(t.Context(), tr) })
		if i < 3 {
			wg.Wait() // the first three in order: the storm starts at the third
		}
	}
	wg.Wait()
	if err := eng.SyncStorms(t.Context()); err != nil {
		t.Fatal(err)
	}

	keys := e.keys()
	var sends []string
	for _, k := range keys {
		if m := e.message(k); m.Kind == "send" {
			sends = append(sends, k)
		}
	}
	if want := []string{"INC-1/card", "INC-2/card", "S-1/card"}; !slices.Equal(sends, want) {
		t.Fatalf("messages posted for 50 failures = %v, want %v", sends, want)
	}
	members, err := eng.Storm(t.Context(), "S-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 50 {
		t.Errorf("storm S-1 has %d incidents, want all 50", len(members))
	}
	// The storm card's newest edit lists every incident.
	var last string
	for _, k := range keys {
		if strings.HasPrefix(k, "S-1/edit/") {
			last = e.message(k).HTML
		}
	}
	if !strings.Contains(last, "50") {
		t.Errorf("storm card = %q, want it to count 50 incidents", last)
	}

	e.advance(15 * time.Minute)
	pages := withPrefix(e.keys(), "S-1/page/")
	if !slices.Equal(pages, []string{"S-1/page/L2"}) {
		t.Errorf("storm pages at 15m = %v, want one L2 page for all 50", pages)
	}
	if got := withPrefix(e.keys(), "INC-"); slices.ContainsFunc(got, func(k string) bool { return strings.Contains(k, "/page/") }) {
		t.Errorf("incident pages %v, want none: storm members page through the storm", got)
	}

	// One press acknowledges the whole storm.
	res, err := eng.Act(t.Context(), incident.Act{Op: incident.OpAcknowledge, Target: "S-1", By: "@alice"})
	if err != nil || len(res.Changed) != 50 {
		t.Fatalf("ack S-1: %d changed, %v; want 50", len(res.Changed), err)
	}
}

// Two people pressing Acknowledge at once: one acknowledges, the other
// is told who did.
func TestConcurrentAcknowledgeOneOutcome(t *testing.T) {
	e := newEnv(t)
	e.policy.Levels[0].Action = ""
	eng := e.engine()
	eng.Transition(t.Context(), e.fired("health"))

	var wg sync.WaitGroup
	results := make([]incident.ActResult, 2)
	errs := make([]error, 2)
	for i, who := range []string{"@alice", "@bob"} {
		wg.Go(func() {
			results[i], errs[i] = eng.Act(t.Context(), incident.Act{Op: incident.OpAcknowledge, Target: "INC-1", By: who})
		})
	}
	wg.Wait()
	changed, refused := 0, 0
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("ack %d: %v", i, errs[i])
		}
		changed += len(results[i].Changed)
		for _, r := range results[i].Refused {
			refused++
			if !errors.Is(r, incident.ErrAcknowledged) || !strings.Contains(r.Error(), "already acknowledged") {
				t.Errorf("refusal = %v, want already acknowledged by the other", r)
			}
		}
	}
	if changed != 1 || refused != 1 {
		t.Fatalf("changed %d refused %d, want one of each", changed, refused)
	}
	inc := e.incident("INC-1")
	acks := 0
	for _, en := range inc.Timeline {
		if en.Kind == incident.KindAcknowledged {
			acks++
		}
	}
	if acks != 1 {
		t.Errorf("timeline has %d acknowledgements, want 1", acks)
	}
}

// A silenced check's incident opens and is recorded, but pages nobody;
// a page that comes after the silence ended is sent and posts the card.
func TestSilencedPageIsRecordedNotSent(t *testing.T) {
	e := newEnv(t)
	e.policy.Levels[0].Action = ""
	eng := e.engine()
	e.run(eng)
	if err := eng.Silence(t.Context(), incident.Silence{Check: "health", Until: t0.Add(10 * time.Minute), By: "@alice", At: t0, Reason: "deploy"}); err != nil {
		t.Fatal(err)
	}
	eng.Transition(t.Context(), e.fired("health"))
	inc := e.incident("INC-1")
	if got := e.keys(); len(got) != 0 {
		t.Fatalf("outbox = %v, want nothing sent for a silenced check", got)
	}
	if i := slices.IndexFunc(inc.Timeline, func(en incident.TimelineEntry) bool { return en.Kind == incident.KindSuppressed }); i < 0 ||
		!strings.Contains(inc.Timeline[i].Note, "silenced by @alice") {
		t.Fatalf("timeline = %+v, want the held page recorded", inc.Timeline)
	}
	e.advance(15 * time.Minute) // the silence is over (the held card is owed) and L2 is due
	if got := e.keys(); !slices.Equal(got, []string{"INC-1/card", "INC-1/page/L2", "INC-1/card/3"}) {
		t.Errorf("outbox after the silence = %v, want the held card, the L2 page and the card's edit", got)
	}
	if card := e.message("INC-1/card"); !strings.Contains(card.HTML, "INC-1") {
		t.Errorf("card = %q", card.HTML)
	}
}

// maintenance holds the pages of the checks it lists.
type maintenance map[string]string

func (m maintenance) Suppressed(_ context.Context, check string, _ time.Time) (string, bool) {
	reason, ok := m[check]
	return reason, ok
}

// During a maintenance window (an interface until the windows exist), a
// page is recorded on the incident's timeline and not sent.
func TestMaintenanceHoldsPages(t *testing.T) {
	e := newEnv(t)
	e.policy.Levels[0].Action = ""
	e.maintenance = maintenance{"health": "maintenance window: dependency updates"}
	eng := e.engine()
	eng.Transition(t.Context(), e.fired("health"))
	eng.Transition(t.Context(), e.fired("mongodb"))
	if got := e.keys(); !slices.Equal(got, []string{"INC-2/card"}) {
		t.Fatalf("outbox = %v, want only the card of the check outside the window", got)
	}
	inc := e.incident("INC-1")
	if inc.Card != "" || inc.Timeline[len(inc.Timeline)-1].Kind != incident.KindSuppressed ||
		!strings.Contains(inc.Timeline[len(inc.Timeline)-1].Note, "dependency updates") {
		t.Errorf("INC-1 card %q timeline %+v, want the held page recorded and no card", inc.Card, inc.Timeline)
	}
}

// window is a maintenance window the test opens and closes.
type window struct {
	mu     sync.Mutex
	active bool
}

func (w *window) Suppressed(_ context.Context, check string, _ time.Time) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return "maintenance M-1 (dependency updates)", w.active && check == "health"
}

func (w *window) set(active bool) {
	w.mu.Lock()
	w.active = active
	w.mu.Unlock()
}

// A page held during a window is sent when the window ends, if the
// incident is still open; one that was acknowledged meanwhile is not.
func TestHeldPageIsSentWhenTheWindowEnds(t *testing.T) {
	e := newEnv(t)
	e.policy.Levels[0].Action = ""
	w := &window{active: true}
	e.maintenance = w
	eng := e.engine()
	e.run(eng)
	eng.Transition(t.Context(), e.fired("health"))
	e.settle()
	e.advance(time.Minute)
	if got := e.keys(); len(got) != 0 {
		t.Fatalf("outbox during the window = %v, want nothing", got)
	}
	if inc := e.incident("INC-1"); inc.Held != incident.L1 {
		t.Fatalf("held = %s, want L1 owed", inc.Held)
	}
	w.set(false)
	e.advance(15 * time.Second) // the loop's next look
	if got := e.keys(); !slices.Equal(got, []string{"INC-1/card"}) {
		t.Fatalf("outbox after the window = %v, want the held card", got)
	}
	inc := e.incident("INC-1")
	if inc.Held != 0 || inc.Timeline[len(inc.Timeline)-1].Kind != incident.KindReleased {
		t.Errorf("after release: held %s, last entry %+v", inc.Held, inc.Timeline[len(inc.Timeline)-1])
	}

	// Acknowledged during a second window: nothing owed when it ends.
	eng.Transition(t.Context(), e.fired("mongodb"))
	w.mu.Lock()
	w.active = true
	w.mu.Unlock()
	e.advance(15*time.Minute - 15*time.Second - time.Minute) // INC-1's L2 falls due inside the window
	if got := e.incident("INC-1"); got.Held != incident.L2 {
		t.Fatalf("INC-1 held = %s, want L2 owed", got.Held)
	}
	if _, err := eng.Act(t.Context(), incident.Act{Op: incident.OpAcknowledge, Target: "INC-1", By: "@alice"}); err != nil {
		t.Fatal(err)
	}
	w.set(false)
	e.settle()
	e.advance(15 * time.Second)
	if pages := withPrefix(e.keys(), "INC-1/page/"); len(pages) != 0 {
		t.Errorf("pages after an acknowledged incident's window = %v, want none", pages)
	}
}

// The real calendar: a one-off window stored with /maint's repository
// holds the page of a check in its scope, and the page goes out when the
// window ends.
func TestAStoredWindowHoldsThePageUntilItEnds(t *testing.T) {
	e := newEnv(t)
	e.policy.Levels[0].Action = ""
	planner := maint.Planner{Store: e.store.Maintenance()}
	w, err := planner.Add(t.Context(), maint.Window{Title: "dependency updates", Kind: maint.KindOneOff,
		Start: t0, End: t0.Add(time.Hour), Scope: []string{"health"}, CreatedBy: "@alice"})
	if err != nil {
		t.Fatal(err)
	}
	e.maintenance = planner.Calendar()
	eng := e.engine()
	e.run(eng)
	eng.Transition(t.Context(), e.fired("health"))
	eng.Transition(t.Context(), e.fired("mongodb")) // outside the scope
	e.settle()
	if got := e.keys(); !slices.Equal(got, []string{"INC-2/card"}) {
		t.Fatalf("outbox during the window = %v, want only the out-of-scope card", got)
	}
	inc := e.incident("INC-1")
	if note := inc.Timeline[len(inc.Timeline)-1].Note; !strings.Contains(note, w.ID) || !strings.Contains(note, "dependency updates") {
		t.Errorf("held page's note %q, want the window named", note)
	}
	e.advance(59 * time.Minute)
	if got := withPrefix(e.keys(), "INC-1/"); len(got) != 0 {
		t.Fatalf("INC-1 messages before the window ends = %v", got)
	}
	e.advance(time.Minute + 15*time.Second)
	if got := withPrefix(e.keys(), "INC-1/"); !slices.Contains(got, "INC-1/card") {
		t.Errorf("INC-1 messages after the window = %v, want its card", got)
	}
}
