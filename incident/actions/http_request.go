package actions

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/opsbot/opsbot/incident"
)

// validate checks the method and the headers, quoting no header value.
func (h HTTP) validate(method string) error {
	if !isToken(method) {
		return fmt.Errorf("HTTP: method %q is not valid", oneLine(method, 20))
	}
	for name, value := range h.Headers {
		if !isToken(name) {
			return fmt.Errorf("HTTP: header name %q is not valid", oneLine(name, 40))
		}
		if strings.ContainsAny(value, "\r\n\x00") {
			return fmt.Errorf("HTTP: header %s has a line break or NUL in its value", name)
		}
	}
	return nil
}

// body returns the request body and whether it is JSON.
func (h HTTP) body(inc incident.Incident, method string) (io.Reader, bool) {
	if h.Body != "" {
		return strings.NewReader(h.Body), json.Valid([]byte(h.Body))
	}
	if method == http.MethodGet || method == http.MethodHead {
		return nil, false
	}
	b, _ := json.Marshal(payload{
		Incident: inc.ID,
		Check:    inc.Check,
		Severity: string(inc.Severity),
		Summary:  inc.Summary,
		Level:    int(inc.Level),
		OpenedAt: inc.OpenedAt.UTC(),
	})
	return strings.NewReader(string(b)), true
}

// secrets returns a redactor of what must not be quoted from an answer.
func (h HTTP) secrets(u *url.URL) *redactor {
	r := &redactor{}
	for _, v := range h.Headers {
		r.add(v)
		r.add(strings.Fields(v)...) // "Bearer <token>": the token alone too
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		basic := base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + pw))
		r.add(u.User.Username(), pw, url.QueryEscape(pw), basic)
	}
	for _, vs := range u.Query() {
		r.add(vs...)
	}
	for _, seg := range strings.Split(u.Path, "/") {
		// Long path segments are often tokens, as in chat webhooks' URLs.
		if len(seg) >= 16 {
			r.add(seg)
		}
	}
	return r
}

// isToken reports whether s is a non-empty HTTP token (RFC 9110): a valid
// method or header name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}
