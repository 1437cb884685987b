package storage_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

var mwT0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// The periodic pruning takes Maintenance as it is, and maint's Planner
// and Calendar take it as their store.
var (
	_ interface {
		Prune(context.Context, time.Time) (int64, error)
	} = (*storage.Maintenance)(nil)
	_ maint.Store = (*storage.Maintenance)(nil)
)

// idsOf returns a function that takes a listing's results and returns its
// ids, failing t on an error.
func idsOf(t *testing.T) func([]maint.Window, error) []string {
	return func(list []maint.Window, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, w := range list {
			out = append(out, w.ID)
		}
		return out
	}
}

func TestMaintenanceAddGetList(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	m := s.Maintenance()
	ctx := t.Context()
	add := func(w maint.Window) maint.Window {
		t.Helper()
		got, err := m.Add(ctx, w)
		if err != nil {
			t.Fatalf("Add(%s): %v", w.Title, err)
		}
		return got
	}
	local := time.FixedZone("CET", 3600)
	deps := add(maint.Window{
		Title: "dependency updates", Start: mwT0.Add(2 * time.Hour).In(local), End: mwT0.Add(4*time.Hour + 123456),
		Notice: 24 * time.Hour, Scope: []string{"api", "db-*"}, CreatedBy: "@alice",
	})
	want := maint.Window{
		ID: "M-1", Title: "dependency updates", Kind: maint.KindOneOff, Start: mwT0.Add(2 * time.Hour), End: mwT0.Add(4 * time.Hour),
		Notice: 24 * time.Hour, Scope: []string{"api", "db-*"}, CreatedBy: "@alice",
	}
	if !equalWindows(deps, want) || deps.Start.Location() != time.UTC {
		t.Fatalf("Add = %+v\nwant %+v", deps, want)
	}
	if got, err := m.Get(ctx, "M-1"); err != nil || !equalWindows(got, want) {
		t.Fatalf("Get(M-1) = %+v, %v\nwant %+v", got, err, want)
	}
	emergency := add(maint.Window{Title: "db failover", Kind: maint.KindEmergency, Start: mwT0, End: mwT0.Add(time.Hour)})
	later := add(maint.Window{Title: "later", Start: mwT0.Add(48 * time.Hour), End: mwT0.Add(50 * time.Hour)})
	if emergency.ID != "M-2" || emergency.Kind != maint.KindEmergency || later.ID != "M-3" || later.Kind != maint.KindOneOff {
		t.Fatalf("ids and kinds: %s %s, %s %s", emergency.ID, emergency.Kind, later.ID, later.Kind)
	}

	list := idsOf(t)
	for _, c := range []struct {
		from, to time.Time
		want     []string
	}{
		{mwT0, mwT0.Add(time.Hour), []string{"M-2"}},
		{mwT0.Add(-time.Hour), mwT0, nil},                                                     // ends before the start: to is exclusive
		{mwT0.Add(time.Hour), mwT0.Add(2 * time.Hour), nil},                                   // between M-2's end and M-1's start
		{mwT0.Add(time.Hour), mwT0.Add(2*time.Hour + 1), []string{"M-1"}},                     // M-1 starts at its last nanosecond
		{mwT0.Add(3 * time.Hour), mwT0.Add(3*time.Hour + 1), []string{"M-1"}},                 // active
		{mwT0.Add(30 * time.Minute), mwT0.Add(72 * time.Hour), []string{"M-2", "M-1", "M-3"}}, // by start
		{mwT0.Add(4 * time.Hour), mwT0.Add(48 * time.Hour), nil},                              // M-1 ended at its end
	} {
		if got := list(m.List(ctx, c.from, c.to)); !slices.Equal(got, append([]string{}, c.want...)) {
			t.Errorf("List(%v, %v) = %v, want %v", c.from.Format("02 15:04"), c.to.Format("02 15:04"), got, c.want)
		}
	}

	// A window started early is listed from its early start.
	if _, err := m.StartNow(ctx, "M-3", mwT0.Add(30*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := list(m.List(ctx, mwT0.Add(30*time.Hour), mwT0.Add(31*time.Hour))); !slices.Equal(got, []string{"M-3"}) {
		t.Errorf("List after an early start = %v, want [M-3]", got)
	}

	if _, err := m.Get(ctx, "M-9"); !errors.Is(err, storage.ErrWindowNotFound) || !errors.Is(err, maint.ErrUnknown) {
		t.Errorf("Get(M-9) error = %v, want ErrWindowNotFound and maint.ErrUnknown", err)
	}
	for _, bad := range []maint.Window{
		{Title: "backwards", Start: mwT0, End: mwT0},
		{Title: "no end", Start: mwT0},
		{Start: mwT0, End: mwT0.Add(time.Hour)},
		{ID: "M-7", Title: "chosen id", Start: mwT0, End: mwT0.Add(time.Hour)},
		{Title: "recurring", Kind: maint.KindRecurring, Start: mwT0, End: mwT0.Add(time.Hour)},
		{Title: "bad scope", Start: mwT0, End: mwT0.Add(time.Hour), Scope: []string{"db-["}},
	} {
		if _, err := m.Add(ctx, bad); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("Add(%+v) error = %v, want ErrInvalid", bad, err)
		}
	}
}

// equalWindows compares windows by instant, not by location.
func equalWindows(a, b maint.Window) bool {
	return a.ID == b.ID && a.Title == b.Title && a.Kind == b.Kind && a.Start.Equal(b.Start) && a.End.Equal(b.End) &&
		a.Notice == b.Notice && slices.Equal(a.Scope, b.Scope) && a.CreatedBy == b.CreatedBy && a.Canceled == b.Canceled &&
		a.EndedAt.Equal(b.EndedAt) && a.StartedAt.Equal(b.StartedAt)
}

func TestMaintenanceStartEndCancel(t *testing.T) {
	t.Parallel()
	m := storagetest.Open(t).Maintenance()
	ctx := t.Context()
	var ids []string
	for i := range 3 {
		w, err := m.Add(ctx, maint.Window{Title: "w", Start: mwT0.Add(time.Duration(i+1) * time.Hour), End: mwT0.Add(time.Duration(i+3) * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
	early := mwT0.Add(30*time.Minute + 1500*time.Microsecond)
	started, err := m.StartNow(ctx, ids[0], early)
	if err != nil || !started.StartedAt.Equal(early.Truncate(time.Millisecond)) || started.Phase(early) != maint.PhaseActive {
		t.Fatalf("StartNow = %+v, %v", started, err)
	}
	ended, err := m.End(ctx, ids[0], mwT0.Add(time.Hour))
	if err != nil || !ended.EndedAt.Equal(mwT0.Add(time.Hour)) || ended.Phase(mwT0.Add(time.Hour)) != maint.PhaseEnded {
		t.Fatalf("End = %+v, %v", ended, err)
	}
	if got, _ := m.Get(ctx, ids[0]); !equalWindows(got, ended) {
		t.Fatalf("stored %+v\nwant %+v", got, ended)
	}
	canceled, err := m.Cancel(ctx, ids[1], mwT0)
	if err != nil || !canceled.Canceled || canceled.Phase(mwT0.Add(3*time.Hour)) != maint.PhaseCanceled {
		t.Fatalf("Cancel = %+v, %v", canceled, err)
	}

	// What the phase does not allow is a *maint.StateError, stored nothing.
	for _, c := range []struct {
		name string
		do   func() (maint.Window, error)
		want string
	}{
		{"end an ended window", func() (maint.Window, error) { return m.End(ctx, ids[0], mwT0.Add(90*time.Minute)) }, "M-1 has already ended."},
		{"start a canceled one", func() (maint.Window, error) { return m.StartNow(ctx, ids[1], mwT0) }, "M-2 was canceled."},
		{"end one not started", func() (maint.Window, error) { return m.End(ctx, ids[2], mwT0) }, "M-3 has not started yet: cancel it instead."},
		{"cancel an active one", func() (maint.Window, error) { return m.Cancel(ctx, ids[2], mwT0.Add(3*time.Hour)) }, "M-3 is active: end it instead."},
	} {
		var se *maint.StateError
		if _, err := c.do(); !errors.As(err, &se) || se.Error() != c.want {
			t.Errorf("%s: error = %v, want %q", c.name, err, c.want)
		}
	}
	if got, _ := m.Get(ctx, ids[2]); got.Canceled || !got.EndedAt.IsZero() || !got.StartedAt.IsZero() {
		t.Errorf("a refused change was stored: %+v", got)
	}
	for _, do := range []func() (maint.Window, error){
		func() (maint.Window, error) { return m.StartNow(ctx, "M-9", mwT0) },
		func() (maint.Window, error) { return m.End(ctx, "M-9", mwT0) },
		func() (maint.Window, error) { return m.Cancel(ctx, "M-9", mwT0) },
	} {
		if _, err := do(); !errors.Is(err, storage.ErrWindowNotFound) {
			t.Errorf("change of M-9: error = %v, want ErrWindowNotFound", err)
		}
	}
}

func TestMaintenanceOverrideAndPrune(t *testing.T) {
	t.Parallel()
	m := storagetest.Open(t).Maintenance()
	ctx := t.Context()
	occ := maint.DefaultRecurrences()[0].Occurrences(mwT0, mwT0.Add(31*24*time.Hour))[0]
	if occ.ID != "monthly-2026-12-06" {
		t.Fatalf("occurrence %s", occ.ID)
	}
	canceled, err := occ.CancelAt(mwT0)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Override(ctx, canceled); err != nil {
		t.Fatal(err)
	}
	got, err := m.Get(ctx, occ.ID)
	if err != nil || !equalWindows(got, canceled) {
		t.Fatalf("Get(override) = %+v, %v\nwant %+v", got, err, canceled)
	}
	// A second override replaces the first.
	occ.EndedAt = occ.Start.Add(time.Hour)
	if err := m.Override(ctx, occ); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Get(ctx, occ.ID); got.Canceled || !got.EndedAt.Equal(occ.EndedAt) {
		t.Fatalf("after a second override: %+v", got)
	}
	if got := idsOf(t)(m.List(ctx, occ.Start, occ.Start.Add(time.Minute))); !slices.Equal(got, []string{occ.ID}) {
		t.Fatalf("List = %v, want the override", got)
	}
	for _, bad := range []maint.Window{
		{ID: "M-1", Title: "stored", Kind: maint.KindRecurring, Start: mwT0, End: mwT0.Add(time.Hour)},
		{ID: "x-2026-12-06", Title: "one-off", Kind: maint.KindOneOff, Start: mwT0, End: mwT0.Add(time.Hour)},
		{Title: "no id", Kind: maint.KindRecurring, Start: mwT0, End: mwT0.Add(time.Hour)},
		{ID: "x-2026-12-06", Kind: maint.KindRecurring, Start: mwT0, End: mwT0.Add(time.Hour)},
	} {
		if err := m.Override(ctx, bad); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("Override(%+v) error = %v, want ErrInvalid", bad, err)
		}
	}

	// Prune goes by the scheduled end: the override ends Dec 6 04:00,
	// M-1 (ended early) Dec 2 12:00, M-2 Dec 10.
	w1, _ := m.Add(ctx, maint.Window{Title: "one", Start: mwT0.Add(time.Hour), End: mwT0.Add(26 * time.Hour)})
	if _, err := m.End(ctx, w1.ID, mwT0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Add(ctx, maint.Window{Title: "two", Start: mwT0.Add(8 * 24 * time.Hour), End: mwT0.Add(9 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if n, err := m.Prune(ctx, mwT0.Add(26*time.Hour)); err != nil || n != 0 {
		t.Fatalf("Prune at M-1's scheduled end = %d, %v; want 0", n, err)
	}
	if n, err := m.Prune(ctx, occ.End.Add(time.Millisecond)); err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2", n, err)
	}
	if got := idsOf(t)(m.List(ctx, mwT0, mwT0.Add(30*24*time.Hour))); !slices.Equal(got, []string{"M-2"}) {
		t.Errorf("after Prune = %v, want [M-2]", got)
	}
}

// Admins adding windows at once get distinct numbers.
func TestMaintenanceConcurrentAddsGetDistinctIDs(t *testing.T) {
	t.Parallel()
	m := storagetest.Open(t).Maintenance()
	const n = 8
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			w, err := m.Add(t.Context(), maint.Window{Title: "w", Start: mwT0, End: mwT0.Add(time.Hour)})
			if err != nil {
				t.Error(err)
			}
			ids[i] = w.ID
		})
	}
	wg.Wait()
	slices.Sort(ids)
	if got := slices.Compact(slices.Clone(ids)); len(got) != n {
		t.Fatalf("ids = %v, want %d distinct", ids, n)
	}
}
