package maint_test

import (
	"slices"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/maint"
)

// keyed is a notice's key and time, for comparing notices.
type keyed struct {
	Key string
	At  time.Time
}

func keys(ns []maint.Notice) []keyed {
	out := []keyed{}
	for _, n := range ns {
		out = append(out, keyed{n.Key(), n.At})
	}
	return out
}

func TestNoticesOfAWindow(t *testing.T) {
	monthly, _ := defaults(t)
	w := monthly.Occurrences(utc(2026, 12, 1, 0, 0), utc(2027, 1, 1, 0, 0))[0]
	want := []keyed{
		{"monthly-2026-12-06/ahead", utc(2026, 11, 29, 2, 0)},
		{"monthly-2026-12-06/hour", utc(2026, 12, 6, 1, 0)},
		{"monthly-2026-12-06/start", utc(2026, 12, 6, 2, 0)},
		{"monthly-2026-12-06/end", utc(2026, 12, 6, 4, 0)},
	}
	if got := keys(w.Notices()); !slices.Equal(got, want) {
		t.Errorf("Notices = %v\nwant %v", got, want)
	}
	kinds := func(w maint.Window) []maint.NoticeKind {
		var out []maint.NoticeKind
		for _, n := range w.Notices() {
			out = append(out, n.Kind)
		}
		return out
	}
	for notice, want := range map[time.Duration][]maint.NoticeKind{
		time.Hour + 1:    {maint.NoticeAhead, maint.NoticeHour, maint.NoticeStart, maint.NoticeEnd},
		time.Hour:        {maint.NoticeHour, maint.NoticeStart, maint.NoticeEnd},
		time.Hour - 1:    {maint.NoticeStart, maint.NoticeEnd},
		30 * time.Minute: {maint.NoticeStart, maint.NoticeEnd},
		0:                {maint.NoticeStart, maint.NoticeEnd},
	} {
		w := win()
		w.Notice = notice
		if got := kinds(w); !slices.Equal(got, want) {
			t.Errorf("notice %s: %v, want %v", notice, got, want)
		}
	}

	// An early start moves the start notice and drops the reminder it
	// overtook; an early end moves the end notice; a cancel drops them all.
	early := win()
	early.StartedAt, early.EndedAt = early.Start.Add(-90*time.Minute), early.Start.Add(time.Hour)
	if got := keys(early.Notices()); !slices.Equal(got, []keyed{
		{"M-3/ahead", utc(2026, 12, 5, 2, 0)},
		{"M-3/start", utc(2026, 12, 6, 0, 30)},
		{"M-3/end", utc(2026, 12, 6, 3, 0)},
	}) {
		t.Errorf("early start and end: %v", got)
	}
	early.StartedAt = early.Start.Add(-maint.MaxEarlyStart)
	if got := kinds(early); !slices.Equal(got, []maint.NoticeKind{maint.NoticeStart, maint.NoticeEnd}) {
		t.Errorf("started before its notice: %v", got)
	}
	canceled := win()
	canceled.Canceled = true
	if got := canceled.Notices(); got != nil {
		t.Errorf("canceled: %v", got)
	}
}

func TestDueInTimeOrder(t *testing.T) {
	monthly, quarterly := defaults(t)
	from, to := utc(2026, 12, 1, 0, 0), utc(2027, 2, 1, 0, 0)
	windows := append(monthly.Occurrences(from, to), quarterly.Occurrences(from, to)...)
	tick := func(from, to time.Time) []keyed { return keys(maint.Due(windows, from, to)) }

	// The morning of Jan 3 2027: the quarterly window 01:00-05:00 holds the monthly one.
	want := []keyed{
		{"quarterly-2027-01-03/hour", utc(2027, 1, 3, 0, 0)},
		{"monthly-2027-01-03/hour", utc(2027, 1, 3, 1, 0)},
		{"quarterly-2027-01-03/start", utc(2027, 1, 3, 1, 0)},
		{"monthly-2027-01-03/start", utc(2027, 1, 3, 2, 0)},
		{"monthly-2027-01-03/end", utc(2027, 1, 3, 4, 0)},
		{"quarterly-2027-01-03/end", utc(2027, 1, 3, 5, 0)},
	}
	if got := tick(utc(2027, 1, 2, 12, 0), utc(2027, 1, 3, 12, 0)); !slices.Equal(got, want) {
		t.Errorf("Jan 3 = %v\nwant %v", got, want)
	}
	// Advance notices: the quarterly one 14 days ahead, in December.
	if got := tick(utc(2026, 12, 19, 0, 0), utc(2026, 12, 28, 0, 0)); !slices.Equal(got, []keyed{
		{"quarterly-2027-01-03/ahead", utc(2026, 12, 20, 1, 0)},
		{"monthly-2027-01-03/ahead", utc(2026, 12, 27, 2, 0)},
	}) {
		t.Errorf("advance notices = %v", got)
	}
	// (from, to]: a notice at to is due on this tick, one at from was due on the last.
	at := utc(2027, 1, 3, 2, 0)
	if got := tick(at.Add(-1), at); !slices.Equal(got, []keyed{{"monthly-2027-01-03/start", at}}) {
		t.Errorf("tick ending at the start = %v", got)
	}
	if got := tick(at, at.Add(time.Minute)); len(got) != 0 {
		t.Errorf("tick starting at the start = %v", got)
	}
	// Consecutive ticks see every notice once: 4 of each of the three
	// windows, but Dec 6's advance notice, due on Nov 29, before from.
	var all []keyed
	for t0 := from; t0.Before(to); t0 = t0.Add(7 * time.Minute) {
		all = append(all, tick(t0, t0.Add(7*time.Minute))...)
	}
	if len(all) != 3*4-1 || !slices.IsSortedFunc(all, func(a, b keyed) int { return a.At.Compare(b.At) }) {
		t.Errorf("ticks saw %d notices (want 11), in order: %v", len(all), all)
	}
}
