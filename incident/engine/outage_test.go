package engine_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

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

func contains(keys []string, k string) bool {
	for _, have := range keys {
		if have == k {
			return true
		}
	}
	return false
}
