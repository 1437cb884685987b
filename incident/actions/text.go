package actions

import (
	"cmp"
	"encoding/json"
	"html"
	"net/url"
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
// without terminal escapes, its secrets masked, made one line of at most n
// runes; "" when there is none. Carriage returns end lines too, as progress
// bars use them. Secrets are masked before the line is clipped, so that
// none is cut in half and shown in part.
func lastLine(out []byte, n int, red *redactor) string {
	s := ansiEscape.ReplaceAllString(string(out), "")
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for _, l := range slices.Backward(lines) {
		if l = oneLine(red.redact(l), n); l != "" {
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

// add records secrets to mask, each as it is and in the escaped forms a
// program or a server may print it in (URL, HTML, JSON); short ones are
// ignored.
func (r *redactor) add(secrets ...string) {
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		quoted, _ := json.Marshal(s)
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s), string(quoted[1 : len(quoted)-1])} {
			if !slices.Contains(r.secrets, form) {
				r.secrets = append(r.secrets, form)
			}
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

// addURL records the secrets of a URL-shaped value: the password of its
// user information and the values of its secret-named query options.
func (r *redactor) addURL(value string) {
	if !strings.Contains(value, "://") {
		return
	}
	u, err := url.Parse(value)
	if err != nil {
		return
	}
	if pw, ok := u.User.Password(); ok {
		r.add(pw)
	}
	for key, values := range u.Query() {
		if secretName(key) {
			r.add(values...)
		}
	}
}

// addEnv records the secrets of environment entries ("NAME=value"): the
// values of variables whose names say they hold a secret, and the secrets
// of URL-shaped values (a connection string's password).
func (r *redactor) addEnv(env []string) {
	for _, kv := range env {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if secretName(name) && !trivial(value) {
			r.add(value)
		}
		r.addURL(value)
	}
}

// addArgs records the secrets of command arguments: the value of a
// secret-named option ("--token=x", or "--token" followed by "x") and the
// secrets of URL-shaped arguments.
func (r *redactor) addArgs(args []string) {
	for i, a := range args {
		if name, value, ok := strings.Cut(a, "="); ok && !strings.Contains(name, "://") && secretName(name) {
			r.add(value)
		}
		if strings.HasPrefix(a, "-") && !strings.Contains(a, "=") && secretName(a) && i+1 < len(args) {
			r.add(args[i+1])
		}
		r.addURL(a)
	}
}

// secretName reports whether a variable's or option's name says that its
// value is a secret: TELEGRAM_BOT_TOKEN, WEBHOOK_SECRET, --password,
// apiKey, X-Auth. PWD and OLDPWD are directories.
func secretName(name string) bool {
	name = strings.ToLower(strings.TrimLeft(name, "-"))
	if name == "pwd" || name == "oldpwd" {
		return false
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		switch w {
		case "pass", "pwd", "key", "auth", "authorization", "creds", "dsn", "pat":
			return true
		}
		for _, part := range []string{"token", "secret", "passw", "passphrase", "apikey", "credential", "privatekey"} {
			if strings.Contains(w, part) {
				return true
			}
		}
	}
	return false
}

// trivial reports whether a value under a secret's name is a switch, not
// a secret: masking every "true" in an output would garble it for nothing.
func trivial(value string) bool {
	switch strings.ToLower(value) {
	case "true", "false", "yes", "no", "on", "off", "none", "null":
		return true
	}
	return false
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
