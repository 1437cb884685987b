package app

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// failingWriter fails every check named in down, and writes the others
// to the real history.
type failingWriter struct {
	historyWriter
	down  map[string]bool
	calls []string
}

func (f *failingWriter) RecordResults(ctx context.Context, rs []checks.Result) error {
	f.calls = append(f.calls, rs[0].Check)
	if f.down[rs[0].Check] {
		return errors.New("server selection error")
	}
	return f.historyWriter.RecordResults(ctx, rs)
}

// The buffer writes one batch per check, keeps what the store could not
// take for the next flush, and loses and repeats nothing.
func TestHistoryBufferWritesPerCheckAndKeepsWhatFailed(t *testing.T) {
	ctx := context.Background()
	h := storagetest.Open(t).History()
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	var buf historyBuffer
	for i := range 9 {
		check := []string{"api", "db", "queue"}[i%3]
		_ = buf.RecordResult(ctx, checks.Result{Check: check, Status: checks.StatusOK, ObservedAt: t0.Add(time.Duration(i) * time.Second)})
	}
	w := &failingWriter{historyWriter: h, down: map[string]bool{"db": true}}
	buf.flush(ctx, w, slog.New(slog.DiscardHandler))
	if got := w.calls; len(got) != 2 || got[0] != "api" || got[1] != "db" {
		t.Fatalf("writes %v; want api, then db failing (and queue left for later)", got)
	}
	_ = buf.RecordResult(ctx, checks.Result{Check: "api", Status: checks.StatusCrit, ObservedAt: t0.Add(time.Minute)})
	delete(w.down, "db")
	w.calls = nil
	buf.flush(ctx, w, slog.New(slog.DiscardHandler))
	if got := w.calls; len(got) != 3 || got[0] != "db" || got[1] != "queue" || got[2] != "api" {
		t.Fatalf("second flush wrote %v; want db, queue, then the new api result", got)
	}
	for check, want := range map[string]int64{"api": 4, "db": 3, "queue": 3} {
		hours, err := h.Hours(ctx, check, t0, t0.Add(time.Hour))
		if err != nil || len(hours) != 1 || hours[0].N != want {
			t.Fatalf("%s: %+v, %v; want %d results in the 09:00 bucket", check, hours, err, want)
		}
	}
}
