package maint

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// MaxRecurringDuration bounds a recurring window. Windows of the checklist
// last 2 and 4 hours; the bound lets [Calendar] find every occurrence
// active at a moment by looking back a fixed span, and keeps an occurrence
// from overlapping the next one of its own recurrence.
const MaxRecurringDuration = 24 * time.Hour

// Recurrence is a window that repeats on a weekday of the month: "the
// first Sunday of every month, 02:00 for 2h".
type Recurrence struct {
	// Name is the start of its windows' ids ("monthly" gives
	// "monthly-2026-12-06"): lower-case letters, digits and '-', starting
	// with a letter.
	Name    string
	Weekday time.Weekday
	// Nth is which of the month's Weekdays: 1 to 4, or -1 for the last.
	Nth int
	// Months are the months it happens in; empty is every month.
	Months []time.Month
	// Start is the local start time, "02:00".
	Start string
	// Duration is elapsed time, not wall-clock time: on a day when the
	// clocks change, a 2h window still lasts 2h.
	Duration time.Duration
	// Location is the time zone of Start and of the date; nil is UTC.
	Location *time.Location
	// Notice is how long before the start users are told.
	Notice time.Duration
	// Scope lists check names or path.Match patterns; empty is all checks.
	Scope []string
	// Title names its windows; empty uses Name.
	Title string
}

// DefaultRecurrences returns the maintenance windows of the monitoring
// checklist: monthly on the first Sunday, 02:00-04:00 UTC, announced 7
// days ahead (dependency updates, security patches, configuration); and
// quarterly on the first Sunday of January, April, July and October,
// 01:00-05:00 UTC, announced 14 days ahead (major updates, compliance
// audit, disaster recovery test). In a quarter's first month both happen
// on the same Sunday, as the checklist has them; the quarterly window
// contains the monthly one.
func DefaultRecurrences() []Recurrence {
	return []Recurrence{{
		Name: "monthly", Weekday: time.Sunday, Nth: 1,
		Start: "02:00", Duration: 2 * time.Hour, Location: time.UTC,
		Notice: 7 * 24 * time.Hour, Title: "Monthly maintenance",
	}, {
		Name: "quarterly", Weekday: time.Sunday, Nth: 1,
		Months: []time.Month{time.January, time.April, time.July, time.October},
		Start:  "01:00", Duration: 4 * time.Hour, Location: time.UTC,
		Notice: 14 * 24 * time.Hour, Title: "Quarterly maintenance",
	}}
}

// Validate reports what is wrong with r, one problem per field, each
// wrapping ErrInvalid and naming the field as config spells it.
func (r Recurrence) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: maintenance %q: %s: %s", ErrInvalid, r.Name, field, fmt.Sprintf(format, args...)))
	}
	if !validName(r.Name) {
		bad("name", "%q must be lower-case letters, digits and '-', starting with a letter", r.Name)
	}
	if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
		bad("weekday", "%d is not a weekday", int(r.Weekday))
	}
	if r.Nth != -1 && (r.Nth < 1 || r.Nth > 4) {
		bad("nth", "%d is not 1 to 4, or -1 for the last", r.Nth)
	}
	for i, m := range r.Months {
		if m < time.January || m > time.December {
			bad("months", "%d is not a month", int(m))
		} else if slices.Contains(r.Months[:i], m) {
			bad("months", "%s is listed twice", m)
		}
	}
	if _, _, ok := parseClock(r.Start); !ok {
		bad("start", "%q is not a time like 02:00", r.Start)
	}
	if r.Duration <= 0 || r.Duration > MaxRecurringDuration {
		bad("duration", "%s is not more than 0 and at most %s", r.Duration, MaxRecurringDuration)
	}
	if r.Notice < 0 {
		bad("notice", "%s is negative", r.Notice)
	}
	if err := validScope(r.Scope); err != nil {
		bad("scope", "%v", err)
	}
	return errors.Join(errs...)
}

func validName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' || strings.HasSuffix(s, "-") {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// parseClock reads "HH:MM", 00:00 to 23:59.
func parseClock(s string) (hour, minute int, ok bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, 0, false
		}
	}
	hour, minute = int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	return hour, minute, hour < 24 && minute < 60
}

func (r Recurrence) location() *time.Location {
	if r.Location == nil {
		return time.UTC
	}
	return r.Location
}

// Occurrences returns r's windows that start in [from, to), in order, with
// times in UTC; an invalid r has none (Validate it when loading config).
//
// Each start is time.Date(year, month, day, hh, mm, 0, 0, r.Location), so
// the date and the wall-clock time are the local ones whatever the UTC
// offset of that day. When the start falls into a gap or an overlap of a
// clock change, it is what Go's time.Date makes of it, which depends on
// the zone's side of UTC:
//
//   - Europe/Berlin, 02:00 on 2026-03-29 (clocks jump 02:00→03:00): 03:00
//     CEST, 01:00 UTC, the moment of the jump;
//   - America/New_York, 02:00 on 2026-03-08 (clocks jump 02:00→03:00):
//     01:00 EST, 06:00 UTC, an hour before the jump;
//   - an overlap (the hour that happens twice) gives the first of the two
//     in America/New_York (01:30 on 2026-11-01 is EDT) and the second in
//     Europe/Berlin (02:30 on 2026-10-25 is CET).
//
// The end is the start plus Duration, elapsed time. The ID carries the
// local date the rule names, not the normalised one. Windows of two
// recurrences on the same day (monthly and quarterly) are both returned;
// merging them is the caller's choice.
func (r Recurrence) Occurrences(from, to time.Time) []Window {
	if !from.Before(to) || r.Validate() != nil {
		return nil
	}
	loc := r.location()
	fy, fm, _ := from.In(loc).Date()
	ty, tm, _ := to.In(loc).Date()
	var out []Window
	// From the month before from's: a start normalised by a clock change
	// moves by an hour, which may cross into the previous month's last
	// day but never further.
	for i := fy*12 + int(fm) - 2; i <= ty*12+int(tm)-1; i++ {
		y, m := i/12, time.Month(i%12+1)
		if len(r.Months) > 0 && !slices.Contains(r.Months, m) {
			continue
		}
		w := r.occurrence(y, m)
		if !w.Start.Before(from) && w.Start.Before(to) {
			out = append(out, w)
		}
	}
	return out
}

// occurrence returns r's window in month m of year y; r must be valid.
func (r Recurrence) occurrence(y int, m time.Month) Window {
	day := r.day(y, m)
	hh, mm, _ := parseClock(r.Start)
	start := time.Date(y, m, day, hh, mm, 0, 0, r.location()).UTC()
	title := r.Title
	if title == "" {
		title = r.Name
	}
	return Window{
		ID:     fmt.Sprintf("%s-%04d-%02d-%02d", r.Name, y, int(m), day),
		Title:  title,
		Kind:   KindRecurring,
		Start:  start,
		End:    start.Add(r.Duration),
		Notice: r.Notice,
		Scope:  slices.Clone(r.Scope),
	}
}

// day returns the day of month of r's weekday in month m of year y.
func (r Recurrence) day(y int, m time.Month) int {
	if r.Nth > 0 {
		first := time.Date(y, m, 1, 12, 0, 0, 0, time.UTC).Weekday()
		return 1 + (int(r.Weekday)-int(first)+7)%7 + (r.Nth-1)*7
	}
	last := time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC)
	return last.Day() - (int(last.Weekday())-int(r.Weekday)+7)%7
}

// byID returns the occurrence of r whose ID is id, if id names one: the
// recurrence's name, then a local date on which r happens.
func (r Recurrence) byID(id string) (Window, bool) {
	date, ok := strings.CutPrefix(id, r.Name+"-")
	if !ok || r.Validate() != nil {
		return Window{}, false
	}
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		return Window{}, false
	}
	if len(r.Months) > 0 && !slices.Contains(r.Months, d.Month()) {
		return Window{}, false
	}
	w := r.occurrence(d.Year(), d.Month())
	if w.ID != id {
		return Window{}, false
	}
	return w, true
}

// ValidateRecurrences validates each of rs and checks that their names
// are distinct: two recurrences of one name would give their windows one
// id, and an override or a notice's once-claim of one would hit both.
func ValidateRecurrences(rs []Recurrence) error {
	var errs []error
	for i, r := range rs {
		errs = append(errs, r.Validate())
		if slices.ContainsFunc(rs[:i], func(o Recurrence) bool { return o.Name == r.Name }) {
			errs = append(errs, fmt.Errorf("%w: maintenance %q: name: used twice", ErrInvalid, r.Name))
		}
	}
	return errors.Join(errs...)
}
