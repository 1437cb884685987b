package logcheck

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Mask replaces every secret a Redactor finds.
const Mask = "***"

// secretKeys are the key names whose values are masked wherever they
// appear as key=value, key: value, "key": "value" or KEY=value, also as the
// end of a longer name (MONGODB_PASSWORD, bot_token, x-api-key).
const secretKeys = `password|passwd|pwd|pass|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|key|credentials?|auth|cookie`

// Redactor masks secrets in log lines and messages before they reach a
// chat: Telegram bot tokens (also in /bot<token>/ URLs), bearer and other
// Authorization credentials, the values of password=, token=, api_key=,
// secret=, key= and similar (query strings, JSON, Python reprs, env
// style), user:password in URIs, AWS access key ids, JWTs, well-known
// token formats (GitHub, GitLab, Slack, OpenAI, Hugging Face, Google,
// Stripe) and any exact secrets it is given. It is immutable and safe for
// concurrent use.
type Redactor struct {
	exact *strings.Replacer
	uri   *regexp.Regexp
	auth  *regexp.Regexp
	kv    *regexp.Regexp
	plain []rule
	ansi  *regexp.Regexp
}

// NewRedactor returns a Redactor that also masks the given exact secrets
// (the bot token, a database password); those shorter than 4 bytes are
// ignored.
func NewRedactor(exact ...string) *Redactor {
	var kept []string
	for _, s := range exact {
		if len(s) >= 4 {
			kept = append(kept, s)
		}
	}
	// Longest first, so that a secret containing another is masked whole.
	sort.Slice(kept, func(i, j int) bool { return len(kept[i]) > len(kept[j]) })
	pairs := make([]string, 0, 2*len(kept))
	for _, s := range kept {
		pairs = append(pairs, s, Mask)
	}
	return &Redactor{
		exact: strings.NewReplacer(pairs...),
		// scheme://user:password@ (the password may hold an unescaped @)
		// and scheme://longtoken@.
		uri: regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)(?:[^\s/@:]*:[^\s/]*|[^\s/@:]{16,})@`),
		// Authorization: [scheme] credential.
		auth: regexp.MustCompile(`(?i)(\b(?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?(?:(?:basic|bearer|token|digest|bot)\s+)?)[^\s"'\\,;}]+`),
		// key=value with the value quoted (JSON, escaped JSON, Python) or bare.
		kv: regexp.MustCompile(`(?i)(\b[\w.-]*?(?:` + secretKeys + `)\\?["']?\s*[:=]\s*)` +
			`(?:(\\")(?:[^"\\]|\\[^"])*\\"|(")[^"]*"|(')[^']*'|[^\s"'&,;}\])<>]+)`),
		plain: []rule{
			// Telegram bot token, bare or in https://api.telegram.org/bot<token>/.
			{regexp.MustCompile(`\d{5,}:[A-Za-z0-9_-]{30,}`), Mask},
			{regexp.MustCompile(`(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}`), "${1} " + Mask},
			// JSON Web Token: header.payload.signature, base64url.
			{regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`), Mask},
			// AWS access key id.
			{regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b`), Mask},
			{regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|` +
				`xox[abposr]-[A-Za-z0-9-]{10,}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}|hf_[A-Za-z0-9]{30,}|` +
				`AIza[0-9A-Za-z_-]{35}|[rs]k_(?:live|test)_[0-9A-Za-z]{20,})`), Mask},
		},
		ansi: regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`),
	}
}

// String returns s with every secret it recognises replaced by Mask.
func (r *Redactor) String(s string) string {
	s = r.exact.Replace(s)
	s = r.uri.ReplaceAllString(s, "${1}"+Mask+"@")
	s = r.auth.ReplaceAllString(s, "${1}"+Mask)
	for _, p := range r.plain {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return r.keyValues(s)
}

// keyValues masks the values of secret keys, keeping their quotes.
func (r *Redactor) keyValues(s string) string {
	idx := r.kv.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	prev := 0
	for _, m := range idx {
		b.WriteString(s[prev:m[3]]) // up to the end of the key and separator
		q := ""
		for g := 2; g <= 4; g++ {
			if m[2*g] >= 0 {
				q = s[m[2*g]:m[2*g+1]]
			}
		}
		b.WriteString(q + Mask + q)
		prev = m[1]
	}
	b.WriteString(s[prev:])
	return b.String()
}

// rule replaces what re matches with repl (a regexp template).
type rule struct {
	re   *regexp.Regexp
	repl string
}

// DisplayLine returns a log line fit for a chat: terminal colour codes,
// control characters and bidirectional overrides removed, invalid UTF-8 replaced, secrets masked, and
// cut to at most maxBytes bytes (plus "…") on a character boundary.
func (r *Redactor) DisplayLine(s string, maxBytes int) string {
	s = r.ansi.ReplaceAllString(s, "")
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(c rune) rune {
		switch {
		case c == '\t':
			return ' '
		case c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029',
			// Bidirectional overrides could make a line read differently.
			c >= '\u202a' && c <= '\u202e', c >= '\u2066' && c <= '\u2069':
			return -1
		}
		return c
	}, s)
	s = strings.TrimSpace(r.String(s))
	if maxBytes > 0 && len(s) > maxBytes {
		cut := maxBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
