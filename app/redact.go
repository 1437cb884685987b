package app

import (
	"regexp"
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

// NewRedactor returns a Redactor for secrets; empty ones are skipped.
func NewRedactor(secrets ...string) *Redactor {
	var kept []string
	for _, s := range secrets {
		if len(s) >= 4 {
			kept = append(kept, s)
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
