package checks

import (
	"fmt"
	"strings"
	"time"
)

// OptionError is a bad field in a check type's Options: New of every check
// type returns one, and config maps it onto the check's YAML path.
type OptionError struct {
	// Type is the check package ("httpcheck"), Field the Go field path
	// ("Conditions[1].Expr").
	Type, Field string
	Err         error
}

func (e *OptionError) Error() string { return e.Type + ": " + e.Field + ": " + e.Err.Error() }

// Unwrap returns the underlying problem.
func (e *OptionError) Unwrap() error { return e.Err }

// Millis returns d in milliseconds with microsecond precision, the unit of
// latency metrics.
func Millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// FormatLatency renders a latency for a Result message: "0.4ms", "12ms",
// "1.3s".
func FormatLatency(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", Millis(d))
	case d < time.Second:
		return fmt.Sprintf("%.0fms", Millis(d))
	default:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
}

// FormatDuration renders a configured duration without zero units: "1h",
// "1h30m", "500ms".
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
