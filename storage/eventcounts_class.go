package storage

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/opsbot/opsbot/checks/events"
)

// EventClasses returns the classes e is counted under: always
// EventClassAll; EventClassSecurity for a security_violation; and
// EventClassRateLimit when [IsRateLimitEvent] says it reports a rate
// limit hit. A rate-limited security violation is in all three.
func EventClasses(e events.Event) []string {
	out := []string{EventClassAll}
	if e.Type == events.TypeSecurityViolation {
		out = append(out, EventClassSecurity)
	}
	if IsRateLimitEvent(e) {
		out = append(out, EventClassRateLimit)
	}
	return out
}

// The fields of an event that describe it, in words, and the fields that
// may carry an HTTP status.
var (
	rateLimitTextFields   = []string{"violation_type", "alert_type", "type", "category", "reason", "message", "details", "description", "error"}
	rateLimitStatusFields = []string{"status", "status_code", "http_status", "code"}
)

// rateLimitWords is the rate_limit class of the log checks
// (logcheck.DefaultClasses: "rate limit", a whole 429, "too many
// requests"), also matching "ratelimit", run over text whose '_' and '-'
// are spaces, so "RATE_LIMIT_EXCEEDED" and "too-many-requests" match too.
var (
	rateLimitWords    = regexp.MustCompile(`rate ?limit|too many requests`)
	rateLimitWords429 = regexp.MustCompile(`rate ?limit|\b429\b|too many requests`)
)

// IsRateLimitEvent reports whether e is a rate-limit event by the
// service's own fields: a security_violation or system_alert whose
// descriptive fields (violation_type, alert_type, type, category, reason,
// message, details, description, error; an alert's message) say "rate
// limit", "ratelimit", "too many requests" or 429, or whose status,
// status_code, http_status or code is 429. In an object or array field
// (details: {...}) only the words count, since a number there may be
// anything, a user id of 429 say.
func IsRateLimitEvent(e events.Event) bool {
	if e.Type != events.TypeSecurityViolation && e.Type != events.TypeSystemAlert {
		return false
	}
	if e.Alert != nil && rateLimitText(e.Alert.Message, rateLimitWords429) {
		return true
	}
	for _, k := range rateLimitTextFields {
		raw := e.Fields[k]
		if len(raw) == 0 {
			continue
		}
		var s string
		switch {
		case json.Unmarshal(raw, &s) == nil:
			if rateLimitText(s, rateLimitWords429) {
				return true
			}
		case raw[0] == '{' || raw[0] == '[':
			if rateLimitText(string(raw), rateLimitWords) {
				return true
			}
		}
	}
	for _, k := range rateLimitStatusFields {
		raw := strings.TrimSpace(string(e.Fields[k]))
		if raw == "429" || raw == `"429"` {
			return true
		}
	}
	return false
}

func rateLimitText(s string, re *regexp.Regexp) bool {
	if s == "" {
		return false
	}
	s = strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return ' '
		}
		return r
	}, strings.ToLower(s))
	return re.MatchString(s)
}
