package storage

import (
	"net/url"
	"sort"
	"strings"
)

// redacted replaces secrets, as net/url's URL.Redacted does for passwords.
const redacted = "xxxxx"

// RedactURI returns uri with its user information ("user:password@") and the
// values of secret query options (password, tlsCertificateKeyFilePassword,
// authMechanismProperties, ...) replaced by "xxxxx", so that a connection
// string can go into a log line or an error. It works on text that net/url
// rejects too (unescaped characters in a password), erring on the side of
// hiding too much.
func RedactURI(uri string) string {
	scheme, rest := splitScheme(uri)
	if at := userinfoEnd(rest); at >= 0 {
		rest = redacted + rest[at:]
	}
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		rest = rest[:q+1] + redactQuery(rest[q+1:])
	}
	return scheme + rest
}

// uriHosts returns the host list of a connection string ("h1:27017,h2" or an
// SRV name), without credentials, for error messages.
func uriHosts(uri string) string {
	_, rest := splitScheme(uri)
	if at := userinfoEnd(rest); at >= 0 {
		rest = rest[at+1:]
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	if rest == "" {
		return "(no host)"
	}
	return rest
}

func splitScheme(uri string) (scheme, rest string) {
	if i := strings.Index(uri, "://"); i >= 0 {
		return uri[:i+3], uri[i+3:]
	}
	return "", uri
}

// userinfoEnd returns the index of the '@' that ends the user information
// in rest (the URI after "scheme://"), or -1. The last '@' before the query
// wins, because a password may hold an unescaped '@' or '/'. A password may
// even hold a '?': an '@' after the first '?' still ends the user information
// when no query option ('=' or '&') comes before it.
func userinfoEnd(rest string) int {
	q := strings.IndexByte(rest, '?')
	if q < 0 {
		return strings.LastIndexByte(rest, '@')
	}
	if at := strings.LastIndexByte(rest[:q], '@'); at >= 0 {
		return at
	}
	if at := strings.IndexByte(rest[q:], '@'); at >= 0 && !strings.ContainsAny(rest[q:q+at], "=&") {
		return q + at
	}
	return -1
}

func redactQuery(query string) string {
	parts := strings.Split(query, "&")
	for i, part := range parts {
		key, value, ok := strings.Cut(part, "=")
		if ok && value != "" && secretOption(key) {
			parts[i] = key + "=" + redacted
		}
	}
	return strings.Join(parts, "&")
}

// secretOption reports whether a connection-string option carries a secret.
// Unknown options that look like secrets count too.
func secretOption(key string) bool {
	if k, err := url.QueryUnescape(key); err == nil {
		key = k
	}
	key = strings.ToLower(key)
	for _, s := range []string{"password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "authmechanismproperties"} {
		if strings.Contains(key, s) {
			return true
		}
	}
	return false
}

// uriSecrets returns the secrets in uri (the user information and the
// values of secret options, raw and unescaped), longest first, so that they
// can be scrubbed from free text such as a driver's error message.
func uriSecrets(uri string) []string {
	var secrets []string
	add := func(s string) {
		if s == "" {
			return
		}
		secrets = append(secrets, s)
		if u, err := url.PathUnescape(s); err == nil && u != s {
			secrets = append(secrets, u)
		}
		if u, err := url.QueryUnescape(s); err == nil && u != s {
			secrets = append(secrets, u)
		}
	}
	_, rest := splitScheme(uri)
	if at := userinfoEnd(rest); at >= 0 {
		userinfo := rest[:at]
		add(userinfo)
		if _, password, ok := strings.Cut(userinfo, ":"); ok {
			add(password)
		}
		rest = rest[at+1:]
	}
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		for _, part := range strings.Split(rest[q+1:], "&") {
			if key, value, ok := strings.Cut(part, "="); ok && secretOption(key) {
				add(value)
			}
		}
	}
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	return secrets
}

// scrub removes uri and the secrets in it from text.
func scrub(text, uri string) string {
	if uri == "" {
		return text
	}
	text = strings.ReplaceAll(text, uri, RedactURI(uri))
	for _, s := range uriSecrets(uri) {
		text = strings.ReplaceAll(text, s, redacted)
	}
	return text
}
