package app

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

type pruneFunc func(ctx context.Context, before time.Time) (int64, error)

func (f pruneFunc) Prune(ctx context.Context, before time.Time) (int64, error) { return f(ctx, before) }

func TestPruneLoopDeletesOldEntriesAtStartAndEverySixHours(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(t0)
	calls := make(chan time.Time)
	p := pruneFunc(func(_ context.Context, before time.Time) (int64, error) {
		calls <- before
		return 3, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		pruneLoop(ctx, clock, 90*24*time.Hour, p, slog.New(slog.DiscardHandler))
	}()

	if got := <-calls; !got.Equal(t0.Add(-90 * 24 * time.Hour)) {
		t.Fatalf("first prune before %v", got)
	}
	if err := clock.BlockUntilContext(ctx, 1); err != nil { // the ticker is waiting
		t.Fatal(err)
	}
	clock.Advance(6 * time.Hour)
	if got := <-calls; !got.Equal(t0.Add(6*time.Hour - 90*24*time.Hour)) {
		t.Fatalf("second prune before %v", got)
	}
	cancel()
	<-done
}
