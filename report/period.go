package report

import (
	"fmt"
	"time"
)

// The kinds of period a digest covers.
const (
	Daily   = "daily"
	Weekly  = "weekly"
	Monthly = "monthly"
)

// Period is the span a digest covers: From (inclusive) to To (exclusive),
// both at midnight in the digest's time zone.
type Period struct {
	// Kind is Daily, Weekly or Monthly.
	Kind     string
	From, To time.Time
}

// Contains reports whether t lies in [From, To).
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// PeriodFor returns the last full period of kind before now, in loc (nil
// means UTC), and the one before it, which the digest compares against.
// Daily is yesterday 00:00 to today 00:00; weekly is the last full week,
// Monday 00:00 to Monday 00:00 (ISO weeks, as European ops teams count
// them); monthly is the last full calendar month. A digest is run after
// its period ended, so the period is always complete. Boundaries are
// built with time.Date rather than by adding 24 hours, so a day with a
// daylight saving change is 23 or 25 hours long, as the people reading
// the digest experience it.
func PeriodFor(kind string, now time.Time, loc *time.Location) (cur, prev Period, err error) {
	if loc == nil {
		loc = time.UTC
	}
	t := now.In(loc)
	y, m, d := t.Date()
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	switch kind {
	case Daily:
		cur = Period{Kind: kind, From: at(y, m, d-1), To: at(y, m, d)}
		prev = Period{Kind: kind, From: at(y, m, d-2), To: cur.From}
	case Weekly:
		monday := d - (int(t.Weekday())+6)%7
		cur = Period{Kind: kind, From: at(y, m, monday-7), To: at(y, m, monday)}
		prev = Period{Kind: kind, From: at(y, m, monday-14), To: cur.From}
	case Monthly:
		cur = Period{Kind: kind, From: at(y, m-1, 1), To: at(y, m, 1)}
		prev = Period{Kind: kind, From: at(y, m-2, 1), To: cur.From}
	default:
		return Period{}, Period{}, fmt.Errorf("report: unknown period %q (want daily, weekly or monthly)", kind)
	}
	return cur, prev, nil
}
