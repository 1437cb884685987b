package httpcheck

import (
	"bytes"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// oneLine makes s safe for a one-line chat message: control characters
// and runs of spaces become one space, invalid UTF-8 becomes U+FFFD.
func oneLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// clip shortens s to at most n runes, marking a cut with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:n-1])) + "…"
}

// verdictLine returns the body's first non-blank line, trimmed and made
// safe for a message, at most 120 runes.
func verdictLine(body []byte) string {
	body = bytes.TrimPrefix(body, []byte("\uFEFF"))
	body = bytes.TrimLeftFunc(body, unicode.IsSpace)
	if i := bytes.IndexByte(body, '\n'); i >= 0 {
		body = body[:i]
	}
	return clip(oneLine(string(body)), 120)
}

// looksHTML reports whether a response is a web page rather than a
// machine answer: error pages of proxies and load balancers are.
func looksHTML(contentType string, body []byte) bool {
	if strings.HasPrefix(strings.ToLower(contentType), "text/html") {
		return true
	}
	head := bytes.TrimLeftFunc(body[:min(len(body), 512)], unicode.IsSpace)
	head = bytes.ToLower(head)
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}

// htmlTitle returns the text of a page's <title>, or "".
func htmlTitle(body []byte) string {
	lower := bytes.ToLower(body[:min(len(body), 64<<10)])
	start := bytes.Index(lower, []byte("<title"))
	if start < 0 {
		return ""
	}
	gt := bytes.IndexByte(lower[start:], '>')
	if gt < 0 {
		return ""
	}
	start += gt + 1
	end := bytes.Index(lower[start:], []byte("</title"))
	if end < 0 {
		return ""
	}
	return clip(oneLine(html.UnescapeString(string(body[start:start+end]))), 80)
}

// describeBody says what an unexpected body is: `"text"`, `an HTML page
// "502 Bad Gateway"` or "empty".
func describeBody(contentType string, body []byte) string {
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return "empty"
	case looksHTML(contentType, body):
		if t := htmlTitle(body); t != "" {
			return "an HTML page " + strconv.Quote(t)
		}
		return "an HTML page"
	default:
		return `"` + verdictLine(body) + `"`
	}
}

// formatBytes writes a byte count the way people say it: "1 MiB",
// "64 KiB", "100 bytes".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	default:
		return strconv.FormatInt(n, 10) + " bytes"
	}
}

// roundBudget rounds a time budget for a message, so a deadline that had
// 4.9997s left reads "5s" and one with 296ms left reads "300ms".
func roundBudget(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= 100*time.Millisecond:
		return d.Round(10 * time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond)
	default:
		return d
	}
}

// millis returns d in milliseconds, with microsecond precision.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
