package scheduler

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

const leaderTTL = 15 * time.Second

var leaderT0 = time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)

// flakyLease is the real lease with a switch that makes every call fail,
// as an unreachable store does.
type flakyLease struct {
	*storage.Lease
	down atomic.Bool
}

var errStoreDown = errors.New("server selection error: connection refused")

func (f *flakyLease) Acquire(ctx context.Context, holder string, now time.Time) (int64, bool, error) {
	if f.down.Load() {
		return 0, false, errStoreDown
	}
	return f.Lease.Acquire(ctx, holder, now)
}

// replica is one Leader with its own view of the shared lease.
type replica struct {
	*Leader
	lease   *flakyLease
	elected atomic.Int32
}

func newReplica(t *testing.T, store *storage.Store, holder string, clock clockwork.Clock) *replica {
	t.Helper()
	r := &replica{lease: &flakyLease{Lease: store.Lease("leader", leaderTTL)}}
	l, err := NewLeader(LeaderOptions{
		Lease: r.lease, Holder: holder, TTL: leaderTTL, Clock: clock,
		OnElected: func(context.Context, int64) error { r.elected.Add(1); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Leader = l
	return r
}

// twoReplicas returns replicas a and b on one store and clock, by name.
func twoReplicas(t *testing.T) (*clockwork.FakeClock, *replica, *replica, map[string]*replica) {
	t.Helper()
	store := storagetest.Open(t)
	clock := clockwork.NewFakeClockAt(leaderT0)
	a, b := newReplica(t, store, "a", clock), newReplica(t, store, "b", clock)
	return clock, a, b, map[string]*replica{"a": a, "b": b}
}

// step runs one campaign round of r, as Run does every TTL/3.
func (r *replica) step(t *testing.T) error {
	t.Helper()
	return r.round(t.Context())
}

// stepAll runs one round of each replica, in order.
func stepAll(t *testing.T, rs ...*replica) {
	t.Helper()
	for _, r := range rs {
		if err := r.step(t); err != nil {
			t.Fatalf("%s's round: %v", r.opts.Holder, err)
		}
	}
}

func wantLeading(t *testing.T, when string, rs map[string]*replica, leader string) {
	t.Helper()
	for name, r := range rs {
		got := r.IsLeader(t.Context())
		if name == leader && got != nil {
			t.Fatalf("%s: %s is not leading: %v", when, name, got)
		}
		if name != leader && !errors.Is(got, ErrNotLeader) {
			t.Fatalf("%s: %s says it leads (IsLeader %v); want %s only", when, name, got, leader)
		}
	}
}

func TestLeaderOneAtATimeAndTakeoverAfterACrash(t *testing.T) {
	t.Parallel()
	clock, a, b, rs := twoReplicas(t)

	stepAll(t, a, b)
	wantLeading(t, "first round", rs, "a")
	if a.elected.Load() != 1 || b.elected.Load() != 0 {
		t.Fatalf("OnElected ran %d times on a and %d on b; want 1 and 0", a.elected.Load(), b.elected.Load())
	}
	select {
	case <-a.Elected():
	default:
		t.Fatal("a's Elected is not closed")
	}

	// a renews every TTL/3 for a minute; b keeps standing by.
	for range 12 {
		clock.Advance(leaderTTL / 3)
		stepAll(t, a, b)
		wantLeading(t, "renewing", rs, "a")
	}

	// a is killed: it stops renewing. b takes over once a's last term
	// has expired, not before.
	lastRenewal := clock.Now()
	for clock.Since(lastRenewal) < leaderTTL {
		clock.Advance(leaderTTL / 3)
		if err := b.step(t); err != nil {
			t.Fatal(err)
		}
		if clock.Since(lastRenewal) < leaderTTL && b.Leading() {
			t.Fatalf("b took over %s after a's last renewal; the term lasts %s", clock.Since(lastRenewal), leaderTTL)
		}
	}
	if !b.Leading() || b.elected.Load() != 1 {
		t.Fatalf("b leading %v, elected %d times, %s after a's last renewal; want a takeover", b.Leading(), b.elected.Load(), clock.Since(lastRenewal))
	}

	// a comes back from a stall: its next round finds b's term and it
	// stops leading at once.
	err := a.step(t)
	if !errors.Is(err, ErrLostLeadership) {
		t.Fatalf("a's round after the takeover = %v; want ErrLostLeadership", err)
	}
	wantLeading(t, "after the takeover", rs, "b")
}

func TestLeaderLeadsOnThroughAStoreOutage(t *testing.T) {
	t.Parallel()
	clock, a, b, rs := twoReplicas(t)
	stepAll(t, a, b)

	// The store is unreachable for everybody for 60 s: a leads on (the
	// checks and pages go on), and b cannot take over.
	a.lease.down.Store(true)
	b.lease.down.Store(true)
	for range 12 {
		clock.Advance(5 * time.Second)
		stepAll(t, a, b)
		wantLeading(t, "during the outage", rs, "a")
	}
	if leading, _, outage := a.Status(); !leading || !outage {
		t.Fatalf("a's status during the outage: leading %v, outage %v; want both", leading, outage)
	}

	// The store is back: whoever reaches it first wins the next term. The
	// leader renews its own expired term (b loses the race here).
	a.lease.down.Store(false)
	b.lease.down.Store(false)
	stepAll(t, a, b)
	wantLeading(t, "after the outage", rs, "a")
	if _, _, outage := a.Status(); outage {
		t.Fatal("a still reports an outage after a renewal")
	}
}

func TestLeaderStandbyWinsTheRaceAfterAnOutage(t *testing.T) {
	t.Parallel()
	store := storagetest.Open(t)
	clock := clockwork.NewFakeClockAt(leaderT0)
	a, b := newReplica(t, store, "a", clock), newReplica(t, store, "b", clock)
	if err := a.step(t); err != nil {
		t.Fatal(err)
	}
	// Only a is cut off from the store, for longer than a term: b takes
	// over, and a stops at its first renewal that reaches the store.
	a.lease.down.Store(true)
	clock.Advance(leaderTTL)
	if err := a.step(t); err != nil {
		t.Fatal(err)
	}
	if err := b.step(t); err != nil || !b.Leading() {
		t.Fatalf("b after a's term expired: leading %v, err %v", b.Leading(), err)
	}
	a.lease.down.Store(false)
	if err := a.step(t); !errors.Is(err, ErrLostLeadership) || a.Leading() {
		t.Fatalf("a back on the store: leading %v, err %v; want ErrLostLeadership", a.Leading(), err)
	}
}

func TestLeaderGivesTheTermBackWhenItsDutiesFailToStart(t *testing.T) {
	t.Parallel()
	store := storagetest.Open(t)
	clock := clockwork.NewFakeClockAt(leaderT0)
	fail := true
	l, err := NewLeader(LeaderOptions{
		Lease: store.Lease("leader", leaderTTL), Holder: "a", TTL: leaderTTL, Clock: clock,
		OnElected: func(context.Context, int64) error {
			if fail {
				return errors.New("loading the rules' states: store gone")
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := newReplica(t, store, "b", clock)
	if err := l.round(t.Context()); err != nil || l.Leading() {
		t.Fatalf("a whose duties failed: leading %v, err %v", l.Leading(), err)
	}
	// The term was given back: b need not wait for it to expire.
	if err := b.step(t); err != nil || !b.Leading() {
		t.Fatalf("b right after a gave the term back: leading %v, err %v", b.Leading(), err)
	}
}

func TestLeaderReleasedOnStopSoAStandbyTakesOverAtOnce(t *testing.T) {
	t.Parallel()
	store := storagetest.Open(t)
	clock := clockwork.NewFakeClockAt(leaderT0)
	a, b := newReplica(t, store, "a", clock), newReplica(t, store, "b", clock)

	ctxA, stopA := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Go(func() { errs <- a.Run(ctxA) })
	<-a.Elected()
	wg.Go(func() { errs <- b.Run(t.Context()) })
	if err := clock.BlockUntilContext(t.Context(), 2); err != nil { // both wait for their next round
		t.Fatal(err)
	}
	if b.Leading() {
		t.Fatal("b leads while a does")
	}

	stopA()
	if err := <-errs; err != nil {
		t.Fatalf("a's Run = %v; want nil on stop", err)
	}
	a.Release()
	released := clock.Now()
	clock.Advance(leaderTTL / 3) // b's next round
	select {
	case <-b.Elected():
	case <-t.Context().Done():
		t.Fatal("test ended before b was elected")
	}
	if d := clock.Since(released); d > leaderTTL/3 {
		t.Fatalf("b took over %s after a released; want within one round (%s)", d, leaderTTL/3)
	}
	t.Cleanup(func() {
		// b's Run ends with the test's context.
		wg.Wait()
	})
}
