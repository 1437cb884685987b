package storage_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

var leaseT0 = time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)

const leaseTTL = 30 * time.Second

func acquire(t *testing.T, l *storage.Lease, holder string, now time.Time, wantTerm int64, wantOK bool) {
	t.Helper()
	term, ok, err := l.Acquire(t.Context(), holder, now)
	if err != nil || term != wantTerm || ok != wantOK {
		t.Fatalf("Acquire(%s, +%s) = %d, %v, %v; want %d, %v", holder, now.Sub(leaseT0), term, ok, err, wantTerm, wantOK)
	}
}

func holder(t *testing.T, l *storage.Lease, now time.Time, wantHolder string, wantTerm int64, wantExpires time.Time) {
	t.Helper()
	h, term, exp, err := l.Holder(t.Context(), now)
	if err != nil || h != wantHolder || term != wantTerm || !exp.Equal(wantExpires) {
		t.Fatalf("Holder(+%s) = %q, %d, %v, %v; want %q, %d, %v", now.Sub(leaseT0), h, term, exp, err, wantHolder, wantTerm, wantExpires)
	}
}

func TestLeaseAcquireRenewExpire(t *testing.T) {
	t.Parallel()
	l := storagetest.Open(t).Lease("leader", leaseTTL)

	holder(t, l, leaseT0, "", 0, time.Time{})
	acquire(t, l, "a", leaseT0, 1, true)
	holder(t, l, leaseT0, "a", 1, leaseT0.Add(leaseTTL))

	// Renewal before expiry is a new term.
	acquire(t, l, "a", leaseT0.Add(10*time.Second), 2, true)
	holder(t, l, leaseT0.Add(10*time.Second), "a", 2, leaseT0.Add(40*time.Second))

	// Another holder is refused until the latest term expires (at 40s)...
	acquire(t, l, "b", leaseT0.Add(39*time.Second), 2, false)
	holder(t, l, leaseT0.Add(40*time.Second), "", 2, leaseT0.Add(40*time.Second))
	// ...and wins then.
	acquire(t, l, "b", leaseT0.Add(40*time.Second), 3, true)
	holder(t, l, leaseT0.Add(41*time.Second), "b", 3, leaseT0.Add(70*time.Second))
	acquire(t, l, "a", leaseT0.Add(41*time.Second), 3, false)

	// A late holder whose term expired just takes the next term when free.
	acquire(t, l, "a", leaseT0.Add(70*time.Second), 4, true)
}

func TestLeaseInvalid(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	ctx := t.Context()
	for _, name := range []string{"", "a|b"} {
		if _, _, err := s.Lease(name, leaseTTL).Acquire(ctx, "a", leaseT0); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("Acquire on lease %q error = %v, want ErrInvalid", name, err)
		}
	}
	if _, _, err := s.Lease("leader", leaseTTL).Acquire(ctx, "", leaseT0); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("Acquire by empty holder error = %v, want ErrInvalid", err)
	}
	if _, _, err := s.Lease("leader", 0).Acquire(ctx, "a", leaseT0); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("Acquire with zero ttl error = %v, want ErrInvalid", err)
	}
	l := s.Lease("leader", leaseTTL)
	acquire(t, l, "a", leaseT0, 1, true)
	if err := l.Release(ctx, "b", 1, leaseT0); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("Release of a's term by b error = %v, want ErrInvalid", err)
	}
	holder(t, l, leaseT0, "a", 1, leaseT0.Add(leaseTTL))
}

func TestLeaseRelease(t *testing.T) {
	t.Parallel()
	l := storagetest.Open(t).Lease("leader", leaseTTL)
	ctx := t.Context()
	acquire(t, l, "a", leaseT0, 1, true)
	acquire(t, l, "a", leaseT0.Add(10*time.Second), 2, true)

	// Releasing an old term does nothing.
	if err := l.Release(ctx, "a", 1, leaseT0.Add(11*time.Second)); err != nil {
		t.Fatal(err)
	}
	holder(t, l, leaseT0.Add(11*time.Second), "a", 2, leaseT0.Add(40*time.Second))

	// Releasing the latest hands over at once, long before term 2 expires.
	now := leaseT0.Add(12 * time.Second)
	if err := l.Release(ctx, "a", 2, now); err != nil {
		t.Fatal(err)
	}
	holder(t, l, now, "", 3, now)
	acquire(t, l, "b", now, 4, true)

	// A second release of the same term does nothing either.
	if err := l.Release(ctx, "a", 2, now); err != nil {
		t.Fatal(err)
	}
	holder(t, l, now, "b", 4, now.Add(leaseTTL))
}

// TestLeaseConcurrentAcquire races 8 holders on two clients for the next
// term after an expired one: exactly one wins.
func TestLeaseConcurrentAcquire(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	acquire(t, a.Lease("leader", leaseTTL), "old", leaseT0, 1, true)
	now := leaseT0.Add(leaseTTL) // term 1 just expired

	const workers = 8
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []string
	)
	for w := range workers {
		s := a
		if w%2 == 1 {
			s = b
		}
		l := s.Lease("leader", leaseTTL)
		name := fmt.Sprintf("replica-%d", w)
		wg.Go(func() {
			term, ok, err := l.Acquire(t.Context(), name, now)
			if err != nil {
				t.Errorf("Acquire(%s): %v", name, err)
				return
			}
			if ok {
				if term != 2 {
					t.Errorf("Acquire(%s) won term %d, want 2", name, term)
				}
				mu.Lock()
				winners = append(winners, name)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("winners = %v, want exactly one", winners)
	}
	holder(t, b.Lease("leader", leaseTTL), now, winners[0], 2, now.Add(leaseTTL))
}

func TestLeasePrune(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	ctx := t.Context()
	l := s.Lease("leader", leaseTTL)
	other := s.Lease("other", leaseTTL)
	acquire(t, other, "x", leaseT0, 1, true)
	for i := range 10 {
		acquire(t, l, "a", leaseT0.Add(time.Duration(i)*time.Second), int64(i+1), true)
	}
	if n, err := l.Prune(ctx, 2); err != nil || n != 7 {
		t.Fatalf("Prune(2) = %d, %v; want 7 (terms 1-7)", n, err)
	}
	coll := s.Database().Collection(storage.LeasesCollection)
	var terms []struct {
		Term int64 `bson:"term"`
	}
	cur, err := coll.Find(ctx, bson.D{{Key: "name", Value: "leader"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cur.All(ctx, &terms); err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for _, d := range terms {
		got[d.Term] = true
	}
	if len(got) != 3 || !got[8] || !got[9] || !got[10] {
		t.Fatalf("terms left = %v, want 8, 9, 10", terms)
	}
	if n, err := l.Prune(ctx, 2); err != nil || n != 0 {
		t.Fatalf("second Prune(2) = %d, %v; want 0", n, err)
	}
	holder(t, other, leaseT0, "x", 1, leaseT0.Add(leaseTTL))

	// Pruning down to the latest term alone, and losing the hint too: the
	// next term still follows the latest one.
	if n, err := l.Prune(ctx, 0); err != nil || n != 2 {
		t.Fatalf("Prune(0) = %d, %v; want 2", n, err)
	}
	if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: "leader"}}); err != nil {
		t.Fatal(err)
	}
	holder(t, l, leaseT0.Add(10*time.Second), "a", 10, leaseT0.Add(39*time.Second))
	acquire(t, l, "b", leaseT0.Add(38*time.Second), 10, false)
	acquire(t, l, "b", leaseT0.Add(39*time.Second), 11, true)
}

// TestLeaseLostHint shows the hint is only a hint: deleted, or left behind,
// the latest term is still found.
func TestLeaseLostHint(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	ctx := t.Context()
	l := s.Lease("leader", leaseTTL)
	for i := range 3 {
		acquire(t, l, "a", leaseT0.Add(time.Duration(i)*time.Second), int64(i+1), true)
	}
	coll := s.Database().Collection(storage.LeasesCollection)
	if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: "leader"}}); err != nil {
		t.Fatal(err)
	}
	holder(t, l, leaseT0.Add(2*time.Second), "a", 3, leaseT0.Add(32*time.Second))
	acquire(t, l, "b", leaseT0.Add(3*time.Second), 3, false)

	// A stale hint (set back to 1) costs probes only.
	if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "leader"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "last", Value: 1}}}}); err != nil {
		t.Fatal(err)
	}
	acquire(t, l, "a", leaseT0.Add(4*time.Second), 4, true)
}
