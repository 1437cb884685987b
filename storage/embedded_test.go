package storage_test

import (
	"context"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/opsbot/opsbot/storage"
)

// recorder is a slog.Handler that keeps every record with its attributes.
type recorder struct {
	level slog.Level
	attrs []slog.Attr
	mu    *sync.Mutex
	recs  *[]map[string]string
}

func newRecorder(level slog.Level) *recorder {
	return &recorder{level: level, mu: new(sync.Mutex), recs: new([]map[string]string)}
}

func (r *recorder) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }

func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	m := map[string]string{"level": rec.Level.String(), "msg": rec.Message}
	for _, a := range r.attrs {
		m[a.Key] = a.Value.String()
	}
	rec.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.recs = append(*r.recs, m)
	return nil
}

func (r *recorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *r
	c.attrs = append(append([]slog.Attr(nil), r.attrs...), attrs...)
	return &c
}

func (r *recorder) WithGroup(string) slog.Handler { return r }

func (r *recorder) records() []map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]string(nil), *r.recs...)
}

// useStore opens, writes, reads and closes a store, which makes FerretDB log
// connections, its endSessions warning and its shutdown.
func useStore(t *testing.T, logger *slog.Logger) {
	t.Helper()
	s, err := storage.Open(t.Context(), storage.Options{DataDir: t.TempDir(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Audit().Record(t.Context(), storage.AuditEntry{Kind: storage.AuditKindMessage, Action: "hi", Outcome: storage.AuditOutcomeIgnored}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestFerretDBLogsOnlyErrorsByDefault(t *testing.T) {
	t.Parallel()
	rec := newRecorder(slog.LevelInfo)
	useStore(t, slog.New(rec))
	for _, r := range rec.records() {
		if r["component"] == "ferretdb" && r["level"] != "ERROR" {
			t.Errorf("FerretDB record below Error reached an Info logger: %v", r)
		}
	}
}

func TestFerretDBLogsAtDebug(t *testing.T) {
	t.Parallel()
	rec := newRecorder(slog.LevelDebug)
	useStore(t, slog.New(rec))
	var n int
	for _, r := range rec.records() {
		if r["component"] == "ferretdb" {
			n++
		}
	}
	if n == 0 {
		t.Error("a Debug logger got no FerretDB records with component=ferretdb")
	}
}

// TestCloseLeavesNoGoroutines is not parallel: parallel tests wait until
// the sequential ones are done, so no other store runs meanwhile.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	useStore(t, nil)
	// A goroutine that has been told to stop may not have returned yet
	// (FerretDB's per-connection context watcher): yield before judging.
	var leaked []string
	for range 100 {
		if leaked = driverGoroutines(); len(leaked) == 0 {
			return
		}
		runtime.Gosched()
	}
	for _, g := range leaked {
		t.Errorf("goroutine left after Close:\n%s", g)
	}
}

// driverGoroutines returns the stacks of running FerretDB or driver code.
func driverGoroutines() []string {
	buf := make([]byte, 1<<20)
	var found []string
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "github.com/FerretDB/") || strings.Contains(g, "go.mongodb.org/mongo-driver") {
			found = append(found, g)
		}
	}
	return found
}
