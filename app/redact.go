package app

import (
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Redactor masks secrets in text: the exact secrets it is given (the bot
// token, the MongoDB URI and its password) and anything shaped like a
// Telegram bot token or a URI's user:password part, wherever it came from.
type Redactor struct {
	exact *strings.Replacer
}

var (
	tokenShape    = regexp.MustCompile(`\b\d{5,}:[A-Za-z0-9_-]{20,}\b`)
	uriCredential = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@`)
)

// minSecret is the shortest value masked: shorter ones would garble
// ordinary text and are no real secret.
const minSecret = 4

// NewRedactor returns a Redactor for secrets; short ones are skipped. Each
// secret is masked whole and by its parts that are secrets alone (a
// connection string's password and secret options, a bot token's secret
// half), each also URL-escaped.
func NewRedactor(secrets ...string) *Redactor {
	var kept []string
	add := func(s string) {
		if len(s) >= minSecret && !slices.Contains(kept, s) {
			kept = append(kept, s)
		}
	}
	for _, secret := range secrets {
		for _, p := range secretParts(secret) {
			add(p)
			add(url.QueryEscape(p))
			add(url.PathEscape(p))
		}
	}
	// Longest first, so that a secret containing another is masked whole.
	sort.Slice(kept, func(i, j int) bool { return len(kept[i]) > len(kept[j]) })
	pairs := make([]string, 0, 2*len(kept))
	for _, s := range kept {
		pairs = append(pairs, s, "***")
	}
	return &Redactor{exact: strings.NewReplacer(pairs...)}
}

// String returns s with secrets masked.
func (r *Redactor) String(s string) string {
	s = r.exact.Replace(s)
	s = tokenShape.ReplaceAllString(s, "***")
	return uriCredential.ReplaceAllString(s, "${1}***@")
}

// secretQueryKey matches the query options of a URI that hold secrets.
var secretQueryKey = regexp.MustCompile(`(?i)password|secret|token|key|authmechanismproperties`)

// secretParts returns s and the parts of it that are secrets alone.
func secretParts(s string) []string {
	parts := []string{s}
	if tokenShape.MatchString(s) {
		if _, half, ok := strings.Cut(s, ":"); ok {
			parts = append(parts, half)
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return parts
	}
	if p, ok := u.User.Password(); ok {
		parts = append(parts, p)
	}
	for k, vs := range u.Query() {
		if secretQueryKey.MatchString(k) {
			parts = append(parts, vs...)
		}
	}
	return parts
}
