// Package scheduler runs opsbot's timed jobs with gocron v2 on an
// injected clock: the digests, the checklists and the maintenance
// notices. Each job names itself and its cron spec; a job that is still
// running when its next time comes is skipped (singleton), so a slow
// digest never piles up. The check cadence lives in package checks and
// the escalation timers in incident/engine; this is everything else.
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
	"github.com/robfig/cron/v3"
)

// Job is one timed job.
type Job struct {
	// Name identifies the job in logs, e.g. "digest-daily".
	Name string
	// Cron is a five-field cron spec ("0 9 * * *": 09:00 every day), read
	// in the scheduler's location.
	Cron string
	// Run does the job; at is when it was due, in the scheduler's
	// location. Its errors are logged.
	Run func(ctx context.Context, at time.Time) error
}

// ParseCron checks a five-field cron spec, as config validation needs:
// the error says what is wrong in words.
func ParseCron(spec string) error {
	_, err := cron.ParseStandard(spec)
	if err != nil {
		return fmt.Errorf("%q is not a cron spec (minute hour day-of-month month day-of-week, e.g. \"0 9 * * *\"): %v", spec, err)
	}
	return nil
}

// Next returns when spec next fires after t in loc.
func Next(spec string, t time.Time, loc *time.Location) (time.Time, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return time.Time{}, err
	}
	return s.Next(t.In(loc)), nil
}

// Scheduler runs Jobs.
type Scheduler struct {
	s     gocron.Scheduler
	clock clockwork.Clock
	loc   *time.Location
	log   *slog.Logger
	ctx   context.Context
	stop  context.CancelFunc

	mu   sync.Mutex
	last map[string]time.Time // the due time each job last ran for
}

// Options configure a Scheduler.
type Options struct {
	Clock    clockwork.Clock
	Location *time.Location
	Logger   *slog.Logger
	// Extra are more gocron options, e.g. a distributed elector so that
	// only the leader runs the jobs.
	Extra []gocron.SchedulerOption
}

// New returns a stopped Scheduler.
func New(opts Options) (*Scheduler, error) {
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s, err := gocron.NewScheduler(append([]gocron.SchedulerOption{
		gocron.WithClock(opts.Clock),
		gocron.WithLocation(opts.Location),
		gocron.WithLogger(opts.Logger.With("scheduler", "gocron")),
	}, opts.Extra...)...)
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	return &Scheduler{s: s, clock: opts.Clock, loc: opts.Location, log: opts.Logger.With("component", "scheduler"), ctx: ctx, stop: stop,
		last: make(map[string]time.Time)}, nil
}

// Add schedules j; call it before Start.
func (s *Scheduler) Add(j Job) error {
	if j.Name == "" || j.Run == nil {
		return errors.New("scheduler: a job needs a name and a Run")
	}
	if err := ParseCron(j.Cron); err != nil {
		return fmt.Errorf("scheduler: job %s: %w", j.Name, err)
	}
	_, err := s.s.NewJob(gocron.CronJob(j.Cron, false), gocron.NewTask(s.run, j),
		gocron.WithName(j.Name), gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		return fmt.Errorf("scheduler: job %s: %w", j.Name, err)
	}
	return nil
}

// run runs j for the minute it is due in, once: gocron may hand a job
// the same due time twice (seen with a fake clock), and the jobs' own
// once-claims cover other processes.
func (s *Scheduler) run(j Job) {
	at := s.clock.Now().In(s.loc).Truncate(time.Minute)
	s.mu.Lock()
	again := s.last[j.Name].Equal(at)
	s.last[j.Name] = at
	s.mu.Unlock()
	if again {
		return
	}
	started := s.clock.Now()
	if err := j.Run(s.ctx, at); err != nil && s.ctx.Err() == nil {
		s.log.Error("job failed", "job", j.Name, "due", at, "err", err)
		return
	}
	s.log.Info("job done", "job", j.Name, "due", at, "took", s.clock.Since(started))
}

// Start runs the jobs at their times until Stop.
func (s *Scheduler) Start() { s.s.Start() }

// Stop stops the jobs, cancelling the context of those running, and
// waits for them.
func (s *Scheduler) Stop() error {
	s.stop()
	return s.s.Shutdown()
}
