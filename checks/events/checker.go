package events

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/logcheck"
)

// Store is what the Checker reads: the events received after a time,
// oldest first.
type Store interface {
	Since(t time.Time) []Event
}

// Defaults for CheckerOptions.
const (
	DefaultWindow                 = time.Hour
	DefaultFileFailureWarnPercent = 20
	DefaultSecurityWarnAbove      = 50
	maxPerfMetrics                = 20
)

// CheckerOptions configures a Checker.
type CheckerOptions struct {
	// Window is how far back events count (default 1h).
	Window time.Duration
	// FileFailureWarnPercent: warn when more than this share of the
	// file_processed events in the window failed (default 20; negative:
	// never).
	FileFailureWarnPercent float64
	// MinFiles is the number of processed files below which the failure
	// share is not judged (default 0: always).
	MinFiles int
	// SecurityWarnAbove: warn when the window holds more security_violation
	// events than this (nil: 50, as the checklist's rate-limit rule).
	SecurityWarnAbove *int
	// Silence, when set, warns when no event at all arrived for that long
	// (the service stopped sending, or the webhook broke).
	Silence time.Duration
	// Clock returns the current time (default time.Now).
	Clock func() time.Time
	// Redactor masks secrets in alert texts (default logcheck.NewRedactor()).
	Redactor *logcheck.Redactor
}

// Checker turns the recent events into a Result: an error or critical
// system_alert is crit, a warning is warn, and so are too many failed
// files or security violations.
type Checker struct {
	o       CheckerOptions
	store   Store
	started time.Time
}

var _ checks.Checker = (*Checker)(nil)

// NewChecker returns a Checker reading store.
func NewChecker(o CheckerOptions, store Store) (*Checker, error) {
	if store == nil {
		return nil, errors.New("events: a store is required")
	}
	if o.Window < 0 || o.Silence < 0 {
		return nil, fmt.Errorf("events: window %s and silence %s must not be negative", o.Window, o.Silence)
	}
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	if o.FileFailureWarnPercent == 0 {
		o.FileFailureWarnPercent = DefaultFileFailureWarnPercent
	}
	if o.SecurityWarnAbove == nil {
		n := DefaultSecurityWarnAbove
		o.SecurityWarnAbove = &n
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Redactor == nil {
		o.Redactor = logcheck.NewRedactor()
	}
	return &Checker{o: o, store: store, started: o.Clock()}, nil
}

// summary is what the window's events add up to.
type summary struct {
	events, files, failed, violations int
	warnings, severe                  int
	lastSevere, lastWarning           *Alert
	perf                              map[string]float64
	last                              time.Time
}

func (c *Checker) summarise(evs []Event) summary {
	s := summary{perf: make(map[string]float64)}
	for _, e := range evs {
		s.events++
		s.last = e.ReceivedAt
		switch {
		case e.File != nil:
			s.files++
			if !e.File.Success {
				s.failed++
			}
		case e.Alert != nil:
			switch e.Alert.Level {
			case LevelCritical, LevelError:
				s.severe++
				if s.lastSevere == nil || e.Alert.Level == LevelCritical || s.lastSevere.Level != LevelCritical {
					s.lastSevere = e.Alert
				}
			case LevelWarning:
				s.warnings++
				s.lastWarning = e.Alert
			}
		case e.Metric != nil:
			if name := metricName(e.Metric.MetricType); name != "" {
				if _, ok := s.perf[name]; ok || len(s.perf) < maxPerfMetrics {
					s.perf[name] = e.Metric.Value
				}
			}
		case e.Type == TypeSecurityViolation:
			s.violations++
		}
	}
	return s
}

// Check reads the window's events once.
func (c *Checker) Check(_ context.Context) checks.Result {
	now := c.o.Clock()
	since := now.Add(-c.o.Window)
	if c.o.Silence > 0 && c.started.Before(since) {
		// The silence is measured from the last event since the start.
		since = c.started
	}
	all := c.store.Since(since)
	var inWindow []Event
	if i := slices.IndexFunc(all, func(e Event) bool { return e.ReceivedAt.After(now.Add(-c.o.Window)) }); i >= 0 {
		inWindow = all[i:]
	}
	s := c.summarise(inWindow)
	res := checks.Result{Value: float64(s.events), Unit: "events", ObservedAt: now, Metrics: s.metrics()}
	var problems []string
	if a := s.lastSevere; a != nil {
		res.Status = checks.StatusCrit
		p := c.describe(a)
		if s.severe > 1 {
			p += fmt.Sprintf(" (%d error or critical alerts)", s.severe)
		}
		problems = append(problems, p)
	} else if a := s.lastWarning; a != nil {
		res.Status = checks.StatusWarn
		p := c.describe(a)
		if s.warnings > 1 {
			p += fmt.Sprintf(" (%d warnings)", s.warnings)
		}
		problems = append(problems, p)
	}
	if pct, ok := s.failurePercent(); ok && c.o.FileFailureWarnPercent >= 0 &&
		s.files >= c.o.MinFiles && pct > c.o.FileFailureWarnPercent {
		res.Status = checks.Worst(res.Status, checks.StatusWarn)
		problems = append(problems, fmt.Sprintf("%s of %d files failed (>%s)",
			percent(pct), s.files, percent(c.o.FileFailureWarnPercent)))
	}
	if limit := *c.o.SecurityWarnAbove; limit >= 0 && s.violations > limit {
		res.Status = checks.Worst(res.Status, checks.StatusWarn)
		problems = append(problems, fmt.Sprintf("%d security violations (>%d)", s.violations, limit))
	}
	if c.o.Silence > 0 {
		last := c.started
		if len(all) > 0 && all[len(all)-1].ReceivedAt.After(last) {
			last = all[len(all)-1].ReceivedAt
		}
		if quiet := now.Sub(last); quiet >= c.o.Silence {
			res.Status = checks.Worst(res.Status, checks.StatusWarn)
			problems = append(problems, "no events for "+logcheck.FormatSince(quiet.Truncate(time.Minute)))
		}
	}
	window := " in " + logcheck.FormatSince(c.o.Window)
	if len(problems) > 0 {
		res.Message = strings.Join(problems, "; ") + window
	} else {
		res.Message = s.describe() + window
	}
	res.Duration = c.o.Clock().Sub(now)
	return res
}

// describe renders an alert for a chat: "critical alert from database:
// connection lost", masked, one line, bounded.
func (c *Checker) describe(a *Alert) string {
	out := a.Level + " alert"
	if comp := c.o.Redactor.DisplayLine(a.Component, 40); comp != "" {
		out += " from " + comp
	}
	if msg := c.o.Redactor.DisplayLine(a.Message, 200); msg != "" {
		out += ": " + msg
	}
	return out
}

func (s summary) failurePercent() (float64, bool) {
	if s.files == 0 {
		return 0, false
	}
	return float64(s.failed) / float64(s.files) * 100, true
}

// describe renders a quiet window: "42 events, 120 files (3.3% failed)".
func (s summary) describe() string {
	out := plural(s.events, "event", "events")
	if pct, ok := s.failurePercent(); ok {
		out += fmt.Sprintf(", %s (%s failed)", plural(s.files, "file", "files"), percent(pct))
	}
	if s.violations > 0 {
		out += ", " + plural(s.violations, "security violation", "security violations")
	}
	if s.warnings > 0 {
		out += ", " + plural(s.warnings, "warning", "warnings")
	}
	return out
}

func (s summary) metrics() map[string]float64 {
	m := map[string]float64{
		"events":              float64(s.events),
		"files_processed":     float64(s.files),
		"files_failed":        float64(s.failed),
		"security_violations": float64(s.violations),
		"alerts_severe":       float64(s.severe),
		"alerts_warning":      float64(s.warnings),
	}
	if pct, ok := s.failurePercent(); ok {
		m["file_failure_percent"] = pct
	}
	for k, v := range s.perf {
		m["perf."+k] = v
	}
	return m
}

// metricName turns a service's metric type into a metric name: lower-case
// a-z, 0-9 and _, at most 40 bytes; "" when nothing is left.
func metricName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		case r == ' ', r == '-', r == '.':
			b.WriteByte('_')
		}
		if b.Len() == 40 {
			break
		}
	}
	return strings.Trim(b.String(), "_")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func percent(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" }
