package storage_test

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

func TestCountersStartAtOneAndAreSeparate(t *testing.T) {
	t.Parallel()
	c := storagetest.Open(t).Counters()
	ctx := t.Context()
	for want := int64(1); want <= 3; want++ {
		got, err := c.Next(ctx, "incident")
		if err != nil || got != want {
			t.Fatalf("Next(incident) = %d, %v; want %d", got, err, want)
		}
	}
	if got, err := c.Next(ctx, "other"); err != nil || got != 1 {
		t.Fatalf("Next(other) = %d, %v; want 1", got, err)
	}
	for _, bad := range []string{"", "a|b"} {
		if _, err := c.Next(ctx, bad); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("Next(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
}

// TestCountersConcurrentClients allocates from two clients at once: every
// number must be handed out once, and none skipped (no insert fails here).
func TestCountersConcurrentClients(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	const workers, each = 6, 15
	var (
		mu   sync.Mutex
		got  []int64
		wg   sync.WaitGroup
		errs = make(chan error, workers*each)
	)
	for w := range workers {
		c := a.Counters()
		if w%2 == 1 {
			c = b.Counters()
		}
		wg.Go(func() {
			for range each {
				n, err := c.Next(t.Context(), "incident")
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	slices.Sort(got)
	for i, n := range got {
		if n != int64(i+1) {
			t.Fatalf("numbers have a duplicate or gap at %d: %v", i, got)
		}
	}
	if len(got) != workers*each {
		t.Fatalf("got %d numbers, want %d", len(got), workers*each)
	}
}

// TestCountersLostHint shows the hint is only a hint: with it deleted, the
// next number still follows the taken ones.
func TestCountersLostHint(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	ctx := t.Context()
	for range 3 {
		if _, err := s.Counters().Next(ctx, "incident"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Database().Collection(storage.CountersCollection).DeleteMany(ctx, map[string]any{"_id": "incident"}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Counters().Next(ctx, "incident"); err != nil || got != 4 {
		t.Fatalf("Next after losing the hint = %d, %v; want 4", got, err)
	}
}
