package maint_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/maint"
)

func utc(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
}

// span is a window's id and UTC span, for comparing occurrences.
type span struct {
	ID         string
	Start, End time.Time
}

func spans(ws []maint.Window) []span {
	out := []span{}
	for _, w := range ws {
		if w.Start.Location() != time.UTC || w.End.Location() != time.UTC {
			panic("occurrence not in UTC: " + w.ID)
		}
		out = append(out, span{w.ID, w.Start, w.End})
	}
	return out
}

func defaults(t *testing.T) (monthly, quarterly maint.Recurrence) {
	t.Helper()
	rs := maint.DefaultRecurrences()
	if len(rs) != 2 {
		t.Fatalf("DefaultRecurrences = %d, want 2", len(rs))
	}
	for _, r := range rs {
		if err := r.Validate(); err != nil {
			t.Fatalf("default %s: %v", r.Name, err)
		}
	}
	return rs[0], rs[1]
}

func TestDefaultRecurrencesAreTheChecklistsWindows(t *testing.T) {
	monthly, quarterly := defaults(t)
	if monthly.Title != "Monthly maintenance" || monthly.Notice != 7*24*time.Hour || monthly.Location != time.UTC ||
		quarterly.Title != "Quarterly maintenance" || quarterly.Notice != 14*24*time.Hour || quarterly.Location != time.UTC {
		t.Fatalf("defaults: %+v\n%+v", monthly, quarterly)
	}
	// Across the year end: Dec 1 2026 is a Tuesday, Jan 1 2027 a Friday.
	from, to := utc(2026, 12, 1, 0, 0), utc(2027, 2, 1, 0, 0)
	want := []span{
		{"monthly-2026-12-06", utc(2026, 12, 6, 2, 0), utc(2026, 12, 6, 4, 0)},
		{"monthly-2027-01-03", utc(2027, 1, 3, 2, 0), utc(2027, 1, 3, 4, 0)},
	}
	if got := spans(monthly.Occurrences(from, to)); !slices.Equal(got, want) {
		t.Errorf("monthly = %v\nwant %v", got, want)
	}
	// The quarterly window falls on the monthly one's day; both are returned.
	want = []span{{"quarterly-2027-01-03", utc(2027, 1, 3, 1, 0), utc(2027, 1, 3, 5, 0)}}
	ws := quarterly.Occurrences(from, to)
	if got := spans(ws); !slices.Equal(got, want) {
		t.Errorf("quarterly = %v\nwant %v", got, want)
	}
	if w := ws[0]; w.Kind != maint.KindRecurring || w.Title != "Quarterly maintenance" || w.Notice != 14*24*time.Hour || w.Scope != nil {
		t.Errorf("quarterly window = %+v", w)
	}
}

func TestQuarterlyOnTheFirstSundayOfEachQuarter(t *testing.T) {
	_, quarterly := defaults(t)
	var got []string
	for _, w := range quarterly.Occurrences(utc(2026, 1, 1, 0, 0), utc(2028, 1, 1, 0, 0)) {
		got = append(got, w.ID)
	}
	want := []string{
		"quarterly-2026-01-04", "quarterly-2026-04-05", "quarterly-2026-07-05", "quarterly-2026-10-04",
		"quarterly-2027-01-03", "quarterly-2027-04-04", "quarterly-2027-07-04", "quarterly-2027-10-03",
	}
	if !slices.Equal(got, want) {
		t.Errorf("quarterly 2026-2027 = %v\nwant %v", got, want)
	}
	// from is inclusive and to exclusive, to the nanosecond.
	start := utc(2026, 4, 5, 1, 0)
	for _, c := range []struct {
		from, to time.Time
		n        int
	}{
		{start, start.Add(1), 1},
		{start.Add(-1), start, 0},
		{start.Add(1), start.Add(time.Hour), 0},
		{start, start, 0},
		{start.Add(time.Hour), start, 0},
	} {
		if got := quarterly.Occurrences(c.from, c.to); len(got) != c.n {
			t.Errorf("Occurrences(%v, %v) = %v, want %d", c.from, c.to, spans(got), c.n)
		}
	}
}

func TestMonthsStartingOnTheWeekday(t *testing.T) {
	monthly, _ := defaults(t)
	// Feb 1, Mar 1 and Nov 1 2026 are Sundays: the first Sunday is the 1st.
	var got []string
	for _, w := range monthly.Occurrences(utc(2026, 1, 5, 0, 0), utc(2026, 12, 1, 0, 0)) {
		got = append(got, strings.TrimPrefix(w.ID, "monthly-"))
	}
	want := []string{"2026-02-01", "2026-03-01", "2026-04-05", "2026-05-03", "2026-06-07", "2026-07-05",
		"2026-08-02", "2026-09-06", "2026-10-04", "2026-11-01"}
	if !slices.Equal(got, want) {
		t.Errorf("monthly Feb-Nov 2026 = %v\nwant %v", got, want)
	}
	// A window on the 1st at 00:30 UTC is found from the month's first moment.
	early := maint.Recurrence{Name: "early", Weekday: time.Sunday, Nth: 1, Start: "00:30", Duration: time.Hour}
	if got := spans(early.Occurrences(utc(2026, 2, 1, 0, 0), utc(2026, 2, 2, 0, 0))); !slices.Equal(got, []span{{"early-2026-02-01", utc(2026, 2, 1, 0, 30), utc(2026, 2, 1, 1, 30)}}) {
		t.Errorf("early = %v", got)
	}
	// The last and the fourth Sunday, in a month with five (Mar 2026) and
	// one with four (Feb 2026).
	last := maint.Recurrence{Name: "last", Weekday: time.Sunday, Nth: -1, Start: "23:00", Duration: time.Hour}
	fourth := maint.Recurrence{Name: "fourth", Weekday: time.Sunday, Nth: 4, Start: "23:00", Duration: time.Hour}
	from, to := utc(2026, 2, 1, 0, 0), utc(2026, 4, 1, 0, 0)
	if got := spans(last.Occurrences(from, to)); !slices.Equal(got, []span{
		{"last-2026-02-22", utc(2026, 2, 22, 23, 0), utc(2026, 2, 23, 0, 0)},
		{"last-2026-03-29", utc(2026, 3, 29, 23, 0), utc(2026, 3, 30, 0, 0)},
	}) {
		t.Errorf("last Sundays = %v", got)
	}
	if got := spans(fourth.Occurrences(from, to)); !slices.Equal(got, []span{
		{"fourth-2026-02-22", utc(2026, 2, 22, 23, 0), utc(2026, 2, 23, 0, 0)},
		{"fourth-2026-03-22", utc(2026, 3, 22, 23, 0), utc(2026, 3, 23, 0, 0)},
	}) {
		t.Errorf("fourth Sundays = %v", got)
	}
}

func TestOccurrencesAcrossClockChanges(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, c := range []struct {
		name string
		r    maint.Recurrence
		from time.Time
		want span
	}{
		// An ordinary Sunday keeps the local wall-clock time: 02:00 CET, then 02:00 CEST.
		{"Berlin in winter", maint.Recurrence{Name: "b", Weekday: time.Sunday, Nth: 1, Start: "02:00", Duration: 2 * time.Hour, Location: berlin},
			utc(2026, 3, 1, 0, 0), span{"b-2026-03-01", utc(2026, 3, 1, 1, 0), utc(2026, 3, 1, 3, 0)}},
		{"Berlin in summer", maint.Recurrence{Name: "b", Weekday: time.Sunday, Nth: 1, Start: "02:00", Duration: 2 * time.Hour, Location: berlin},
			utc(2026, 4, 1, 0, 0), span{"b-2026-04-05", utc(2026, 4, 5, 0, 0), utc(2026, 4, 5, 2, 0)}},
		// 02:00 does not exist on 2026-03-29: time.Date gives 03:00 CEST, the moment of the jump.
		{"Berlin spring forward", maint.Recurrence{Name: "b", Weekday: time.Sunday, Nth: -1, Start: "02:00", Duration: 2 * time.Hour, Location: berlin},
			utc(2026, 3, 2, 0, 0), span{"b-2026-03-29", utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 3, 0)}},
		// 02:30 happens twice on 2026-10-25: time.Date takes the second, CET.
		{"Berlin fall back", maint.Recurrence{Name: "b", Weekday: time.Sunday, Nth: -1, Start: "02:30", Duration: time.Hour, Location: berlin},
			utc(2026, 10, 2, 0, 0), span{"b-2026-10-25", utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 2, 30)}},
		// 02:00 does not exist on 2026-03-08: time.Date gives 01:00 EST, an hour before the jump.
		{"New York spring forward", maint.Recurrence{Name: "ny", Weekday: time.Sunday, Nth: 2, Start: "02:00", Duration: 2 * time.Hour, Location: newYork},
			utc(2026, 3, 1, 0, 0), span{"ny-2026-03-08", utc(2026, 3, 8, 6, 0), utc(2026, 3, 8, 8, 0)}},
		{"New York a week later", maint.Recurrence{Name: "ny", Weekday: time.Sunday, Nth: 3, Start: "02:00", Duration: 2 * time.Hour, Location: newYork},
			utc(2026, 3, 1, 0, 0), span{"ny-2026-03-15", utc(2026, 3, 15, 6, 0), utc(2026, 3, 15, 8, 0)}},
		// 01:30 happens twice on 2026-11-01: time.Date takes the first, EDT.
		{"New York fall back", maint.Recurrence{Name: "ny", Weekday: time.Sunday, Nth: 1, Start: "01:30", Duration: 2 * time.Hour, Location: newYork},
			utc(2026, 10, 5, 0, 0), span{"ny-2026-11-01", utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 7, 30)}},
	} {
		got := spans(c.r.Occurrences(c.from, c.from.AddDate(0, 1, 0)))
		if len(got) == 0 || got[0] != c.want {
			t.Errorf("%s: %v, want first %v", c.name, got, c.want)
		}
	}
}

func TestRecurrenceValidateNamesTheField(t *testing.T) {
	ok := maint.Recurrence{Name: "patch-2", Weekday: time.Tuesday, Nth: 2, Start: "22:00", Duration: 3 * time.Hour, Scope: []string{"db-*"}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid: %v", err)
	}
	for _, c := range []struct {
		field string
		bad   func(*maint.Recurrence)
	}{
		{"name", func(r *maint.Recurrence) { r.Name = "" }},
		{"name", func(r *maint.Recurrence) { r.Name = "Monthly" }},
		{"name", func(r *maint.Recurrence) { r.Name = "2nd" }},
		{"name", func(r *maint.Recurrence) { r.Name = "a/b" }},
		{"name", func(r *maint.Recurrence) { r.Name = "patch-" }},
		{"weekday", func(r *maint.Recurrence) { r.Weekday = 7 }},
		{"nth", func(r *maint.Recurrence) { r.Nth = 0 }},
		{"nth", func(r *maint.Recurrence) { r.Nth = 5 }},
		{"nth", func(r *maint.Recurrence) { r.Nth = -2 }},
		{"months", func(r *maint.Recurrence) { r.Months = []time.Month{13} }},
		{"months", func(r *maint.Recurrence) { r.Months = []time.Month{time.May, time.May} }},
		{"start", func(r *maint.Recurrence) { r.Start = "2:00" }},
		{"start", func(r *maint.Recurrence) { r.Start = "24:00" }},
		{"start", func(r *maint.Recurrence) { r.Start = "02:60" }},
		{"start", func(r *maint.Recurrence) { r.Start = "" }},
		{"duration", func(r *maint.Recurrence) { r.Duration = 0 }},
		{"duration", func(r *maint.Recurrence) { r.Duration = 25 * time.Hour }},
		{"notice", func(r *maint.Recurrence) { r.Notice = -time.Hour }},
		{"scope", func(r *maint.Recurrence) { r.Scope = []string{"db-["} }},
		{"scope", func(r *maint.Recurrence) { r.Scope = []string{" "} }},
	} {
		r := ok
		c.bad(&r)
		err := r.Validate()
		if !errors.Is(err, maint.ErrInvalid) || !strings.Contains(err.Error(), ": "+c.field+": ") {
			t.Errorf("%+v: error = %v, want one naming %s", r, err, c.field)
		}
		if got := r.Occurrences(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)); got != nil {
			t.Errorf("invalid %+v has occurrences %v", r, spans(got))
		}
	}
	// Every problem is reported, one line each.
	err := maint.Recurrence{Weekday: -1, Nth: 9}.Validate()
	for _, field := range []string{"name", "weekday", "nth", "start", "duration"} {
		if !strings.Contains(err.Error(), ": "+field+": ") {
			t.Errorf("joined error misses %s:\n%v", field, err)
		}
	}
}

func TestValidateRecurrencesWantsDistinctNames(t *testing.T) {
	rs := maint.DefaultRecurrences()
	if err := maint.ValidateRecurrences(rs); err != nil {
		t.Fatal(err)
	}
	rs[1].Name = "monthly"
	if err := maint.ValidateRecurrences(rs); !errors.Is(err, maint.ErrInvalid) || !strings.Contains(err.Error(), `"monthly": name: used twice`) {
		t.Errorf("duplicate names: %v", err)
	}
	rs[1].Nth = 0
	if err := maint.ValidateRecurrences(rs); err == nil || !strings.Contains(err.Error(), ": nth: ") {
		t.Errorf("an invalid one: %v", err)
	}
}
