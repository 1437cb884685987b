package maint_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// The incident engine's Suppressor.
var _ interface {
	Suppressed(ctx context.Context, check string, at time.Time) (string, bool)
} = maint.Calendar{}

// planner returns a Planner with the checklist's windows on a fresh store,
// and a one-off window M-1, Dec 6 2026 03:00-05:00 UTC, for api and db-*.
func planner(t *testing.T) (maint.Planner, *storage.Store) {
	t.Helper()
	s := storagetest.Open(t)
	p := maint.Planner{Recurring: maint.DefaultRecurrences(), Store: s.Maintenance()}
	w, err := p.Add(t.Context(), maint.Window{Title: "dependency updates", Start: utc(2026, 12, 6, 3, 0), End: utc(2026, 12, 6, 5, 0),
		Scope: []string{"api", "db-*"}, CreatedBy: "@alice"})
	if err != nil || w.ID != "M-1" || w.Kind != maint.KindOneOff {
		t.Fatalf("Add = %+v, %v", w, err)
	}
	return p, s
}

func ids(t *testing.T) func([]maint.Window, error) []string {
	return func(ws []maint.Window, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, w := range ws {
			out = append(out, w.ID)
		}
		return out
	}
}

func TestCalendarMergesRecurringAndStoredWindows(t *testing.T) {
	t.Parallel()
	p, _ := planner(t)
	cal := p.Calendar()
	ctx := t.Context()
	if got, want := ids(t)(cal.Windows(ctx, utc(2026, 12, 1, 0, 0), utc(2027, 1, 4, 0, 0))),
		[]string{"monthly-2026-12-06", "M-1", "quarterly-2027-01-03", "monthly-2027-01-03"}; !slices.Equal(got, want) {
		t.Errorf("Windows = %v, want %v", got, want)
	}
	// A window active at from is found however long ago it started.
	if got := ids(t)(cal.Windows(ctx, utc(2026, 12, 6, 3, 59), utc(2026, 12, 6, 4, 0))); !slices.Equal(got, []string{"monthly-2026-12-06", "M-1"}) {
		t.Errorf("Windows at 03:59 = %v", got)
	}

	for _, c := range []struct {
		check string
		at    time.Time
		want  string
	}{
		{"web", utc(2026, 12, 6, 2, 0).Add(-1), ""},
		{"web", utc(2026, 12, 6, 2, 0), "maintenance monthly-2026-12-06 (Monthly maintenance) until 04:00 UTC"},
		{"web", utc(2026, 12, 6, 3, 30), "maintenance monthly-2026-12-06 (Monthly maintenance) until 04:00 UTC"},
		// Both cover api: the one ending last says when pages flow again.
		{"api", utc(2026, 12, 6, 3, 30), "maintenance M-1 (dependency updates) until 05:00 UTC"},
		{"db-main", utc(2026, 12, 6, 4, 0), "maintenance M-1 (dependency updates) until 05:00 UTC"},
		{"web", utc(2026, 12, 6, 4, 0), ""},
		{"api", utc(2026, 12, 6, 5, 0), ""},
		// The quarterly window, a month on.
		{"web", utc(2027, 1, 3, 1, 30), "maintenance quarterly-2027-01-03 (Quarterly maintenance) until 05:00 UTC"},
	} {
		reason, ok := cal.Suppressed(ctx, c.check, c.at)
		if reason != c.want || ok != (c.want != "") {
			t.Errorf("Suppressed(%s, %v) = %q, %v; want %q", c.check, c.at, reason, ok, c.want)
		}
	}

	// Without a store, the configured windows still hold pages.
	if reason, ok := (maint.Calendar{Recurring: maint.DefaultRecurrences()}).Suppressed(ctx, "web", utc(2026, 12, 6, 2, 0)); !ok || reason == "" {
		t.Errorf("store-less calendar: %q, %v", reason, ok)
	}
	if got := maint.Clock(utc(2026, 12, 7, 1, 0), utc(2026, 12, 6, 23, 0)); got != "Dec 7 01:00 UTC" {
		t.Errorf("Clock across midnight = %s", got)
	}
	if got := maint.Clock(utc(2027, 1, 3, 5, 0), utc(2026, 12, 31, 23, 0)); got != "2027-01-03 05:00 UTC" {
		t.Errorf("Clock across the year = %s", got)
	}
}

func TestPlannerOverridesRecurringWindows(t *testing.T) {
	t.Parallel()
	p, s := planner(t)
	cal := p.Calendar()
	ctx := t.Context()
	const monthly = "monthly-2026-12-06"

	// Started early: it holds pages from then, though it starts later.
	w, err := p.Start(ctx, monthly, utc(2026, 12, 6, 1, 30))
	if err != nil || !w.StartedAt.Equal(utc(2026, 12, 6, 1, 30)) {
		t.Fatalf("Start = %+v, %v", w, err)
	}
	if reason, ok := cal.Suppressed(ctx, "web", utc(2026, 12, 6, 1, 45)); !ok || reason != "maintenance "+monthly+" (Monthly maintenance) until 04:00 UTC" {
		t.Errorf("after an early start: %q, %v", reason, ok)
	}
	if got := ids(t)(cal.Windows(ctx, utc(2026, 12, 6, 1, 30), utc(2026, 12, 6, 1, 31))); !slices.Equal(got, []string{monthly}) {
		t.Errorf("Windows at the early start = %v", got)
	}
	// Ended early: pages flow again.
	if w, err = p.End(ctx, monthly, utc(2026, 12, 6, 3, 0)); err != nil || !w.EndedAt.Equal(utc(2026, 12, 6, 3, 0)) {
		t.Fatalf("End = %+v, %v", w, err)
	}
	if reason, ok := cal.Suppressed(ctx, "web", utc(2026, 12, 6, 3, 0)); ok {
		t.Errorf("after an early end: %q", reason)
	}
	if got, err := p.Window(ctx, monthly); err != nil || got.Phase(utc(2026, 12, 6, 3, 0)) != maint.PhaseEnded || got.Kind != maint.KindRecurring {
		t.Errorf("Window(%s) = %+v, %v", monthly, got, err)
	}
	if o, err := s.Maintenance().Get(ctx, monthly); err != nil || !o.EndedAt.Equal(utc(2026, 12, 6, 3, 0)) {
		t.Errorf("stored override = %+v, %v", o, err)
	}
	var se *maint.StateError
	if _, err := p.End(ctx, monthly, utc(2026, 12, 6, 3, 30)); !errors.As(err, &se) || se.Error() != monthly+" has already ended." {
		t.Errorf("second End: %v", err)
	}

	// Canceled ahead of time: no pages held, no notices, and it stays so.
	const quarterly = "quarterly-2027-01-03"
	if _, err := p.Cancel(ctx, quarterly, utc(2026, 12, 20, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if reason, ok := cal.Suppressed(ctx, "web", utc(2027, 1, 3, 1, 30)); ok {
		t.Errorf("canceled quarterly window: %q", reason)
	}
	ws, err := cal.Windows(ctx, utc(2027, 1, 3, 0, 0), utc(2027, 1, 4, 0, 0))
	if err != nil || len(ws) != 2 || ws[0].ID != quarterly || ws[0].Phase(utc(2027, 1, 3, 2, 0)) != maint.PhaseCanceled || maint.Due(ws[:1], utc(2026, 12, 1, 0, 0), utc(2027, 2, 1, 0, 0)) != nil {
		t.Errorf("Windows on Jan 3 = %+v, %v", ws, err)
	}
	if _, err := p.Start(ctx, quarterly, utc(2027, 1, 3, 0, 30)); !errors.As(err, &se) || se.Error() != quarterly+" was canceled." {
		t.Errorf("Start of a canceled window: %v", err)
	}

	// An override whose occurrence is no longer configured is ignored.
	bare := maint.Calendar{Store: s.Maintenance()}
	if got := ids(t)(bare.Windows(ctx, utc(2026, 12, 6, 0, 0), utc(2027, 1, 4, 0, 0))); !slices.Equal(got, []string{"M-1"}) {
		t.Errorf("Windows without recurrences = %v, want [M-1]", got)
	}

	// Stored windows go to the store.
	if w, err := p.Start(ctx, "M-1", utc(2026, 12, 6, 2, 30)); err != nil || w.ID != "M-1" || w.StartedAt.IsZero() {
		t.Errorf("Start(M-1) = %+v, %v", w, err)
	}
	if _, err := p.Cancel(ctx, "M-1", utc(2026, 12, 6, 2, 45)); !errors.As(err, &se) || se.Error() != "M-1 is active: end it instead." {
		t.Errorf("Cancel(M-1) while active: %v", err)
	}
	if w, err := p.End(ctx, "M-1", utc(2026, 12, 6, 2, 45)); err != nil || !w.EndedAt.Equal(utc(2026, 12, 6, 2, 45)) {
		t.Errorf("End(M-1) = %+v, %v", w, err)
	}
	for _, id := range []string{"M-9", "monthly-2026-12-13", "monthly-2026-13-06", "quarterly-2027-02-07", "weekly-2026-12-06"} {
		if _, err := p.Window(ctx, id); !errors.Is(err, maint.ErrUnknown) {
			t.Errorf("Window(%s) error = %v, want ErrUnknown", id, err)
		}
		if _, err := p.End(ctx, id, utc(2026, 12, 6, 2, 0)); !errors.Is(err, maint.ErrUnknown) {
			t.Errorf("End(%s) error = %v, want ErrUnknown", id, err)
		}
	}
	if _, err := p.Add(ctx, maint.Window{Title: "x", Kind: maint.KindRecurring, Start: utc(2026, 12, 6, 2, 0), End: utc(2026, 12, 6, 3, 0)}); !errors.Is(err, maint.ErrInvalid) {
		t.Errorf("Add of a recurring window: %v", err)
	}
}

// When the store cannot be read, pages flow and the error is reported.
func TestCalendarPagesWhenTheStoreFails(t *testing.T) {
	t.Parallel()
	p, s := planner(t)
	var errs []error
	cal := p.Calendar()
	cal.OnError = func(err error) { errs = append(errs, err) }
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if reason, ok := cal.Suppressed(t.Context(), "web", utc(2026, 12, 6, 2, 30)); ok || len(errs) != 1 {
		t.Errorf("Suppressed on a closed store = %q, %v; errors %v", reason, ok, errs)
	}
	if _, err := cal.Windows(t.Context(), utc(2026, 12, 6, 0, 0), utc(2026, 12, 7, 0, 0)); err == nil {
		t.Error("Windows on a closed store: no error")
	}
}
