package report_test

import (
	"context"
	"time"

	"github.com/opsbot/opsbot/storage"
)

// storageHour is a literal hour bucket: runs, ok runs (the rest warn),
// the duration sum and the latency histogram.
type storageHour struct {
	check   string
	hour    time.Time
	n, ok   int64
	durSum  float64
	latency []int64
}

// Hours returns the buckets of check in [from, to), as storage.History
// does.
func (h history) Hours(_ context.Context, check string, from, to time.Time) ([]storage.HourStats, error) {
	var out []storage.HourStats
	for _, b := range h {
		if b.check == check && !b.hour.Before(from.Truncate(time.Hour)) && b.hour.Before(to) {
			out = append(out, storage.HourStats{Check: check, Hour: b.hour, N: b.n, OK: b.ok, Warn: b.n - b.ok,
				DurationSumMS: b.durSum, Latency: b.latency})
		}
	}
	return out, nil
}
