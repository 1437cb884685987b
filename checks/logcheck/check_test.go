package logcheck

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
)

func newChecker(t *testing.T, o Options) *Checker {
	t.Helper()
	if o.Clock == nil {
		o.Clock = func() time.Time { return fixtureNow }
	}
	c, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestCheckerVerdicts(t *testing.T) {
	fixture := readFixture(t)
	rateLimited := strings.Repeat("2024-01-20 10:00:00,000 - WARNING - rate limit exceeded for user=5\n", 51)
	tests := []struct {
		name       string
		text       string
		thresholds []Threshold
		status     checks.Status
		value      float64
		message    string
	}{
		{"default thresholds: error rate 40%", fixture, nil, checks.StatusWarn, 4,
			"4 errors, error rate 40.0% (>10.0%) in 1h"},
		{"51 rate-limit lines", rateLimited, nil, checks.StatusWarn, 0,
			"0 errors, 51 rate-limit lines (>50) in 1h"},
		{"no thresholds", fixture, []Threshold{}, checks.StatusOK, 4,
			"4 errors, error rate 40.0% in 1h"},
		{"crit on errors", fixture, []Threshold{{Metric: "errors", WarnAbove: Limit(1), CritAbove: Limit(3)}}, checks.StatusCrit, 4,
			"4 errors (>3), error rate 40.0% in 1h"},
		{"warn on errors", fixture, []Threshold{{Metric: "count.errors", WarnAbove: Limit(3), CritAbove: Limit(10)}}, checks.StatusWarn, 4,
			"4 errors (>3), error rate 40.0% in 1h"},
		{"processing p95", fixture, []Threshold{{Metric: MetricProcessingP95, WarnAbove: Limit(2000)}}, checks.StatusWarn, 4,
			"4 errors, processing time p95 2723 ms (>2000 ms), error rate 40.0% in 1h"},
		{"several breaches, worst wins", fixture, []Threshold{
			{Metric: "database", WarnAbove: Limit(1)},
			{Metric: MetricErrorRate, WarnAbove: Limit(10), CritAbove: Limit(25)},
		}, checks.StatusCrit, 4,
			"4 errors, 2 database lines (>1), error rate 40.0% (>25.0%) in 1h"},
		{"nothing in the window", "2020-01-01 00:00:00 error old\n", nil, checks.StatusOK, 0,
			"no log lines in 1h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(t, Options{Source: &fakeSource{text: tt.text}, Thresholds: tt.thresholds})
			res := c.Check(context.Background())
			if res.Status != tt.status || res.Value != tt.value || res.Message != tt.message {
				t.Errorf("got %v %v %q\nwant %v %v %q", res.Status, res.Value, res.Message, tt.status, tt.value, tt.message)
			}
			if res.Unit != "lines" || !res.ObservedAt.Equal(fixtureNow) {
				t.Errorf("unit %q observed %v", res.Unit, res.ObservedAt)
			}
		})
	}
}

func TestCheckerMetrics(t *testing.T) {
	src := &fakeSource{text: readFixture(t)}
	c := newChecker(t, Options{Source: src, Window: 2 * time.Hour})
	res := c.Check(context.Background())
	if src.got != 2*time.Hour {
		t.Errorf("source asked for %v, want 2h", src.got)
	}
	for k, want := range map[string]float64{
		// The traceback's "TimeoutError:" counts as "Error:", as grep -c would.
		"count.rate_limit": 2, "count.errors": 6, "count.requests": 6, "count.request_errors": 4,
		MetricErrorRate:     float64(4) / 6 * 100,
		MetricProcessingAvg: 1642.5, MetricProcessingP95: 2723,
	} {
		if got, ok := res.Metrics[k]; !ok || got != want {
			t.Errorf("metric %s = %v, want %v", k, got, want)
		}
	}
	if !strings.HasSuffix(res.Message, " in 2h") {
		t.Errorf("message %q", res.Message)
	}
}

func TestCheckerMinRequests(t *testing.T) {
	c := newChecker(t, Options{Source: &fakeSource{text: readFixture(t)}, MinRequests: 20})
	if res := c.Check(context.Background()); res.Status != checks.StatusOK || res.Message != "4 errors, error rate 40.0% in 1h" {
		t.Errorf("got %v %q", res.Status, res.Message)
	}
}

func TestCheckerFailingSource(t *testing.T) {
	c := newChecker(t, Options{Source: &fakeSource{err: errors.New("railway logs exited 1: Error: Unauthorized")}})
	res := c.Check(context.Background())
	if res.Status != checks.StatusCrit || res.Message != "railway logs exited 1: Error: Unauthorized" || res.Metrics != nil {
		t.Errorf("got %+v", res)
	}
	// The same through a real command: a failure is never a zero count.
	railway := script(t, "railway", `echo "2024-01-20 10:00:00 Request: /start"; echo "Unauthorized" >&2; exit 1`)
	c = newChecker(t, Options{Source: &Command{Args: []string{railway, "logs", "--since", "{since}"}}})
	res = c.Check(context.Background())
	if res.Status != checks.StatusCrit || res.Message != "railway logs exited 1: Unauthorized" {
		t.Errorf("got %v %q", res.Status, res.Message)
	}
	c = newChecker(t, Options{Source: &Command{Args: []string{"/nonexistent/railway", "logs"}}})
	if res := c.Check(context.Background()); res.Status != checks.StatusCrit || res.Message != "command not found: /nonexistent/railway" {
		t.Errorf("got %v %q", res.Status, res.Message)
	}
}

func TestCheckerPartialOutput(t *testing.T) {
	c := newChecker(t, Options{
		Source: &Command{Args: []string{"yes", "2024-01-20 10:00:00 Error: x rate limit"}, MaxBytes: 50_000},
	})
	res := c.Check(context.Background())
	if res.Status != checks.StatusWarn || !strings.Contains(res.Message, "rate-limit lines (>50)") ||
		!strings.HasSuffix(res.Message, "; output over the size limit, counted its start only") {
		t.Errorf("got %v %q", res.Status, res.Message)
	}
}

func TestNewValidates(t *testing.T) {
	src := &fakeSource{}
	tests := []struct {
		o    Options
		want string
	}{
		{Options{}, "source: not set"},
		{Options{Source: src, Window: -time.Hour}, "window: -1h0m0s is negative"},
		{Options{Source: src, Thresholds: []Threshold{{Metric: "nope", WarnAbove: Limit(1)}}},
			`thresholds[0].metric: "nope" is not a class or metric (use one of errors, database,`},
		{Options{Source: src, Thresholds: []Threshold{{Metric: "errors"}}}, "thresholds[0]: set warn_above, crit_above or both"},
		{Options{Source: src, Thresholds: []Threshold{{Metric: "errors", WarnAbove: Limit(5), CritAbove: Limit(2)}}},
			"thresholds[0]: warn_above 5 is above crit_above 2"},
		{Options{Source: src, Classes: []Class{{Name: "x", Pattern: "["}}}, "classes[0].pattern"},
	}
	for i, tt := range tests {
		_, err := New(tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%d: error %v, want %q", i, err, tt.want)
		}
	}
}

func ExampleChecker() {
	c, err := New(Options{
		Source: &Command{Args: []string{"railway", "logs", "--since", SinceArg}, Env: []string{"RAILWAY_TOKEN"}},
		Window: time.Hour,
		Thresholds: []Threshold{
			{Metric: "rate_limit", WarnAbove: Limit(50)},
			{Metric: MetricErrorRate, WarnAbove: Limit(10), CritAbove: Limit(25)},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = c // c.Check(ctx) runs `railway logs --since 1h` and judges the counts.
	fmt.Println("ok")
	// Output: ok
}
