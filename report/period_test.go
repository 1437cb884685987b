package report_test

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin without the host's zoneinfo

	"github.com/opsbot/opsbot/report"
)

func TestPeriodForCutsFullPeriodsAcrossMonthAndYearEnds(t *testing.T) {
	utc := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	msk := time.FixedZone("UTC+3", 3*3600)
	for _, tc := range []struct {
		name, kind               string
		now                      time.Time
		loc                      *time.Location
		from, to, prevFrom, prev time.Time // prev is prev.To, which must be from
	}{
		{"daily mid-day", report.Daily, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), nil,
			utc(2026, 3, 2), utc(2026, 3, 3), utc(2026, 3, 1), utc(2026, 3, 2)},
		{"daily over a leap-less February", report.Daily, time.Date(2026, 3, 1, 0, 30, 0, 0, time.UTC), time.UTC,
			utc(2026, 2, 28), utc(2026, 3, 1), utc(2026, 2, 27), utc(2026, 2, 28)},
		{"daily over the year end", report.Daily, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC,
			utc(2025, 12, 31), utc(2026, 1, 1), utc(2025, 12, 30), utc(2025, 12, 31)},
		// 2026-03-01 01:00 UTC is 04:00 on 1 March in UTC+3: yesterday there is 28 February.
		{"daily in the team's zone", report.Daily, time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), msk,
			time.Date(2026, 2, 28, 0, 0, 0, 0, msk), time.Date(2026, 3, 1, 0, 0, 0, 0, msk),
			time.Date(2026, 2, 27, 0, 0, 0, 0, msk), time.Date(2026, 2, 28, 0, 0, 0, 0, msk)},
		// 1 January 2026 is a Thursday: this week began Monday 29 December.
		{"weekly over the year end", report.Weekly, time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), nil,
			utc(2025, 12, 22), utc(2025, 12, 29), utc(2025, 12, 15), utc(2025, 12, 22)},
		// Monday 2 March 00:00 exactly: the week that just ended is complete.
		{"weekly on Monday midnight", report.Weekly, utc(2026, 3, 2), nil,
			utc(2026, 2, 23), utc(2026, 3, 2), utc(2026, 2, 16), utc(2026, 2, 23)},
		// Sunday 1 March 23:59 is still in the week of 23 February.
		{"weekly on Sunday night", report.Weekly, time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC), nil,
			utc(2026, 2, 16), utc(2026, 2, 23), utc(2026, 2, 9), utc(2026, 2, 16)},
		{"monthly over the year end", report.Monthly, time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC), nil,
			utc(2025, 12, 1), utc(2026, 1, 1), utc(2025, 11, 1), utc(2025, 12, 1)},
		{"monthly at the 1st's midnight", report.Monthly, utc(2026, 1, 1), nil,
			utc(2025, 12, 1), utc(2026, 1, 1), utc(2025, 11, 1), utc(2025, 12, 1)},
		{"monthly February from the 31st", report.Monthly, time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC), nil,
			utc(2026, 2, 1), utc(2026, 3, 1), utc(2026, 1, 1), utc(2026, 2, 1)},
		{"monthly, previous over the year end", report.Monthly, time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC), nil,
			utc(2026, 1, 1), utc(2026, 2, 1), utc(2025, 12, 1), utc(2026, 1, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cur, prev, err := report.PeriodFor(tc.kind, tc.now, tc.loc)
			if err != nil {
				t.Fatal(err)
			}
			if cur.Kind != tc.kind || prev.Kind != tc.kind || !cur.From.Equal(tc.from) || !cur.To.Equal(tc.to) ||
				!prev.From.Equal(tc.prevFrom) || !prev.To.Equal(tc.prev) {
				t.Fatalf("PeriodFor(%s, %s) = %v–%v, prev %v–%v; want %v–%v, prev %v–%v", tc.kind, tc.now,
					cur.From, cur.To, prev.From, prev.To, tc.from, tc.to, tc.prevFrom, tc.prev)
			}
		})
	}
}

func TestPeriodForFollowsDaylightSaving(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Clocks went forward on Sunday 29 March 2026 at 02:00: that day had 23 hours.
	cur, prev, err := report.PeriodFor(report.Daily, time.Date(2026, 3, 30, 8, 0, 0, 0, berlin), berlin)
	if err != nil {
		t.Fatal(err)
	}
	if got := cur.To.Sub(cur.From); got != 23*time.Hour || cur.From.Day() != 29 {
		t.Fatalf("29 March in Berlin: %v–%v (%v long); want 23h", cur.From, cur.To, got)
	}
	if got := prev.To.Sub(prev.From); got != 24*time.Hour {
		t.Fatalf("28 March in Berlin is %v long", got)
	}
}

func TestPeriodForRejectsUnknownKinds(t *testing.T) {
	for _, kind := range []string{"", "yearly", "Daily"} {
		if _, _, err := report.PeriodFor(kind, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), nil); err == nil {
			t.Errorf("PeriodFor(%q) accepted", kind)
		}
	}
}
