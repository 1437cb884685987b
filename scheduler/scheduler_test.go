package scheduler_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/scheduler"
)

// A daily job fires at its time on the injected clock, once per day, in
// the scheduler's location.
func TestJobsFireAtTheirTimes(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 27, 8, 0, 0, 0, loc))
	s, err := scheduler.New(scheduler.Options{Clock: clock, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var fired []time.Time
	done := make(chan struct{}, 10)
	if err := s.Add(scheduler.Job{Name: "digest-daily", Cron: "0 9 * * *", Run: func(_ context.Context, at time.Time) error {
		mu.Lock()
		fired = append(fired, at)
		mu.Unlock()
		done <- struct{}{}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	t.Cleanup(func() { _ = s.Stop() })

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for day := range 2 {
		if err := clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour - time.Millisecond) // 08:59:59.999
		select {
		case <-done:
			t.Fatalf("day %d: fired before 09:00", day)
		default:
		}
		clock.Advance(time.Millisecond)
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatalf("day %d: did not fire at 09:00", day)
		}
		if err := clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatal(err)
		}
		clock.Advance(23 * time.Hour) // 08:00 the next day
	}
	mu.Lock()
	defer mu.Unlock()
	want := []time.Time{time.Date(2026, 11, 27, 9, 0, 0, 0, loc), time.Date(2026, 11, 28, 9, 0, 0, 0, loc)}
	if len(fired) != 2 || !fired[0].Equal(want[0]) || !fired[1].Equal(want[1]) {
		t.Errorf("fired at %v, want %v", fired, want)
	}
}

func TestBadCronSpecsAreRefusedInWords(t *testing.T) {
	for _, spec := range []string{"", "9am daily", "61 9 * * *", "0 9 * *"} {
		err := scheduler.ParseCron(spec)
		if err == nil || !strings.Contains(err.Error(), "is not a cron spec") {
			t.Errorf("ParseCron(%q) = %v", spec, err)
		}
	}
	if err := scheduler.ParseCron("0 9 * * 0"); err != nil {
		t.Errorf("ParseCron(0 9 * * 0) = %v", err)
	}
	next, err := scheduler.Next("0 9 1 * *", time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	if err != nil || !next.Equal(time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("Next monthly after Dec 15 = %v, %v; want 2027-01-01 09:00", next, err)
	}
}
