package mongocheck_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/checks/mongocheck"
)

// closer is what the runner uses to release a Checker's client.
type closer interface {
	Close(ctx context.Context) error
}

func TestPingAndSecurityEvents(t *testing.T) {
	uri, database := testServer(t)
	now := time.Date(2025, 9, 28, 10, 0, 0, 0, time.UTC)
	events := connect(t, uri).Database(database).Collection("security_events")
	insert := func(ages ...time.Duration) {
		t.Helper()
		for _, age := range ages {
			doc := bson.D{{Key: "type", Value: "rate_limit"}, {Key: "timestamp", Value: now.Add(-age)}}
			if _, err := events.InsertOne(t.Context(), doc); err != nil {
				t.Fatalf("insert: %v", err)
			}
		}
	}
	c := newChecker(t, mongocheck.Options{
		URI:      uri,
		Database: database,
		Count: &mongocheck.Count{
			Collection: "security_events", TimeField: "timestamp", Window: time.Hour,
			WarnAbove: 2, CritAbove: 4,
		},
		PingWarnAfter: time.Minute, // latency is not under test here
		Now:           func() time.Time { return now },
	})

	steps := []struct {
		name   string
		insert []time.Duration
		status checks.Status
		count  float64
		suffix string
	}{
		{name: "empty collection", status: checks.StatusOK, suffix: "; security_events: 0 in the last 1h"},
		{
			name:   "old events do not count",
			insert: []time.Duration{2 * time.Hour, 61 * time.Minute, 10 * time.Minute, time.Minute},
			status: checks.StatusOK, count: 2, suffix: "; security_events: 2 in the last 1h",
		},
		{
			name:   "above WarnAbove",
			insert: []time.Duration{30 * time.Second},
			status: checks.StatusWarn, count: 3, suffix: "; security_events: 3 in the last 1h (warn above 2)",
		},
		{
			name:   "above CritAbove",
			insert: []time.Duration{59 * time.Minute, 0},
			status: checks.StatusCrit, count: 5, suffix: "; security_events: 5 in the last 1h (crit above 4)",
		},
	}
	for i, step := range steps {
		insert(step.insert...)
		r := c.Check(t.Context())
		if r.Status != step.status || !strings.HasPrefix(r.Message, "ping ") || !strings.HasSuffix(r.Message, step.suffix) {
			t.Errorf("%s: got %v %q, want %v \"ping ...%s\"", step.name, r.Status, r.Message, step.status, step.suffix)
		}
		if r.Metrics["count"] != step.count {
			t.Errorf("%s: count = %v, want %v", step.name, r.Metrics["count"], step.count)
		}
		if r.Unit != "ms" || r.Value != r.Metrics["ping_ms"] || r.Value <= 0 {
			t.Errorf("%s: value %v %s, ping_ms %v: want the ping latency in ms", step.name, r.Value, r.Unit, r.Metrics["ping_ms"])
		}
		// The first run connects and says how long that took.
		if _, ok := r.Metrics["connect_ms"]; ok != (i == 0) {
			t.Errorf("%s: connect_ms present = %v, want %v", step.name, ok, i == 0)
		}
		if !r.ObservedAt.Equal(now) || r.Duration <= 0 {
			t.Errorf("%s: ObservedAt %v, Duration %v", step.name, r.ObservedAt, r.Duration)
		}
	}
}

func TestSlowPingWarns(t *testing.T) {
	uri, _ := testServer(t)
	c := newChecker(t, mongocheck.Options{URI: uri, PingWarnAfter: time.Nanosecond})
	r := c.Check(t.Context())
	if r.Status != checks.StatusWarn || !strings.HasPrefix(r.Message, "ping ") || !strings.HasSuffix(r.Message, " (warn above 1ns)") {
		t.Errorf("got %v %q, want warn \"ping ... (warn above 1ns)\"", r.Status, r.Message)
	}
	if _, ok := r.Metrics["count"]; ok {
		t.Error("count is set without Count")
	}
}

func TestUnreachable(t *testing.T) {
	const password = "hunter2-Secret"
	tests := []struct {
		name    string
		addr    func(t testing.TB) string
		message string
	}{
		{name: "closed port", addr: checkstest.ClosedAddr, message: "MongoDB not reachable: connection refused"},
		{name: "server that never answers", addr: checkstest.SilentAddr, message: "MongoDB not reachable: timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uri := "mongodb://opsbot:" + password + "@" + tt.addr(t) + "/primary?authSource=admin"
			c := newChecker(t, mongocheck.Options{URI: uri, ConnectTimeout: 300 * time.Millisecond})
			r := c.Check(t.Context())
			if r.Status != checks.StatusCrit || r.Message != tt.message {
				t.Errorf("got %v %q, want crit %q", r.Status, r.Message, tt.message)
			}
			if strings.Contains(r.Message, password) || strings.Contains(r.Message, "opsbot") {
				t.Errorf("message %q quotes credentials", r.Message)
			}
			if r.Duration > 5*time.Second {
				t.Errorf("the check took %v with a 300ms connect timeout", r.Duration)
			}
		})
	}
	t.Run("SRV name that does not resolve", func(t *testing.T) {
		c := newChecker(t, mongocheck.Options{URI: "mongodb+srv://opsbot:" + password + "@cluster0.example.invalid/primary"})
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		r := c.Check(ctx)
		// "timed out" where DNS itself does not answer within the second.
		if r.Status != checks.StatusCrit || r.Message != "MongoDB not reachable: cannot resolve the host" && r.Message != "MongoDB not reachable: timed out" {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
		if r.Duration > 3*time.Second {
			t.Errorf("the check took %v; its context allowed 1s", r.Duration)
		}
	})
	t.Run("context deadline", func(t *testing.T) {
		c := newChecker(t, mongocheck.Options{URI: "mongodb://" + checkstest.SilentAddr(t)})
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		r := c.Check(ctx)
		if r.Status != checks.StatusCrit || r.Message != "MongoDB not reachable: timed out" {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
		if r.Duration > 3*time.Second {
			t.Errorf("the check took %v; its context allowed 100ms", r.Duration)
		}
	})
}

func TestClose(t *testing.T) {
	uri, _ := testServer(t)
	c := newChecker(t, mongocheck.Options{URI: uri})
	if r := c.Check(t.Context()); r.Status != checks.StatusOK {
		t.Fatalf("got %v %q", r.Status, r.Message)
	}
	for range 2 {
		if err := c.(closer).Close(t.Context()); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	if r := c.Check(t.Context()); r.Status != checks.StatusCrit || r.Message != "checker closed" {
		t.Errorf("after Close: got %v %q", r.Status, r.Message)
	}
}

func TestConcurrentFirstChecks(t *testing.T) {
	uri, _ := testServer(t)
	c := newChecker(t, mongocheck.Options{URI: uri, PingWarnAfter: time.Minute})
	done := make(chan checks.Result)
	for range 4 {
		go func() { done <- c.Check(t.Context()) }()
	}
	for range 4 {
		if r := <-done; r.Status != checks.StatusOK {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
	}
}

// newChecker returns a Checker for o, closed when t ends.
func newChecker(t *testing.T, o mongocheck.Options) checks.Checker {
	t.Helper()
	c, err := mongocheck.New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.(closer).Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}
