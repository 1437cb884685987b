package checks

import (
	"context"
	"errors"
	"runtime/debug"
	"time"

	"github.com/jonboulle/clockwork"
)

// run runs c once: it waits for c's host to be free (and for a worker
// when pooled), calls the checker with c's timeout and returns its Result
// with Check, Duration and ObservedAt set. done is called when the
// checker has returned: before run returns the checker's Result, or after
// run has given up on it at the timeout. ok is false when ctx ended
// first: the Runner is stopping or the caller gave up, and no Result
// should count.
func (r *Runner) run(ctx context.Context, c *check, pooled bool, done func()) (res Result, ok bool) {
	if err := r.acquire(ctx, c, pooled); err != nil {
		done()
		return Result{}, false
	}
	if pooled {
		defer func() { <-r.workers }()
	}
	start := r.clock.Now()
	cctx, cancel := withTimeout(ctx, r.clock, c.Timeout)
	defer cancel()
	out := make(chan Result, 1)
	if !r.spawn(func() {
		res := r.call(cctx, c)
		// c is idle before its Result can be delivered: a tick that comes
		// once the Result is out must not be skipped as overlapping.
		done()
		out <- res
	}) {
		done()
		return Result{}, false
	}
	select {
	case res = <-out:
	case <-cctx.Done():
		select {
		case res = <-out:
		default:
			// The checker ignores its deadline; it keeps c busy until it
			// returns, but gives back its worker now.
			res = Fail("timed out after %s", c.Timeout)
		}
	}
	if ctx.Err() != nil {
		return Result{}, false
	}
	res.Check = c.Name
	res.ObservedAt = r.clock.Now()
	res.Duration = res.ObservedAt.Sub(start)
	return res, true
}

// acquire waits until c's host is free and, when pooled, a worker is
// free too, then claims both. The host is claimed only while holding a
// worker, so that a run waiting for a worker cannot let a later one to
// the same host overtake it within the host interval.
func (r *Runner) acquire(ctx context.Context, c *check, pooled bool) error {
	for {
		if err := sleep(ctx, r.clock, r.limiter.wait(c.Host)); err != nil {
			return err
		}
		if pooled {
			select {
			case r.workers <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if r.limiter.take(c.Host) {
			return nil
		}
		if pooled {
			<-r.workers
		}
	}
}

// call runs the checker, turning a panic into a crit Result.
func (r *Runner) call(ctx context.Context, c *check) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("check panicked", "panic", p, "stack", string(debug.Stack()))
			res = Fail("internal error in check")
		}
	}()
	return c.Checker.Check(ctx)
}

// deliver keeps res as its check's last Result, unless a newer one is
// there, and hands it to the rules and the sink.
func (r *Runner) deliver(ctx context.Context, res Result) {
	r.mu.Lock()
	if old, ok := r.last[res.Check]; !ok || !res.ObservedAt.Before(old.ObservedAt) {
		r.last[res.Check] = res
	}
	r.mu.Unlock()
	if r.rules != nil {
		r.rules.Observe(ctx, res)
	}
	if r.sink != nil {
		if err := r.sink.RecordResult(ctx, res); err != nil && ctx.Err() == nil {
			r.log.Warn("could not record a check result", "check", res.Check, "err", err)
		}
	}
}

// withTimeout is context.WithTimeout on clock. On a fake clock the
// deadline fires when the clock is advanced past it, and the timer is
// stopped on cancel so that it does not linger among the clock's waiters.
func withTimeout(parent context.Context, clock clockwork.Clock, d time.Duration) (context.Context, context.CancelFunc) {
	if _, fake := clock.(*clockwork.FakeClock); !fake {
		return context.WithTimeout(parent, d)
	}
	ctx, cancel := context.WithCancelCause(parent)
	t := clock.AfterFunc(d, func() { cancel(context.DeadlineExceeded) })
	return &fakeDeadline{Context: ctx, deadline: clock.Now().Add(d)}, func() {
		t.Stop()
		cancel(context.Canceled)
	}
}

// fakeDeadline reports a deadline on a fake clock and, once it has
// passed, context.DeadlineExceeded as its error.
type fakeDeadline struct {
	context.Context
	deadline time.Time
}

func (c *fakeDeadline) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *fakeDeadline) Err() error {
	err := c.Context.Err()
	if err != nil && errors.Is(context.Cause(c.Context), context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return err
}
