package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

// Lease is a leader lease with fencing terms; storage.Lease implements it.
type Lease interface {
	Acquire(ctx context.Context, holder string, now time.Time) (term int64, ok bool, err error)
	Release(ctx context.Context, holder string, term int64, now time.Time) error
	Prune(ctx context.Context, keep int64) (int64, error)
}

// ErrNotLeader is IsLeader's answer on a replica that does not hold the
// lease.
var ErrNotLeader = errors.New("not the leader")

// ErrLostLeadership is Leader.Run's answer when another replica took the
// lease over: the process must stop acting as leader at once, and the
// simplest way that cannot go wrong is to exit and come back as a standby.
var ErrLostLeadership = errors.New("lost the leader lease to another replica")

// LeaderOptions configure a Leader.
type LeaderOptions struct {
	Lease Lease
	// Holder names this replica in the lease (host, pid and a random
	// part, say); it must differ between replicas.
	Holder string
	// TTL is how long a term lasts (default 15s); the leader renews every
	// TTL/3 and a standby tries to take over as often.
	TTL    time.Duration
	Clock  clockwork.Clock
	Logger *slog.Logger
	// OnElected runs once, when the lease is first won and before IsLeader
	// says yes: the leader's duties start there (loading the rules' held
	// states, starting the checks, the escalation timers, the outbox
	// sender and polling). An error gives the term back and campaigns
	// again later.
	OnElected func(ctx context.Context, term int64) error
}

// Leader campaigns for a lease and says whether this replica leads. It is
// gocron's Elector, so the jobs of a scheduler given [Leader.Elector] run on
// the leader only.
//
// Fencing: the leader leads from the won term until its expiry, and renews
// every TTL/3. A renewal that another replica refuses (it won a newer term
// after ours expired) ends the leadership at once and Run returns
// ErrLostLeadership. A renewal that fails with an error (the store is
// unreachable) does not: no standby can win a term without the same store,
// so the leader carries on (checks and pages go on through a store outage)
// and the next renewal that reaches the store decides. The one case this
// gets wrong is a leader cut off from the store while a standby still
// reaches it: both act until the store answers the old leader again, and a
// page may then be sent twice. That is the price of not going silent
// during a store outage, and it is logged.
type Leader struct {
	opts    LeaderOptions
	log     *slog.Logger
	elected chan struct{}

	mu      sync.Mutex
	term    int64
	expires time.Time // of the newest term won
	leading bool
	outage  bool // the last renewal failed with an error
}

// NewLeader returns a Leader; Run campaigns.
func NewLeader(opts LeaderOptions) (*Leader, error) {
	if opts.Lease == nil || opts.Holder == "" {
		return nil, errors.New("scheduler: a leader needs a Lease and a Holder")
	}
	if opts.TTL <= 0 {
		opts.TTL = 15 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.OnElected == nil {
		opts.OnElected = func(context.Context, int64) error { return nil }
	}
	return &Leader{opts: opts, log: opts.Logger.With("component", "leader", "holder", opts.Holder), elected: make(chan struct{})}, nil
}

// IsLeader implements gocron.Elector: nil while this replica leads.
func (l *Leader) IsLeader(context.Context) error {
	if !l.Leading() {
		return ErrNotLeader
	}
	return nil
}

// Elector is the gocron option that runs a scheduler's jobs on the leader
// only.
func (l *Leader) Elector() gocron.SchedulerOption { return gocron.WithDistributedElector(l) }

// Leading reports whether this replica leads now.
func (l *Leader) Leading() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.leading
}

// Elected is closed once this replica has been elected and OnElected has
// returned.
func (l *Leader) Elected() <-chan struct{} { return l.elected }

// Status describes the leadership for /readyz and /status.
func (l *Leader) Status() (leading bool, term int64, outage bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.leading, l.term, l.outage
}

// Run campaigns until ctx ends. It returns ErrLostLeadership when another
// replica took the lease over, and nil when ctx ended; then stop the
// leader's duties and call Release, so that a standby takes over at once
// rather than when the term expires.
func (l *Leader) Run(ctx context.Context) error {
	every := l.opts.TTL / 3
	for {
		if err := l.round(ctx); err != nil {
			return err
		}
		t := l.opts.Clock.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.Chan():
		}
	}
}

// round is one campaign or renewal.
func (l *Leader) round(ctx context.Context) error {
	now := l.opts.Clock.Now()
	term, ok, err := l.opts.Lease.Acquire(ctx, l.opts.Holder, now)
	if ctx.Err() != nil {
		return nil
	}
	l.mu.Lock()
	leading := l.leading
	l.mu.Unlock()
	switch {
	case err != nil && leading:
		l.setOutage(true, err)
		return nil
	case err != nil:
		l.log.Warn("could not reach the leader lease; standing by", "err", err)
		return nil
	case !ok && leading:
		l.mu.Lock()
		l.leading = false
		l.mu.Unlock()
		l.log.Error("another replica took the leader lease over; stopping", "term", term)
		return fmt.Errorf("%w (term %d)", ErrLostLeadership, term)
	case !ok:
		return nil
	}
	l.setOutage(false, nil)
	l.mu.Lock()
	l.term, l.expires = term, now.Add(l.opts.TTL)
	l.mu.Unlock()
	if leading {
		if term%64 == 0 {
			l.prune(ctx)
		}
		return nil
	}
	l.log.Info("elected leader", "term", term)
	if err := l.opts.OnElected(ctx, term); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		l.log.Error("could not start the leader's duties; giving the lease back", "term", term, "err", err)
		l.Release()
		return nil
	}
	l.mu.Lock()
	l.leading = true
	l.mu.Unlock()
	close(l.elected)
	return nil
}

func (l *Leader) setOutage(on bool, err error) {
	l.mu.Lock()
	was := l.outage
	l.outage = on
	l.mu.Unlock()
	switch {
	case on && !was:
		l.log.Warn("could not renew the leader lease; leading on while the store is unreachable", "err", err)
	case !on && was:
		l.log.Info("renewed the leader lease after a store outage")
	}
}

// prune drops old terms; every renewal adds one.
func (l *Leader) prune(ctx context.Context) {
	if _, err := l.opts.Lease.Prune(ctx, 16); err != nil && ctx.Err() == nil {
		l.log.Warn("pruning the leader lease", "err", err)
	}
}

// Release gives the newest term won back, if any, and stops leading. Call
// it once Run has returned and the leader's duties have stopped.
func (l *Leader) Release() {
	l.mu.Lock()
	term := l.term
	l.leading = false
	l.mu.Unlock()
	if term == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.opts.Lease.Release(ctx, l.opts.Holder, term, l.opts.Clock.Now()); err != nil {
		l.log.Warn("could not release the leader lease; a standby takes over when it expires", "term", term, "err", err)
		return
	}
	l.log.Info("released the leader lease", "term", term)
}
