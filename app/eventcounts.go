package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/checks/events"
	"github.com/opsbot/opsbot/storage"
)

// eventTee records the monitored service's events in the events check's
// memory and counts them per class and hour for the digests. The counts
// are added up in memory and written every flushEvery (a body of 1,000
// events is then a few writes, not 3,000); a crash loses at most that
// much of the counts, which only feed the digests. A counting failure is
// logged, never returned: an error would make the webhook answer 500 and
// the service resend the whole body, counting it twice.
type eventTee struct {
	mem *events.Memory

	mu      sync.Mutex
	pending map[countKey]int64
}

type countKey struct {
	class string
	hour  time.Time
}

// flushEvery is how often the event counts are written.
const flushEvery = 30 * time.Second

func newEventTee(mem *events.Memory) *eventTee {
	return &eventTee{mem: mem, pending: make(map[countKey]int64)}
}

// Record implements events.EventSink.
func (t *eventTee) Record(ctx context.Context, e events.Event) error {
	if err := t.mem.Record(ctx, e); err != nil {
		return err
	}
	at := e.Timestamp
	if at.IsZero() || at.After(e.ReceivedAt.Add(5*time.Minute)) {
		at = e.ReceivedAt
	}
	hour := at.UTC().Truncate(time.Hour)
	t.mu.Lock()
	for _, class := range storage.EventClasses(e) {
		t.pending[countKey{class, hour}]++
	}
	t.mu.Unlock()
	return nil
}

// flush writes the counts added up so far; what cannot be written is kept
// for the next flush.
func (t *eventTee) flush(ctx context.Context, counts *storage.EventCounts, log *slog.Logger) {
	t.mu.Lock()
	batch := t.pending
	t.pending = make(map[countKey]int64)
	t.mu.Unlock()
	for k, n := range batch {
		if err := counts.Add(ctx, k.class, k.hour, n); err != nil {
			log.Warn("cannot write event counts; keeping them for the next try", "class", k.class, "err", err)
			t.mu.Lock()
			t.pending[k] += n
			t.mu.Unlock()
		}
	}
}

// flushLoop flushes every flushEvery until ctx ends, and once more then.
func (t *eventTee) flushLoop(ctx context.Context, clock clockwork.Clock, counts *storage.EventCounts, log *slog.Logger) {
	tick := clock.NewTicker(flushEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			t.flush(final, counts, log)
			cancel()
			return
		case <-tick.Chan():
			t.flush(ctx, counts, log)
		}
	}
}
