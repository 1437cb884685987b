package engine_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// directPages records the pages sent outside the outbox.
type directPages struct {
	mu    sync.Mutex
	pages []string
}

func (d *directPages) SendDirect(_ context.Context, chatID, _ int64, html string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if chatID != opsChat {
		return nil
	}
	d.pages = append(d.pages, html)
	return nil
}

func (d *directPages) sent() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.pages...)
}

// The store is unreachable for 60 s while a check fails: the failure is
// paged at once, directly and once; its incident is written when the store
// is back, with the time the rule fired; the transitions that came during
// the outage are applied in order.
func TestAStoreOutagePagesDirectlyAndWritesTheIncidentsAfterwards(t *testing.T) {
	t.Parallel()
	env, proxy, direct := outageEnv(t)
	eng := env.engine()
	env.run(eng)

	proxy.Cut()
	firedAt := env.clock.Now()
	eng.Transition(t.Context(), env.fired("health"))
	eng.Transition(t.Context(), env.fired("health")) // the rule again: no second page
	env.clock.Advance(time.Second)
	eng.Transition(t.Context(), env.fired("mongodb"))
	if n := eng.Backlog(); n != 3 {
		t.Fatalf("backlog %d during the outage; want the 3 transitions", n)
	}
	pages := direct.sent()
	if len(pages) != 2 || !strings.Contains(pages[0], "health") || !strings.Contains(pages[1], "mongodb") ||
		!strings.Contains(pages[0], "cannot reach its database") || !strings.Contains(pages[0], "503 Service Unavailable") {
		t.Fatalf("direct pages during the outage: %q; want one for health and one for mongodb", pages)
	}

	// 60 s of outage: the engine retries every 2 s, in vain.
	for range 12 {
		env.advance(5 * time.Second)
	}
	if n := eng.Backlog(); n != 3 {
		t.Fatalf("backlog %d still in the outage; want 3", n)
	}

	// The driver reconnects in real time (its heartbeat): the engine
	// writes the backlog at the first retry that finds the store.
	proxy.Restore()
	for i := 0; eng.Backlog() > 0; i++ {
		if i == 20 {
			t.Fatalf("backlog %d 100 s (fake) after the store came back; want 0", eng.Backlog())
		}
		env.advance(5 * time.Second)
	}
	inc := env.incident("INC-1")
	if inc.Check != "health" || !inc.OpenedAt.Equal(firedAt) {
		t.Fatalf("INC-1 = %s opened %v; want health opened when the rule fired, %v", inc.Check, inc.OpenedAt, firedAt)
	}
	if inc2 := env.incident("INC-2"); inc2.Check != "mongodb" {
		t.Fatalf("INC-2 is %s; want mongodb", inc2.Check)
	}
	if got := env.keys(); !contains(got, "INC-1/card") || !contains(got, "INC-2/card") || contains(got, "INC-3/card") {
		t.Fatalf("outbox keys %v; want the two cards, and no third incident", got)
	}
	if len(direct.sent()) != 2 {
		t.Fatalf("%d direct pages; want still 2 once the store is back", len(direct.sent()))
	}
}

// outageEnv is an env whose store is reached through a proxy that can cut
// it off, with the direct pages recorded.
func outageEnv(t *testing.T) (*env, *storagetest.Proxy, *directPages) {
	t.Helper()
	shared, uri := storagetest.Shared(t)
	proxy := storagetest.NewProxy(t, uri)
	store, err := storage.Open(t.Context(), storage.Options{
		URI:      proxy.URI("serverSelectionTimeoutMS=500", "connectTimeoutMS=500", "heartbeatFrequencyMS=500"),
		Database: shared.Database().Name(), Logger: storagetest.Logger(t), ConnectTimeout: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = store.Close(ctx)
	})
	env := newEnv(t)
	env.store = store
	direct := &directPages{}
	env.direct = direct
	return env, proxy, direct
}

// An escalation that comes due while the store is unreachable is paged
// on time, directly; once the store is back the escalation is committed
// and the card edited, and the page is not sent again.
func TestAnEscalationDueDuringAStoreOutageIsPagedOnceOnTime(t *testing.T) {
	t.Parallel()
	env, proxy, direct := outageEnv(t)
	eng := env.engine()
	env.run(eng)
	eng.Transition(t.Context(), env.fired("health"))
	env.settle()
	inc := env.incident("INC-1")
	if inc.Level != incident.L1 || inc.NextEscalationAt.IsZero() {
		t.Fatalf("INC-1 at %s, next escalation %v; want L1 with L2 ahead", inc.Level, inc.NextEscalationAt)
	}
	due := inc.NextEscalationAt.Sub(env.clock.Now())

	proxy.Cut()
	env.advance(due - time.Second)
	if got := direct.sent(); len(got) != 0 {
		t.Fatalf("paged before L2 was due: %q", got)
	}
	env.advance(time.Second)
	for range 5 { // the next rounds page nothing more
		env.advance(backlogRetryForTest)
	}
	got := direct.sent()
	if len(got) != 1 || !strings.Contains(got[0], "INC-1") || !strings.Contains(got[0], "@tech_lead") ||
		!strings.Contains(got[0], "cannot reach its database") {
		t.Fatalf("direct pages %q; want one L2 page of INC-1 mentioning @tech_lead", got)
	}

	proxy.Restore()
	for i := 0; env.incident("INC-1").Level != incident.L2; i++ {
		if i == 20 {
			t.Fatal("INC-1 not at L2 100 s (fake) after the store came back")
		}
		env.advance(5 * time.Second)
	}
	keys := env.keys()
	if contains(keys, "INC-1/page/L2") {
		t.Fatalf("outbox keys %v: the L2 page was queued again after being sent directly", keys)
	}
	if len(withPrefix(keys, "INC-1/card/")) == 0 {
		t.Fatalf("outbox keys %v: the card was not edited to L2", keys)
	}
	if len(direct.sent()) != 1 {
		t.Fatalf("%d direct pages; want still 1", len(direct.sent()))
	}
}

// backlogRetryForTest is a round of the timer loop during an outage.
const backlogRetryForTest = 2 * time.Second

func contains(keys []string, k string) bool {
	for _, have := range keys {
		if have == k {
			return true
		}
	}
	return false
}
