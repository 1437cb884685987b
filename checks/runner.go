package checks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

// Runner defaults, applied to zero fields of Spec and RunnerOptions.
const (
	// DefaultTimeout bounds one run, unless the interval is shorter.
	DefaultTimeout = 10 * time.Second
	// DefaultWorkers is how many scheduled runs may be in flight at once.
	DefaultWorkers = 32
	// DefaultJitter is the fraction of its interval by which a check's
	// runs are spread: each run starts up to 5% of the interval after its
	// tick, and the first ticks are spread over the first 5% after Start.
	DefaultJitter = 0.05
)

// Spec is one check as the Runner runs it.
type Spec struct {
	// Name identifies the check in Results, rules and commands; unique,
	// without "|".
	Name    string
	Checker Checker
	// Interval is the time between ticks, before jitter. Ticks fall on
	// the runner's 100 ms grid when Interval is a whole number of 100 ms,
	// which lets runs due together share a wake-up.
	Interval time.Duration
	// Timeout bounds one run; zero means DefaultTimeout or Interval,
	// whichever is shorter.
	Timeout time.Duration
	// Host is the rate-limit key, usually HostKey of the check's target:
	// runs with the same Host start at least RunnerOptions.HostInterval
	// apart (less at most 10 ms: a run counts from the grid point it was
	// due at). Empty means the check is not rate-limited.
	Host string
}

// Observer receives every Result the Runner produces; the Evaluator is
// one.
type Observer interface {
	Observe(ctx context.Context, r Result)
}

var _ Observer = (*Evaluator)(nil)

// ResultSink records every Result, e.g. the check history store. An error
// is logged; the Runner goes on.
type ResultSink interface {
	RecordResult(ctx context.Context, r Result) error
}

// RunnerOptions configure a Runner; every field is optional.
type RunnerOptions struct {
	// Clock is the time source of schedules, timeouts, the rate limit and
	// Result times; default the real clock.
	Clock clockwork.Clock
	// Logger gets panics (error, with stack), sink failures (warn) and
	// skipped runs (debug), each with a "check" attribute; scope it with
	// a component before. Default: discard.
	Logger *slog.Logger
	// Workers bounds the scheduled runs in flight; default DefaultWorkers.
	// RunNow does not count against it.
	Workers int
	// Jitter is the fraction of the interval by which runs are spread, at
	// most 0.5; zero means DefaultJitter, negative means none (every run
	// exactly on its tick, the first at Start unless the host limit
	// staggers it).
	Jitter float64
	// HostInterval is the least time between run starts against one Host;
	// zero means DefaultHostInterval, negative turns the limit off.
	HostInterval time.Duration
	// Rules get every Result, scheduled or from RunNow; nil skips them.
	Rules Observer
	// Sink gets every Result too; nil skips it.
	Sink ResultSink
	// SchedulerOptions are added to the gocron scheduler's options, e.g.
	// gocron.WithDistributedElector so that only the leader runs checks.
	SchedulerOptions []gocron.SchedulerOption
}

// Runner runs checks on their intervals with gocron, each run bounded by
// its timeout, at most Workers at once, and never two of one check at
// once: a check still running when its next tick comes skips that tick
// (logged at debug level). A per-host limit delays runs to one host so
// that they start HostInterval apart. It hands every Result to the rules
// and the sink and keeps the last one of each check.
type Runner struct {
	clock        clockwork.Clock
	log          *slog.Logger
	jitter       float64
	rules        Observer
	sink         ResultSink
	schedOptions []gocron.SchedulerOption
	limiter      *hostLimiter
	randN        func(n int64) int64 // jitter source, [0, n)
	workers      chan struct{}
	checks       []*check
	byName       map[string]*check

	mu      sync.Mutex
	last    map[string]Result
	sched   gocron.Scheduler
	firsts  []clockwork.Timer // first runs, armed by Start
	ctx     context.Context   // scheduled runs; cancelled by Stop
	cancel  context.CancelFunc
	stopped bool
	wg      sync.WaitGroup // goroutines started by the Runner itself
}

// check is a Spec with its run-time state.
type check struct {
	Spec
	log     *slog.Logger
	busy    atomic.Bool // a scheduled run is in progress
	jittery atomic.Bool // the first run is done: jitter the next ones
}

// NewRunner validates the specs and options and returns a Runner that is
// not started yet. RunNow works before Start.
func NewRunner(specs []Spec, opts RunnerOptions) (*Runner, error) {
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case opts.Workers < 0:
		return nil, fmt.Errorf("%w: workers %d: want a positive number", ErrInvalid, opts.Workers)
	case opts.Workers == 0:
		opts.Workers = DefaultWorkers
	}
	switch {
	case opts.Jitter > 0.5:
		return nil, fmt.Errorf("%w: jitter %g: want a fraction of the interval up to 0.5", ErrInvalid, opts.Jitter)
	case opts.Jitter == 0:
		opts.Jitter = DefaultJitter
	}
	if opts.HostInterval == 0 {
		opts.HostInterval = DefaultHostInterval
	}
	log := opts.Logger
	r := &Runner{
		clock:        opts.Clock,
		log:          log,
		jitter:       max(opts.Jitter, 0),
		rules:        opts.Rules,
		sink:         opts.Sink,
		schedOptions: opts.SchedulerOptions,
		limiter:      newHostLimiter(opts.Clock, opts.HostInterval),
		randN:        rand.Int64N,
		workers:      make(chan struct{}, opts.Workers),
		byName:       make(map[string]*check, len(specs)),
		last:         make(map[string]Result, len(specs)),
	}
	for i, s := range specs {
		if err := s.validate(); err != nil {
			return nil, fmt.Errorf("checks[%d] (%s): %w", i, s.Name, err)
		}
		if r.byName[s.Name] != nil {
			return nil, fmt.Errorf("%w: checks[%d]: name %q is used twice", ErrInvalid, i, s.Name)
		}
		if s.Timeout == 0 {
			s.Timeout = min(DefaultTimeout, s.Interval)
		}
		c := &check{Spec: s, log: log.With("check", s.Name)}
		r.checks = append(r.checks, c)
		r.byName[s.Name] = c
	}
	return r, nil
}

func (s Spec) validate() error {
	switch {
	case s.Name == "" || strings.Contains(s.Name, "|"):
		return fmt.Errorf("%w: name %q: want a non-empty name without \"|\"", ErrInvalid, s.Name)
	case s.Checker == nil:
		return fmt.Errorf("%w: no checker", ErrInvalid)
	case s.Interval <= 0:
		return fmt.Errorf("%w: interval %s: want a positive duration such as 30s", ErrInvalid, s.Interval)
	case s.Timeout < 0:
		return fmt.Errorf("%w: timeout %s: want a positive duration such as 10s", ErrInvalid, s.Timeout)
	}
	return nil
}

// Names returns the check names in the order of the specs.
func (r *Runner) Names() []string {
	out := make([]string, len(r.checks))
	for i, c := range r.checks {
		out[i] = c.Name
	}
	return out
}

// Last returns the newest Result of every check that has run. The
// Results share their Metrics maps with the Runner: read, don't write.
func (r *Runner) Last() map[string]Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.last)
}

// Stop cancels the runs in flight, stops the scheduler and waits for every
// goroutine the Runner started, or until ctx is done. A checker that
// ignores its context's deadline is what can make it wait that long;
// when ctx ends first, such checkers are left to return on their own.
// Stop may be called more than once, and without Start.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return nil
	}
	r.stopped = true
	s, cancel := r.sched, r.cancel
	for _, t := range r.firsts {
		t.Stop()
	}
	r.mu.Unlock()

	if cancel != nil {
		cancel()
	}
	var err error
	if s != nil {
		if e := s.ShutdownWithContext(ctx); e != nil {
			err = fmt.Errorf("stop checks scheduler: %w", e)
		}
	}
	done := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return err
	case <-ctx.Done():
		return errors.Join(err, fmt.Errorf("checks still running: %w", ctx.Err()))
	}
}

// RunNow runs the named checks, or all of them when names is empty, at
// once and in parallel, and returns their Results in the order asked.
// The per-host rate limit still applies; the worker pool does not. The
// Results go to the rules and the sink like scheduled ones. When ctx ends
// first, the checks not run get a crit Result and RunNow returns ctx's
// error.
func (r *Runner) RunNow(ctx context.Context, names ...string) ([]Result, error) {
	list := r.checks
	if len(names) > 0 {
		list = make([]*check, len(names))
		for i, n := range names {
			if list[i] = r.byName[n]; list[i] == nil {
				return nil, fmt.Errorf("%w: %q", ErrUnknownCheck, n)
			}
		}
	}
	results := make([]Result, len(list))
	var wg sync.WaitGroup
	for i, c := range list {
		wg.Add(1)
		started := r.spawn(func() {
			defer wg.Done()
			res, ok := r.run(ctx, c, false, func() {})
			if !ok {
				res = Result{Check: c.Name, Status: StatusCrit, Message: "not run: cancelled", ObservedAt: r.clock.Now()}
			} else {
				r.deliver(ctx, res)
			}
			results[i] = res
		})
		if !started {
			wg.Done()
			wg.Wait()
			return nil, ErrStopped
		}
	}
	wg.Wait()
	return results, ctx.Err()
}

// spawn starts f on a goroutine that Stop waits for, unless the Runner
// is stopped, and reports whether it did.
func (r *Runner) spawn(f func()) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return false
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		f()
	}()
	return true
}
