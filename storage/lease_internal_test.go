package storage

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestLeaseStaleInsertOfPrunedTerm plays a caller that read term 1 as the
// latest and stalled while terms 2 and 3 were won and term 2 was pruned:
// its insert of term 2 then succeeds, but it must not count as won.
func TestLeaseStaleInsertOfPrunedTerm(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Close(ctx)
	})
	ctx := t.Context()
	t0 := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	l := s.Lease("leader", time.Minute)
	for i := range 3 {
		if _, ok, err := l.Acquire(ctx, "a", t0.Add(time.Duration(i)*time.Second)); err != nil || !ok {
			t.Fatalf("Acquire %d = %v, %v", i, ok, err)
		}
	}
	if n, err := l.Prune(ctx, 0); err != nil || n != 2 {
		t.Fatalf("Prune(0) = %d, %v; want 2", n, err)
	}
	won, err := l.insert(ctx, 2, "stale", t0.Add(time.Hour))
	if err != nil || won {
		t.Fatalf("stale insert of pruned term 2 = %v, %v; want false", won, err)
	}
	if _, err := s.db.Collection(LeasesCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: "leader"}}); err != nil {
		t.Fatal(err)
	}
	h, term, _, err := l.Holder(ctx, t0.Add(3*time.Second))
	if err != nil || h != "a" || term != 3 {
		t.Fatalf("Holder = %q, %d, %v; want a, 3", h, term, err)
	}
}
