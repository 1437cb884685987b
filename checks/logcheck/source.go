package logcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Source opens log text covering at least the last window. Open's and the
// reader's errors have short messages that are safe for a chat (no
// secrets, one line), because the Checker shows them as they are.
type Source interface {
	Open(ctx context.Context, window time.Duration) (io.ReadCloser, error)
	// String names the source for messages: "railway logs", "file app.log".
	String() string
}

// ErrOutputLimit is returned (wrapped) by a source's reader when the log
// text is longer than the source's MaxBytes; what was read before it is
// still a valid, partial report.
var ErrOutputLimit = errors.New("output limit reached")

// DefaultMaxBytes bounds what a Command or an HTTP source reads.
const DefaultMaxBytes = 64 << 20

// SinceArg is the placeholder in a Command's args or an HTTP URL that is
// replaced by the window in the railway CLI's form ("1h", "7d").
const SinceArg = "{since}"

// FormatSince returns d the way the checklist writes `railway logs --since`:
// "7d" for several whole days, else "24h", "90m" or "45s".
func FormatSince(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d > 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	default:
		return fmt.Sprintf("%ds", max(d/time.Second, 1))
	}
}

// limitReader returns ErrOutputLimit once more than n bytes are available.
type limitReader struct {
	r    io.Reader
	n    int64
	what string
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// Tell a long stream from one that ends exactly at the limit.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n == 0 && err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("%s: %w", l.what, ErrOutputLimit)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// safeLine returns the first non-empty line of s fit for a message: control
// characters dropped, secrets masked, at most 200 bytes.
func safeLine(red *Redactor, s string) string {
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			return red.DisplayLine(line, 200)
		}
	}
	return ""
}

// shorten cuts s to at most n bytes on a character boundary.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
