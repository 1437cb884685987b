package events

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestMemoryIsBoundedPerType(t *testing.T) {
	m := NewMemory(3)
	ctx := context.Background()
	at := func(i int) time.Time { return testNow.Add(time.Duration(i) * time.Second) }
	for i := range 10 {
		m.Record(ctx, Event{Type: TypeUserMessage, ReceivedAt: at(i)})
		m.Record(ctx, Event{Type: Type(fmt.Sprintf("custom_%d", i)), ReceivedAt: at(i)})
	}
	m.Record(ctx, Event{Type: TypeSystemAlert, ReceivedAt: at(0), Alert: &Alert{Level: LevelCritical}})

	evs := m.Since(time.Time{})
	if len(evs) != 3+3+1 {
		t.Fatalf("kept %d events, want 7", len(evs))
	}
	// Oldest first; the alert was received at 0 and recorded last.
	if evs[0].Type != TypeSystemAlert {
		t.Errorf("first %s", evs[0].Type)
	}
	if got := evs[len(evs)-1]; got.Type != "custom_9" {
		t.Errorf("last %s", got.Type)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].ReceivedAt.Before(evs[i-1].ReceivedAt) {
			t.Fatalf("not in order at %d", i)
		}
	}
	if got := m.Since(at(8)); len(got) != 2 {
		t.Errorf("Since(8s) = %d events, want 2 (received after, not at)", len(got))
	}
}

func TestMemoryConcurrent(t *testing.T) {
	m := NewMemory(100)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				m.Record(context.Background(), Event{Type: TypeUserMessage, ReceivedAt: testNow.Add(time.Duration(w*1000+i) * time.Millisecond)})
				if i%50 == 0 {
					m.Since(testNow)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(m.Since(time.Time{})); n != 100 {
		t.Errorf("kept %d, want 100", n)
	}
}
