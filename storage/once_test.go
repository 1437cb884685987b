package storage_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

var onceT0 = time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)

// indexNames returns the names of the indexes of collection coll, sorted.
func indexNames(t *testing.T, s *storage.Store, coll string) []string {
	t.Helper()
	specs, err := s.Database().Collection(coll).Indexes().ListSpecifications(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, spec := range specs {
		names = append(names, spec.Name)
	}
	slices.Sort(names)
	return names
}

func TestOnceClaimAndPrune(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	o := s.Once()
	ctx := t.Context()
	claim := func(key string, at time.Time, want bool) {
		t.Helper()
		if first, err := o.Claim(ctx, key, at); err != nil || first != want {
			t.Fatalf("Claim(%s) = %v, %v; want %v", key, first, err, want)
		}
	}
	claim("action|INC-1", onceT0, true)
	claim("action|INC-1", onceT0.Add(time.Minute), false)
	claim("action|INC-2", onceT0.Add(time.Hour), true)
	if _, err := o.Claim(ctx, "", onceT0); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("Claim of an empty key error = %v, want ErrInvalid", err)
	}

	// Only claims made before the cut-off go; then their keys are free again.
	if n, err := o.Prune(ctx, onceT0.Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1", n, err)
	}
	claim("action|INC-2", onceT0, false)
	claim("action|INC-1", onceT0.Add(2*time.Hour), true)
	if n, err := o.Prune(ctx, onceT0.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("Prune at the claim's time = %d, %v; want 0 (strictly before)", n, err)
	}
	if got, want := indexNames(t, s, storage.OnceCollection), []string{"_id_", "at_1"}; !slices.Equal(got, want) {
		t.Errorf("once indexes = %v, want %v", got, want)
	}
}

// TestOnceConcurrentClaims claims keys from two clients at once: each key
// has exactly one winner.
func TestOnceConcurrentClaims(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	const keys, workers = 5, 8
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins = map[string]int{}
	)
	for w := range workers {
		o := a.Once()
		if w%2 == 1 {
			o = b.Once()
		}
		wg.Go(func() {
			for k := range keys {
				key := fmt.Sprintf("action|INC-%d", k)
				first, err := o.Claim(t.Context(), key, onceT0)
				if err != nil {
					t.Errorf("Claim(%s): %v", key, err)
					return
				}
				if first {
					mu.Lock()
					wins[key]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for k := range keys {
		if key := fmt.Sprintf("action|INC-%d", k); wins[key] != 1 {
			t.Errorf("%s won %d times, want once (all: %v)", key, wins[key], wins)
		}
	}
}
