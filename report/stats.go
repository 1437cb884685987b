package report

import (
	"math"

	"github.com/opsbot/opsbot/storage"
)

// Stats are a check's (or all checks') results in one period.
type Stats struct {
	// Results is the number of runs; OK, Warn and Crit split it.
	Results, OK, Warn, Crit int64
	// Availability is the share of ok runs, in percent: a warn run counts
	// as not available, since a degraded service is what the team wants
	// to see. 0 when there were no runs.
	Availability float64
	// ErrorRate is the share of crit (failed) runs, in percent.
	ErrorRate float64
	// AvgMS is the mean run duration in milliseconds, from the history's
	// sum of durations.
	AvgMS float64
	// P95MS is the 95th percentile of the run durations as far as the
	// history's latency histogram tells it: the upper bound of the bucket
	// holding the ceil(0.95·n)-th fastest run. It never understates the
	// percentile and overstates it by at most that bucket's width (e.g. a
	// true 260 ms reads 500 ms). When that run is in the open-ended last
	// bucket, P95Above is set and P95MS is the last bound, a lower limit.
	P95MS    float64
	P95Above bool
}

// Change compares a period with the previous one.
type Change struct {
	// Known is false when either period has no runs; the rest is then 0.
	Known bool
	// AvailabilityPP and ErrorRatePP are differences in percentage points.
	AvailabilityPP, ErrorRatePP float64
	// AvgPct and P95Pct are relative changes in percent; 0 when the
	// previous value is 0, where a ratio means nothing. A P95MS with
	// P95Above is a lower limit, and so is a change computed from it.
	AvgPct, P95Pct float64
}

// acc adds hour buckets up.
type acc struct {
	n, ok, warn, crit int64
	durSum            float64
	lat               []int64
}

func (a *acc) add(h storage.HourStats) {
	a.n += h.N
	a.ok += h.OK
	a.warn += h.Warn
	a.crit += h.Crit
	a.durSum += h.DurationSumMS
	if len(a.lat) < len(h.Latency) {
		a.lat = append(a.lat, make([]int64, len(h.Latency)-len(a.lat))...)
	}
	for i, c := range h.Latency {
		a.lat[i] += c
	}
}

func (a *acc) merge(b acc) {
	a.add(storage.HourStats{N: b.n, OK: b.ok, Warn: b.warn, Crit: b.crit, DurationSumMS: b.durSum, Latency: b.lat})
}

func (a acc) stats(bounds []float64) Stats {
	s := Stats{Results: a.n, OK: a.ok, Warn: a.warn, Crit: a.crit}
	if a.n == 0 {
		return s
	}
	n := float64(a.n)
	s.Availability = float64(a.ok) / n * 100
	s.ErrorRate = float64(a.crit) / n * 100
	s.AvgMS = a.durSum / n
	s.P95MS, s.P95Above = p95(a.lat, bounds)
	return s
}

// p95 returns the upper bound of the bucket holding the ceil(0.95·n)-th
// run of histogram lat (lat[i] counts runs of at most bounds[i] ms, the
// last entry those above every bound), and whether that is the open last
// bucket.
func p95(lat []int64, bounds []float64) (float64, bool) {
	var total int64
	for _, c := range lat {
		total += c
	}
	if total == 0 || len(bounds) == 0 {
		return 0, false
	}
	rank := (95*total + 99) / 100 // ceil(0.95·total), in integers
	var cum int64
	for i, c := range lat {
		cum += c
		if cum >= rank {
			if i >= len(bounds) {
				return bounds[len(bounds)-1], true
			}
			return bounds[i], false
		}
	}
	return bounds[len(bounds)-1], true
}

func change(cur, prev Stats) Change {
	if cur.Results == 0 || prev.Results == 0 {
		return Change{}
	}
	return Change{
		Known:          true,
		AvailabilityPP: cur.Availability - prev.Availability,
		ErrorRatePP:    cur.ErrorRate - prev.ErrorRate,
		AvgPct:         relative(cur.AvgMS, prev.AvgMS),
		P95Pct:         relative(cur.P95MS, prev.P95MS),
	}
}

func relative(cur, prev float64) float64 {
	if prev == 0 || math.IsNaN(prev) {
		return 0
	}
	return (cur - prev) / prev * 100
}
