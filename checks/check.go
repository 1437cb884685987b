// Package checks runs the service checks: each check type measures one
// thing and returns a Result; rules turn streams of Results into state
// transitions with held durations; the runner schedules everything.
//
// Check types live in subpackages (checks/httpcheck, checks/tcpcheck, ...)
// and depend only on this package's types. They take plain Options structs;
// the config package maps YAML onto them.
package checks

import (
	"context"
	"time"
)

// Status is the outcome of one check run.
type Status int

// Statuses, best first. The zero value is StatusOK.
const (
	StatusOK Status = iota
	StatusWarn
	StatusCrit
)

// String returns "ok", "warn" or "crit".
func (s Status) String() string {
	switch s {
	case StatusOK:
		return "ok"
	case StatusWarn:
		return "warn"
	default:
		return "crit"
	}
}

// Emoji returns the chat symbol for s.
func (s Status) Emoji() string {
	switch s {
	case StatusOK:
		return "✅"
	case StatusWarn:
		return "⚠️"
	default:
		return "🔴"
	}
}

// Worst returns the worse of a and b.
func Worst(a, b Status) Status { return max(a, b) }

// Result is one run of one check.
type Result struct {
	// Check is the check's name, filled in by the runner.
	Check string
	// Status is the verdict of this run.
	Status Status
	// Value is the main measured number (a latency, a count, days left);
	// Unit says what it is ("ms", "days", "%", "lines", ...).
	Value float64
	Unit  string
	// Message is a short human sentence, safe for a chat: never a secret,
	// never a raw multi-line error. For a failure it says why, readably:
	// "HTTP 503 (want 200)", "connection refused", "body is not JSON".
	Message string
	// Metrics are named numbers that rules and digests use, e.g.
	// "status_code", "response_ms", "tls_days_left", "error_rate_percent".
	Metrics map[string]float64
	// Duration is how long the run took; ObservedAt is when it ended.
	Duration   time.Duration
	ObservedAt time.Time
}

// Checker runs one check once. Check must return within ctx's deadline (the
// check's timeout), must not panic on any input a target sends, and reports
// every failure, including its own, as a Result rather than an error.
type Checker interface {
	Check(ctx context.Context) Result
}

// CheckerFunc adapts a function to Checker.
type CheckerFunc func(ctx context.Context) Result

// Check calls f.
func (f CheckerFunc) Check(ctx context.Context) Result { return f(ctx) }

// Fail returns a crit Result with a message, the common failure shape.
func Fail(format string, args ...any) Result {
	return Result{Status: StatusCrit, Message: sprintf(format, args...)}
}

// Timed runs run under timeout and fills in the Result's Duration (measured
// with the real clock, as latency is) and ObservedAt (from now, the check's
// injected clock): the frame every check type's Check shares.
func Timed(ctx context.Context, timeout time.Duration, now func() time.Time, run func(ctx context.Context) Result) Result {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r := run(ctx)
	r.Duration = time.Since(start)
	r.ObservedAt = now()
	return r
}
