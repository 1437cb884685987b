package report

import (
	"time"

	"github.com/opsbot/opsbot/storage"
)

// HourPoint is one hour of the period, every reported check combined.
type HourPoint struct {
	// Hour is the bucket's start, in UTC as the history keeps it.
	Hour time.Time
	// Results and OK count the runs; Availability (percent) and AvgMS
	// (mean duration) are 0 when Results is 0.
	Results, OK  int64
	Availability float64
	AvgMS        float64
}

// hours collects the period's hourly points.
type hours struct {
	start time.Time
	acc   []acc
}

func newHours(p Period) *hours {
	start := p.From.UTC().Truncate(time.Hour)
	if start.Before(p.From) {
		start = start.Add(time.Hour)
	}
	n := 0
	for t := start; t.Before(p.To); t = t.Add(time.Hour) {
		n++
	}
	return &hours{start: start, acc: make([]acc, n)}
}

func (hs *hours) add(h storage.HourStats) {
	i := int(h.Hour.Sub(hs.start) / time.Hour)
	if i >= 0 && i < len(hs.acc) {
		hs.acc[i].add(h)
	}
}

func (hs *hours) points() []HourPoint {
	out := make([]HourPoint, len(hs.acc))
	for i, a := range hs.acc {
		out[i] = HourPoint{Hour: hs.start.Add(time.Duration(i) * time.Hour), Results: a.n, OK: a.ok}
		if a.n > 0 {
			out[i].Availability = float64(a.ok) / float64(a.n) * 100
			out[i].AvgMS = a.durSum / float64(a.n)
		}
	}
	return out
}
