package actions

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// oneLine makes s fit one line of a chat message: invalid UTF-8, control
// characters and runs of white space become one space, and the result is
// clipped to n runes, the last being "…" when something was cut.
func oneLine(s string, n int) string {
	s = strings.ToValidUTF8(s, " ")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	}), " ")
	if r := []rune(s); len(r) > n {
		s = strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}

// ansiEscape matches terminal escape sequences (colours, cursor moves).
var ansiEscape = regexp.MustCompile(`\x1b(\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])`)

// lastLine returns the last line of out holding more than white space,
// without terminal escapes, made one line of at most n runes; "" when
// there is none. Carriage returns end lines too, as progress bars use them.
func lastLine(out []byte, n int) string {
	s := ansiEscape.ReplaceAllString(string(out), "")
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for _, l := range slices.Backward(lines) {
		if l = oneLine(l, n); l != "" {
			return l
		}
	}
	return ""
}

// minSecret is the length below which a value is not masked: masking
// every "1" or "yes" a header was set to would garble texts for nothing.
const minSecret = 4

// redactor masks known secrets in texts from elsewhere.
type redactor struct{ secrets []string }

// add records secrets to mask; short ones are ignored.
func (r *redactor) add(secrets ...string) {
	for _, s := range secrets {
		if len(s) >= minSecret && !slices.Contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
	// The longest first, so that a secret is masked whole before a part of
	// it is.
	slices.SortFunc(r.secrets, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
}

// redact returns s with every secret replaced by "[redacted]".
func (r *redactor) redact(s string) string {
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	return s
}

// causeError is an error whose text is written for a chat and whose cause
// (a context's error, a network error) is kept for errors.Is and
// errors.As but not quoted, as its text may hold what must not be shown.
type causeError struct {
	msg   string
	cause error
}

func (e *causeError) Error() string { return e.msg }

func (e *causeError) Unwrap() error { return e.cause }
