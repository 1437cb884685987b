package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/checks"
)

// HistoryCollection holds check results as per-hour statistics.
const HistoryCollection = "check_history"

// LatencyBuckets are the upper bounds, in milliseconds, of the latency
// histogram kept per hour; the last bucket is everything above.
var latencyBounds = []float64{50, 100, 250, 500, 1000, 2500, 5000, 10000}

// History keeps check results as bounded statistics: one document per check
// per UTC day, keyed by _id "<check>|<YYYY-MM-DD>", holding 24 hour buckets
// of counts, sums and a latency histogram. Reading a day for one check is
// one _id lookup, the only indexed read on FerretDB's SQLite backend, and a
// month of 20 checks is 600 small documents. Writes use only $inc and $set
// with upsert, which FerretDB and MongoDB both support.
type History struct {
	coll *mongo.Collection
}

// History returns the check history repository.
func (s *Store) History() *History { return &History{coll: s.db.Collection(HistoryCollection)} }

// HourStats are one check's results in one hour.
type HourStats struct {
	Check string
	Hour  time.Time
	// N runs: OK, Warn and Crit of them.
	N, OK, Warn, Crit int64
	// DurationSumMS is the sum of run durations; ValueSum of Result.Value.
	DurationSumMS, ValueSum float64
	// Latency counts runs per duration bucket: Latency[i] are runs of at
	// most LatencyBounds()[i] ms; the last is everything slower.
	Latency []int64
}

// LatencyBounds returns the histogram's bucket bounds in milliseconds.
func LatencyBounds() []float64 { return append([]float64(nil), latencyBounds...) }

type historyDoc struct {
	ID    string                   `bson:"_id"`
	Check string                   `bson:"check"`
	Day   time.Time                `bson:"day"`
	Hours map[string]historyBucket `bson:"hours"`
}

type historyBucket struct {
	N        int64            `bson:"n"`
	OK       int64            `bson:"ok"`
	Warn     int64            `bson:"warn"`
	Crit     int64            `bson:"crit"`
	DurSum   float64          `bson:"dur_ms_sum"`
	ValueSum float64          `bson:"value_sum"`
	Latency  map[string]int64 `bson:"lat"`
}

func historyID(check string, day time.Time) string {
	return check + "|" + day.UTC().Format(time.DateOnly)
}

// RecordResult adds r to its hour's bucket.
func (h *History) RecordResult(ctx context.Context, r checks.Result) error {
	return h.RecordResults(ctx, []checks.Result{r})
}

// RecordResults adds results to their hour buckets with one update per
// check and day, in the order of their first result: on the embedded
// server every update scans the collection, so a batch of a minute of
// results costs one write per check instead of one per result. On an
// error the batch is partly written; the error says which check failed.
func (h *History) RecordResults(ctx context.Context, rs []checks.Result) error {
	type group struct {
		check string
		day   time.Time
		inc   map[string]any
		order []string
	}
	var groups []*group
	byID := make(map[string]*group)
	for _, r := range rs {
		if r.Check == "" || strings.Contains(r.Check, "|") {
			return fmt.Errorf("%w: check name %q", ErrInvalid, r.Check)
		}
		at := r.ObservedAt.UTC()
		day := at.Truncate(24 * time.Hour)
		id := historyID(r.Check, day)
		g := byID[id]
		if g == nil {
			g = &group{check: r.Check, day: day, inc: map[string]any{}}
			byID[id] = g
			groups = append(groups, g)
		}
		p := fmt.Sprintf("hours.%02d.", at.Hour())
		ms := float64(r.Duration) / float64(time.Millisecond)
		for _, kv := range []struct {
			k string
			v any
		}{{p + "n", int64(1)}, {p + r.Status.String(), int64(1)}, {p + "dur_ms_sum", ms}, {p + "value_sum", r.Value}, {p + "lat." + latencyKey(ms), int64(1)}} {
			switch have := g.inc[kv.k].(type) {
			case nil:
				g.inc[kv.k] = kv.v
				g.order = append(g.order, kv.k)
			case int64:
				g.inc[kv.k] = have + kv.v.(int64)
			case float64:
				g.inc[kv.k] = have + kv.v.(float64)
			}
		}
	}
	for _, g := range groups {
		inc := make(bson.D, 0, len(g.order))
		for _, k := range g.order {
			inc = append(inc, bson.E{Key: k, Value: g.inc[k]})
		}
		_, err := h.coll.UpdateOne(ctx,
			bson.D{{Key: "_id", Value: historyID(g.check, g.day)}},
			bson.D{
				{Key: "$inc", Value: inc},
				{Key: "$set", Value: bson.D{{Key: "check", Value: g.check}, {Key: "day", Value: g.day}}},
			},
			options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("storage: record result of %s: %w", g.check, err)
		}
	}
	return nil
}

// Hours returns check's hour buckets from from (inclusive) to to
// (exclusive), oldest first; hours without runs are left out.
func (h *History) Hours(ctx context.Context, check string, from, to time.Time) ([]HourStats, error) {
	var out []HourStats
	from, to = from.UTC(), to.UTC()
	for day := from.Truncate(24 * time.Hour); day.Before(to); day = day.Add(24 * time.Hour) {
		var doc historyDoc
		err := h.coll.FindOne(ctx, bson.D{{Key: "_id", Value: historyID(check, day)}}).Decode(&doc)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("storage: read history of %s: %w", check, err)
		}
		for hr := 0; hr < 24; hr++ {
			b, ok := doc.Hours[fmt.Sprintf("%02d", hr)]
			at := day.Add(time.Duration(hr) * time.Hour)
			if !ok || at.Before(from.Truncate(time.Hour)) || !at.Before(to) {
				continue
			}
			out = append(out, b.stats(check, at))
		}
	}
	return out, nil
}

// Prune deletes the days before before.
func (h *History) Prune(ctx context.Context, before time.Time) (int64, error) {
	return pruneDays(ctx, h.coll, before, "history")
}

// pruneDays deletes the per-day documents of coll (keyed by "day", a UTC
// midnight) of the days before the one holding before.
func pruneDays(ctx context.Context, coll *mongo.Collection, before time.Time, what string) (int64, error) {
	res, err := coll.DeleteMany(ctx, bson.D{{Key: "day", Value: bson.D{{Key: "$lt", Value: before.UTC().Truncate(24 * time.Hour)}}}})
	if err != nil {
		return 0, fmt.Errorf("storage: prune %s: %w", what, err)
	}
	return res.DeletedCount, nil
}

func (b historyBucket) stats(check string, hour time.Time) HourStats {
	s := HourStats{
		Check: check, Hour: hour, N: b.N, OK: b.OK, Warn: b.Warn, Crit: b.Crit,
		DurationSumMS: b.DurSum, ValueSum: b.ValueSum, Latency: make([]int64, len(latencyBounds)+1),
	}
	for i := range s.Latency {
		s.Latency[i] = b.Latency[bucketName(i)]
	}
	return s
}

func latencyKey(ms float64) string {
	for i, bound := range latencyBounds {
		if ms <= bound {
			return bucketName(i)
		}
	}
	return bucketName(len(latencyBounds))
}

func bucketName(i int) string { return fmt.Sprintf("b%d", i) }
