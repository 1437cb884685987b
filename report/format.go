package report

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// availability formats a percentage rounded down, so that 99.999% never
// reads "100.00%" and hides a failure.
func availability(v float64) string {
	if v >= 100 {
		return "100%"
	}
	return strconv.FormatFloat(math.Floor(v*100)/100, 'f', 2, 64) + "%"
}

// errorRate formats a percentage rounded up, so that one failed run in
// a million never reads "0.00%".
func errorRate(v float64) string {
	if v <= 0 {
		return "0%"
	}
	return strconv.FormatFloat(math.Ceil(v*100)/100, 'f', 2, 64) + "%"
}

// points formats a change in percentage points: "+0.25 pp".
func points(v float64) string { return fmt.Sprintf("%+.2f pp", v) }

// relativeChange formats a relative change: "+12%".
func relativeChange(v float64) string { return fmt.Sprintf("%+.0f%%", v) }

// millis formats a duration in milliseconds: "85 ms", "2.35 s".
func millis(ms float64) string {
	if ms < 1000 {
		return strconv.FormatFloat(math.Round(ms), 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
}

// p95Text formats a Stats' percentile, "&gt;10.00 s" when open-ended.
func p95Text(s Stats) string {
	if s.P95Above {
		return ">" + millis(s.P95MS)
	}
	return millis(s.P95MS)
}

// clip shortens s to n runes, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// label names a period for people: "Mon 2 Mar 2026", "23 Feb – 1 Mar
// 2026", "February 2026", with the time zone.
func label(p Period) string {
	from, last := p.From, p.To.AddDate(0, 0, -1)
	var s string
	switch p.Kind {
	case Daily:
		s = from.Format("Mon 2 Jan 2006")
	case Weekly:
		if from.Year() == last.Year() {
			s = from.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
		} else {
			s = from.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
		}
	default:
		s = from.Format("January 2006")
	}
	return s + " (" + from.Location().String() + ")"
}

// count formats n with its noun: "1 run", "30 runs".
func count(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}
