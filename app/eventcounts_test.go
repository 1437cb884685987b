package app

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/events"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// Events are counted per class and hour in memory and written in one
// flush; what the digests read back is what came in.
func TestEventTeeCountsEventsForTheDigests(t *testing.T) {
	store := storagetest.Open(t)
	mem := events.NewMemory(100)
	tee := newEventTee(mem)
	at := time.Date(2026, 11, 27, 9, 10, 0, 0, time.UTC)
	security := events.Event{Type: events.TypeSecurityViolation, Timestamp: at, ReceivedAt: at,
		Fields: map[string]json.RawMessage{"violation_type": json.RawMessage(`"rate_limit_exceeded"`)}}
	message := events.Event{Type: events.TypeUserMessage, Timestamp: at, ReceivedAt: at}
	for range 3 {
		if err := tee.Record(t.Context(), security); err != nil {
			t.Fatal(err)
		}
	}
	if err := tee.Record(t.Context(), message); err != nil {
		t.Fatal(err)
	}
	counts := store.EventCounts()
	tee.flush(t.Context(), counts, storagetest.Logger(t))
	for class, want := range map[string]int64{storage.EventClassAll: 4, storage.EventClassSecurity: 3, storage.EventClassRateLimit: 3} {
		got, err := counts.Sum(t.Context(), class, at.Truncate(time.Hour), at.Add(time.Hour))
		if err != nil || got != want {
			t.Errorf("%s = %d, %v; want %d", class, got, err, want)
		}
	}
	if n := len(mem.Since(time.Time{})); n != 4 {
		t.Errorf("the events check's memory holds %d events, want 4", n)
	}
}
