package storage_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

var t0 = time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)

func entry(at time.Time, userID int64, action string) storage.AuditEntry {
	return storage.AuditEntry{
		At: at, ChatID: -1001, UserID: userID, Kind: storage.AuditKindCommand,
		Action: action, Outcome: storage.AuditOutcomeOK,
	}
}

func actions(entries []storage.AuditEntry) string {
	var s []string
	for _, e := range entries {
		s = append(s, e.Action)
	}
	return strings.Join(s, ",")
}

func TestAuditWorkflow(t *testing.T) {
	t.Parallel()
	audit := storagetest.Open(t).Audit()
	ctx := t.Context()

	// Recorded out of order: newest first is by At, to the millisecond.
	for _, e := range []storage.AuditEntry{
		entry(t0.Add(2*time.Minute), 1, "ack"),
		entry(t0, 1, "status"),
		entry(t0.Add(time.Minute), 2, "incidents"),
		entry(t0.Add(2*time.Minute+time.Millisecond), 2, "resolve"),
		entry(t0.Add(3*time.Hour), 1, "help"),
	} {
		if err := audit.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}

	steps := []struct {
		name string
		run  func() ([]storage.AuditEntry, error)
		want string
	}{
		{"recent", func() ([]storage.AuditEntry, error) { return audit.Recent(ctx, 10) }, "help,resolve,ack,incidents,status"},
		{"recent limited", func() ([]storage.AuditEntry, error) { return audit.Recent(ctx, 2) }, "help,resolve"},
		{"by user 1", func() ([]storage.AuditEntry, error) { return audit.ByUser(ctx, 1, 10) }, "help,ack,status"},
		{"by user 2 limited", func() ([]storage.AuditEntry, error) { return audit.ByUser(ctx, 2, 1) }, "resolve"},
		{"by unknown user", func() ([]storage.AuditEntry, error) { return audit.ByUser(ctx, 99, 10) }, ""},
		{"prune before t0+1h", func() ([]storage.AuditEntry, error) {
			n, err := audit.Prune(ctx, t0.Add(time.Hour))
			if err == nil && n != 4 {
				t.Errorf("Prune deleted %d, want 4", n)
			}
			return audit.Recent(ctx, 0)
		}, "help"},
		{"prune again", func() ([]storage.AuditEntry, error) {
			n, err := audit.Prune(ctx, t0.Add(time.Hour))
			if err == nil && n != 0 {
				t.Errorf("second Prune deleted %d, want 0", n)
			}
			return audit.Recent(ctx, 0)
		}, "help"},
	}
	for _, step := range steps {
		got, err := step.run()
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if a := actions(got); a != step.want {
			t.Errorf("%s: got %q, want %q", step.name, a, step.want)
		}
	}
}

func TestAuditRoundTrip(t *testing.T) {
	t.Parallel()
	audit := storagetest.Open(t).Audit()
	want := storage.AuditEntry{
		At:       time.Date(2026, 1, 2, 3, 4, 5, 678_901_234, time.FixedZone("CET", 3600)),
		ChatID:   -100123,
		ThreadID: 42,
		UserID:   7,
		Username: "alice",
		Kind:     storage.AuditKindCallback,
		Action:   "ack:inc-1",
		Args:     "x",
		Outcome:  storage.AuditOutcomeDenied,
		Detail:   "viewer",
		Duration: 1500 * time.Microsecond,
	}
	if err := audit.Record(t.Context(), want); err != nil {
		t.Fatal(err)
	}
	got, err := audit.Recent(t.Context(), 1)
	if err != nil || len(got) != 1 {
		t.Fatalf("Recent = %v, %v", got, err)
	}
	// Stored in UTC at millisecond precision, as BSON keeps time.
	want.At = want.At.UTC().Truncate(time.Millisecond)
	want.ID = got[0].ID
	if got[0] != want {
		t.Errorf("round trip:\n got %+v\nwant %+v", got[0], want)
	}
}

func TestAuditRecordDefaults(t *testing.T) {
	t.Parallel()
	now := t0.Add(123 * time.Millisecond)
	audit := storagetest.OpenWith(t, storage.Options{Now: func() time.Time { return now }}).Audit()
	long := strings.Repeat("é", 1000) // 2000 bytes
	e := entry(time.Time{}, 1, "status")
	e.Args, e.Detail = long, long
	if err := audit.Record(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	got, err := audit.Recent(t.Context(), 1)
	if err != nil || len(got) != 1 {
		t.Fatalf("Recent = %v, %v", got, err)
	}
	if !got[0].At.Equal(now) {
		t.Errorf("At = %v, want the store clock's %v", got[0].At, now)
	}
	for name, s := range map[string]string{"Args": got[0].Args, "Detail": got[0].Detail} {
		if len(s) > 1024 || len(s) < 1000 || !strings.HasPrefix(long, s) {
			t.Errorf("%s: %d bytes, want %q cut at a rune boundary to at most 1024", name, len(s), long[:8])
		}
	}
}

func TestAuditRecordRejectsUnknownValues(t *testing.T) {
	t.Parallel()
	audit := storagetest.Open(t).Audit()
	bad := entry(t0, 1, "status")
	bad.Kind = "inline"
	if err := audit.Record(t.Context(), bad); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("unknown kind: err = %v, want ErrInvalid", err)
	}
	bad = entry(t0, 1, "status")
	bad.Outcome = ""
	if err := audit.Record(t.Context(), bad); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("empty outcome: err = %v, want ErrInvalid", err)
	}
}

func BenchmarkAuditRecord(b *testing.B) {
	audit := storagetest.Open(b).Audit()
	ctx := b.Context()
	e := entry(time.Time{}, 1, "status")
	e.Args, e.Detail, e.Duration = "web-1", "all checks ok", 3*time.Millisecond
	for b.Loop() {
		if err := audit.Record(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuditRecent(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			audit := storagetest.Open(b).Audit()
			ctx := b.Context()
			for i := range n {
				if err := audit.Record(ctx, entry(t0.Add(time.Duration(i)*time.Second), int64(i%10), "status")); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if _, err := audit.Recent(ctx, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpenEmbedded reports open-ns/op, from Open to a store that has
// answered a ping and has its indexes, on a new data directory.
func BenchmarkOpenEmbedded(b *testing.B) {
	var open time.Duration
	for b.Loop() {
		start := time.Now()
		s, err := storage.Open(b.Context(), storage.Options{DataDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		open += time.Since(start)
		if err := s.Close(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(open.Nanoseconds())/float64(b.N), "open-ns/op")
}
