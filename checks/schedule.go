package checks

import (
	"context"
	"fmt"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// quantum is the grid that scheduled runs start on. Runs due on the same
// grid point share one timer wake-up, which is most of the CPU a mostly
// idle checker spends: 1,000 checks every 10 s wake the process ten
// times a second rather than a hundred.
const quantum = 100 * time.Millisecond

// Start schedules every check. Each check runs on its own grid of ticks,
// one Interval apart, on the runner's 100 ms grid. The first ticks are
// spread over the first Jitter of an interval and, for checks sharing a
// Host, staggered one HostInterval apart, so that a host's checks need
// not queue for it. Every run after the first starts up to Jitter of the
// interval after its tick. Runs stop when ctx is done or Stop is called;
// Stop must be called either way to wait for them.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.stopped:
		return ErrStopped
	case r.sched != nil:
		return ErrStarted
	}
	opts := append([]gocron.SchedulerOption{
		gocron.WithClock(r.clock),
		gocron.WithLogger(r.log.With("scheduler", "gocron")),
		gocron.WithLocation(time.UTC),
	}, r.schedOptions...)
	s, err := gocron.NewScheduler(opts...)
	if err != nil {
		return fmt.Errorf("checks scheduler: %w", err)
	}
	r.ctx, r.cancel = context.WithCancel(ctx)
	r.sched = s
	s.Start()
	r.warnOverbookedHosts()
	now := r.clock.Now()
	base := now.Truncate(quantum)
	if base.Before(now) {
		base = base.Add(quantum)
	}
	for i, d := range r.firstOffsets() {
		c, at := r.checks[i], base.Add(d)
		r.firsts = append(r.firsts, r.clock.AfterFunc(at.Sub(now), func() { r.first(c, at) }))
	}
	return nil
}

// first runs c for the first time, due at at, and gives it its gocron
// job for the ticks after that.
func (r *Runner) first(c *check, at time.Time) {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return
	}
	r.wg.Add(1)
	r.mu.Unlock()
	defer r.wg.Done()
	// WithStartDateTimePast keeps the grid even if this callback came so
	// late that the second tick has passed: gocron then starts at the
	// next tick of the grid.
	_, err := r.sched.NewJob(gocron.DurationJob(c.Interval), gocron.NewTask(r.tick, c), gocron.WithName(c.Name),
		gocron.WithStartAt(gocron.WithStartDateTimePast(at.Add(c.Interval))))
	if err != nil {
		if r.ctx.Err() == nil {
			c.log.Error("could not schedule the check", "err", err)
		}
		return
	}
	r.tick(c)
}

// steps returns how many quanta Jitter of interval spans.
func (r *Runner) steps(interval time.Duration) int64 {
	return int64(float64(interval) * r.jitter / float64(quantum))
}

// randomJitter returns a random whole number of quanta within Jitter of interval.
func (r *Runner) randomJitter(interval time.Duration) time.Duration {
	if n := r.steps(interval); n > 0 {
		return time.Duration(r.randN(n)) * quantum
	}
	return 0
}

// firstOffsets returns when, after Start, each check runs first: the
// checks of one host at a random base within the first Jitter of the
// shortest interval among them, then one HostInterval apart in the order
// of the specs; a check without a host at a random point of its first
// Jitter. All are whole quanta.
func (r *Runner) firstOffsets() []time.Duration {
	type slot struct {
		base time.Duration
		n    int
	}
	hosts := make(map[string]*slot)
	for _, c := range r.checks {
		if c.Host == "" {
			continue
		}
		if h := hosts[c.Host]; h == nil {
			hosts[c.Host] = &slot{base: c.Interval}
		} else {
			h.base = min(h.base, c.Interval)
		}
	}
	for _, h := range hosts {
		h.base = r.randomJitter(h.base)
	}
	stagger := max(r.limiter.every, 0)
	if rest := stagger % quantum; rest != 0 {
		stagger += quantum - rest
	}
	out := make([]time.Duration, len(r.checks))
	for i, c := range r.checks {
		h := hosts[c.Host]
		if h == nil {
			out[i] = r.randomJitter(c.Interval)
			continue
		}
		out[i] = h.base + time.Duration(h.n)*stagger
		h.n++
	}
	return out
}

// warnOverbookedHosts logs the hosts whose checks need more runs than the
// host limit allows: their runs will queue and skip ticks.
func (r *Runner) warnOverbookedHosts() {
	if r.limiter.every <= 0 {
		return
	}
	load := make(map[string]float64)
	for _, c := range r.checks {
		if c.Host != "" {
			load[c.Host] += float64(r.limiter.every) / float64(c.Interval)
		}
	}
	for host, l := range load {
		if l > 1 {
			r.log.Warn("the checks of a host need more runs than its rate limit allows; some runs will be late or skipped",
				"host", host, "load_percent", int(l*100), "host_interval", r.limiter.every)
		}
	}
}

// tick is one scheduled run of c, skipped when the previous one is still
// in progress.
func (r *Runner) tick(c *check) {
	ctx := r.ctx
	if !c.busy.CompareAndSwap(false, true) {
		c.log.Debug("run skipped: the previous run is still in progress")
		return
	}
	// Every run but the first, whose offset was drawn at Start, waits its
	// jitter, to a point of the grid.
	if j := r.randomJitter(c.Interval); c.jittery.Swap(true) && j > 0 {
		until := r.clock.Now().Truncate(quantum).Add(j)
		if err := sleep(ctx, r.clock, r.clock.Until(until)); err != nil {
			c.busy.Store(false)
			return
		}
	}
	if res, ok := r.run(ctx, c, true, func() { c.busy.Store(false) }); ok {
		r.deliver(ctx, res)
	}
}
