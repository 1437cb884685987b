package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/storage/storagetest"
)

func TestHistoryKeepsHourlyStatistics(t *testing.T) {
	ctx := context.Background()
	h := storagetest.Open(t).History()
	t0 := time.Date(2026, 11, 27, 23, 10, 0, 0, time.UTC)
	results := []checks.Result{
		{Check: "api", Status: checks.StatusOK, Value: 120, Duration: 120 * time.Millisecond, ObservedAt: t0},
		{Check: "api", Status: checks.StatusWarn, Value: 3000, Duration: 3 * time.Second, ObservedAt: t0.Add(20 * time.Minute)},
		{Check: "api", Status: checks.StatusCrit, Value: 0, Duration: 20 * time.Second, ObservedAt: t0.Add(60 * time.Minute)}, // next day, 00:10
		{Check: "db", Status: checks.StatusOK, Value: 5, Duration: 5 * time.Millisecond, ObservedAt: t0},
	}
	for _, r := range results {
		if err := h.RecordResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := h.Hours(ctx, "api", t0.Add(-time.Hour), t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d hours: %+v", len(got), got)
	}
	h23, h00 := got[0], got[1]
	if !h23.Hour.Equal(time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC)) || h23.N != 2 || h23.OK != 1 || h23.Warn != 1 || h23.Crit != 0 {
		t.Fatalf("23:00 bucket %+v", h23)
	}
	if h23.DurationSumMS != 3120 || h23.ValueSum != 3120 {
		t.Fatalf("23:00 sums %+v", h23)
	}
	// 120 ms is in the <=250 bucket (index 2); 3000 ms in <=5000 (index 6).
	if h23.Latency[2] != 1 || h23.Latency[6] != 1 {
		t.Fatalf("23:00 latency %v", h23.Latency)
	}
	if !h00.Hour.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)) || h00.Crit != 1 || h00.Latency[len(h00.Latency)-1] != 1 {
		t.Fatalf("00:00 bucket %+v", h00)
	}

	// The range is honoured at hour granularity.
	only, err := h.Hours(ctx, "api", t0.Add(50*time.Minute), t0.Add(2*time.Hour))
	if err != nil || len(only) != 1 || only[0].Crit != 1 {
		t.Fatalf("from 00:00: %+v, %v", only, err)
	}

	n, err := h.Prune(ctx, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	if err != nil || n != 2 {
		t.Fatalf("prune deleted %d, %v; want the two documents of 27 November", n, err)
	}
	left, _ := h.Hours(ctx, "api", t0.Add(-time.Hour), t0.Add(2*time.Hour))
	if len(left) != 1 {
		t.Fatalf("after prune: %+v", left)
	}
	if err := h.RecordResult(ctx, checks.Result{Check: "a|b", ObservedAt: t0}); err == nil {
		t.Fatal("a check name with | was accepted")
	}
}

// A batch is stored as the same results recorded one by one would be.
func TestHistoryBatchEqualsOneByOne(t *testing.T) {
	ctx := context.Background()
	store := storagetest.Open(t)
	t0 := time.Date(2026, 11, 27, 23, 10, 0, 0, time.UTC)
	var results []checks.Result
	for i := range 30 {
		status := []checks.Status{checks.StatusOK, checks.StatusWarn, checks.StatusCrit}[i%3]
		check := []string{"api", "db"}[i%2]
		results = append(results, checks.Result{Check: check, Status: status, Value: float64(i), Duration: time.Duration(i*37) * time.Millisecond,
			ObservedAt: t0.Add(time.Duration(i) * 4 * time.Minute)}) // across midnight
	}
	one, batch := store.History(), storagetest.Open(t).History()
	for _, r := range results {
		if err := one.RecordResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := batch.RecordResults(ctx, results[:17]); err != nil {
		t.Fatal(err)
	}
	if err := batch.RecordResults(ctx, results[17:]); err != nil {
		t.Fatal(err)
	}
	for _, check := range []string{"api", "db"} {
		want, err := one.Hours(ctx, check, t0.Add(-time.Hour), t0.Add(3*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		got, err := batch.Hours(ctx, check, t0.Add(-time.Hour), t0.Add(3*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 2 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: batched %+v\nwant %+v", check, got, want)
		}
	}
}
