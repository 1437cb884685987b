package events

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// clock is a settable fake clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func alert(level, component, msg string) Event {
	return Event{Type: TypeSystemAlert, Alert: &Alert{Level: level, Component: component, Message: msg}}
}

func file(ok bool) Event {
	return Event{Type: TypeFileProcessed, File: &File{FileType: "pdf", Success: ok}}
}

// record stores events as received ago before the clock's now.
func record(t *testing.T, m *Memory, c *clock, ago time.Duration, evs ...Event) {
	t.Helper()
	for _, e := range evs {
		e.ReceivedAt = c.now.Add(-ago)
		e.Timestamp = e.ReceivedAt
		if err := m.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
}

func files(ok, failed int) []Event {
	var out []Event
	for range ok {
		out = append(out, file(true))
	}
	for range failed {
		out = append(out, file(false))
	}
	return out
}

func TestCheckerVerdicts(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, m *Memory, c *clock)
		opts    CheckerOptions
		status  checks.Status
		message string
	}{
		{"nothing", func(*testing.T, *Memory, *clock) {}, CheckerOptions{}, checks.StatusOK,
			"0 events in 1h"},
		{"quiet hour", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 10*time.Minute, files(29, 1)...)
			record(t, m, c, 5*time.Minute, alert("info", "bot", "started"), Event{Type: TypeSecurityViolation})
		}, CheckerOptions{}, checks.StatusOK, "32 events, 30 files (3.3% failed), 1 security violation in 1h"},
		{"critical alert", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 20*time.Minute, alert("error", "ai", "HuggingFace API 500"))
			record(t, m, c, 10*time.Minute, alert("critical", "database", "MongoDB connection lost: mongodb+srv://bot:S3cret@cluster0.mongodb.net"))
			record(t, m, c, 5*time.Minute, alert("error", "ai", "HuggingFace API 503"))
		}, CheckerOptions{}, checks.StatusCrit,
			"critical alert from database: MongoDB connection lost: mongodb+srv://***@cluster0.mongodb.net (3 error or critical alerts) in 1h"},
		{"error alert", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 5*time.Minute, alert("error", "ai", "HuggingFace API 503\nTraceback ..."))
		}, CheckerOptions{}, checks.StatusCrit, "error alert from ai: HuggingFace API 503Traceback ... in 1h"},
		{"critical alert outside the window", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 61*time.Minute, alert("critical", "database", "down"))
		}, CheckerOptions{}, checks.StatusOK, "0 events in 1h"},
		{"warning", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 30*time.Minute, alert("warning", "memory", "usage 91%"))
			record(t, m, c, 20*time.Minute, alert("warning", "memory", "usage 93%"))
		}, CheckerOptions{}, checks.StatusWarn, "warning alert from memory: usage 93% (2 warnings) in 1h"},
		{"file failures over 20%", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 30*time.Minute, files(30, 10)...)
		}, CheckerOptions{}, checks.StatusWarn, "25.0% of 40 files failed (>20.0%) in 1h"},
		{"file failures at 20%", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 30*time.Minute, files(40, 10)...)
		}, CheckerOptions{}, checks.StatusOK, "50 events, 50 files (20.0% failed) in 1h"},
		{"few files below MinFiles", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 30*time.Minute, files(1, 1)...)
		}, CheckerOptions{MinFiles: 5}, checks.StatusOK, "2 events, 2 files (50.0% failed) in 1h"},
		{"custom failure threshold", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 30*time.Minute, files(9, 1)...)
		}, CheckerOptions{FileFailureWarnPercent: 5}, checks.StatusWarn, "10.0% of 10 files failed (>5.0%) in 1h"},
		{"security violations", func(t *testing.T, m *Memory, c *clock) {
			for range 51 {
				record(t, m, c, 10*time.Minute, Event{Type: TypeSecurityViolation})
			}
		}, CheckerOptions{}, checks.StatusWarn, "51 security violations (>50) in 1h"},
		{"any security violation", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 10*time.Minute, Event{Type: TypeSecurityViolation})
		}, CheckerOptions{SecurityWarnAbove: new(int)}, checks.StatusWarn, "1 security violations (>0) in 1h"},
		{"crit and warn together", func(t *testing.T, m *Memory, c *clock) {
			record(t, m, c, 10*time.Minute, files(1, 1)...)
			record(t, m, c, 5*time.Minute, alert("critical", "bot", "webhook down"))
		}, CheckerOptions{}, checks.StatusCrit, "critical alert from bot: webhook down; 50.0% of 2 files failed (>20.0%) in 1h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{now: testNow}
			m := NewMemory(0)
			tt.setup(t, m, c)
			o := tt.opts
			o.Clock = c.Now
			ch, err := NewChecker(o, m)
			if err != nil {
				t.Fatal(err)
			}
			res := ch.Check(context.Background())
			if res.Status != tt.status || res.Message != tt.message {
				t.Errorf("got %v %q\nwant %v %q", res.Status, res.Message, tt.status, tt.message)
			}
			if !res.ObservedAt.Equal(testNow) || res.Unit != "events" {
				t.Errorf("observed %v unit %q", res.ObservedAt, res.Unit)
			}
		})
	}
}

func TestCheckerMetrics(t *testing.T) {
	c := &clock{now: testNow}
	m := NewMemory(0)
	record(t, m, c, 10*time.Minute, files(3, 1)...)
	record(t, m, c, 9*time.Minute,
		Event{Type: TypePerformanceMetric, Metric: &Metric{MetricType: "Response Time", Value: 900}},
		Event{Type: TypePerformanceMetric, Metric: &Metric{MetricType: "Response Time", Value: 1200}},
		Event{Type: TypePerformanceMetric, Metric: &Metric{MetricType: "!!!", Value: 1}},
		Event{Type: TypeSecurityViolation},
		alert("warning", "x", "y"))
	ch, _ := NewChecker(CheckerOptions{Clock: c.Now}, m)
	res := ch.Check(context.Background())
	want := map[string]float64{
		"events": 9, "files_processed": 4, "files_failed": 1, "file_failure_percent": 25,
		"security_violations": 1, "alerts_severe": 0, "alerts_warning": 1, "perf.response_time": 1200,
	}
	if len(res.Metrics) != len(want) {
		t.Errorf("metrics %v", res.Metrics)
	}
	for k, v := range want {
		if res.Metrics[k] != v {
			t.Errorf("%s = %v, want %v", k, res.Metrics[k], v)
		}
	}
	if res.Value != 9 {
		t.Errorf("value %v", res.Value)
	}
}

func TestCheckerTruncatesAlertText(t *testing.T) {
	c := &clock{now: testNow}
	m := NewMemory(0)
	record(t, m, c, time.Minute, alert("critical", strings.Repeat("c", 100), strings.Repeat("m", 1000)+" token=abc"))
	ch, _ := NewChecker(CheckerOptions{Clock: c.Now}, m)
	res := ch.Check(context.Background())
	if len(res.Message) > 300 || strings.Contains(res.Message, "abc") {
		t.Errorf("message of %d bytes: %q", len(res.Message), res.Message)
	}
}

func TestCheckerSilenceCountsFromStart(t *testing.T) {
	c := &clock{now: testNow}
	m := NewMemory(0)
	ch, _ := NewChecker(CheckerOptions{Clock: c.Now, Silence: time.Hour}, m)
	if res := ch.Check(context.Background()); res.Status != checks.StatusOK {
		t.Errorf("just started: %v %q", res.Status, res.Message)
	}
	c.now = c.now.Add(time.Hour)
	if res := ch.Check(context.Background()); res.Status != checks.StatusWarn || res.Message != "no events for 1h in 1h" {
		t.Errorf("an hour later: %v %q", res.Status, res.Message)
	}
	record(t, m, c, 0, Event{Type: TypeUserMessage})
	if res := ch.Check(context.Background()); res.Status != checks.StatusOK {
		t.Errorf("after an event: %v %q", res.Status, res.Message)
	}
	c.now = c.now.Add(90 * time.Minute)
	if res := ch.Check(context.Background()); res.Status != checks.StatusWarn || res.Message != "no events for 90m in 1h" {
		t.Errorf("90 minutes after the last event: %v %q", res.Status, res.Message)
	}
}

func TestNewCheckerValidates(t *testing.T) {
	if _, err := NewChecker(CheckerOptions{}, nil); err == nil {
		t.Error("no error without a store")
	}
	if _, err := NewChecker(CheckerOptions{Window: -time.Second}, NewMemory(0)); err == nil {
		t.Error("no error for a negative window")
	}
}

// TestWebhookToVerdict runs the whole path: a signed POST, the store, the check.
func TestWebhookToVerdict(t *testing.T) {
	c := &clock{now: testNow}
	m := NewMemory(0)
	srv := newServer(t, m, 0)
	if code, body := post(t, srv.URL, alertBody, Sign(testSecret, []byte(alertBody))); code != 200 {
		t.Fatalf("post: %d %s", code, body)
	}
	ch, _ := NewChecker(CheckerOptions{Clock: c.Now}, m)
	c.now = testNow.Add(time.Minute)
	res := ch.Check(context.Background())
	if res.Status != checks.StatusCrit || res.Message != "critical alert from database: MongoDB connection lost in 1h" {
		t.Errorf("got %v %q", res.Status, res.Message)
	}
}
