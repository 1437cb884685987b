package httpcheck

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/checkstest"
)

// The secrets of the security tests: a password in the URL's userinfo,
// two query values, and the credential of a bearer header.
const (
	secPassword = "Pw9-s3cretPass"
	secToken    = "TOK-7g2k9m1q5r"
	secAPIKey   = "KEY-0s3t5u8v1w"
	secBearer   = "HDR-4x6y8z0q2r"
)

// secBasic is the basic credential the URL's userinfo is sent as.
var secBasic = base64.StdEncoding.EncodeToString([]byte("opsuser:" + secPassword))

// secretURL returns base (scheme://host) with the userinfo and the secret
// query values.
func secretURL(base string) string {
	scheme, host, _ := strings.Cut(base, "://")
	return scheme + "://opsuser:" + secPassword + "@" + host + "/health?token=" + secToken + "&api_key=" + secAPIKey
}

// echoAll is what a careless server answers: everything it was sent, the
// credentials decoded and raw.
func echoAll(r *http.Request) string {
	user, pass, _ := r.BasicAuth()
	return fmt.Sprintf("uri=%s auth=%q user=%s:%s token=%s key=%s bearer=%s",
		r.RequestURI, r.Header.Get("Authorization"), user, pass, r.URL.Query().Get("token"), r.URL.Query().Get("api_key"),
		strings.TrimPrefix(r.Header.Get("X-Api-Token"), "Bearer "))
}

// TestNoSecretReachesAResult runs checks whose URL, query and headers hold
// secrets against targets that fail in every way (no answer, bad TLS, an
// error status, garbage) or echo what they were sent, and asserts that the
// Result's message, which goes to the chat and the incident timeline,
// reveals no secret in any form, not even a clipped part of one.
func TestNoSecretReachesAResult(t *testing.T) {
	serveText := func(t *testing.T, code int, contentType string, body func(r *http.Request) string) string {
		return serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(code)
			_, _ = io.WriteString(w, body(r))
		}).URL
	}
	tests := []struct {
		name string
		// target returns the scheme://host to check.
		target func(t *testing.T) string
		// edit changes the Options, for conditions or a client.
		edit func(o *Options, target string)
		// want is the start of the message: the check failed for the
		// reason the case is about, not another.
		want string
	}{
		{name: "connection refused",
			target: func(t *testing.T) string { return "http://" + checkstest.ClosedAddr(t) },
			want:   "connection refused"},
		{name: "no answer",
			target: func(t *testing.T) string { return "http://" + checkstest.SilentAddr(t) },
			edit:   func(o *Options, _ string) { o.Timeout = 200 * time.Millisecond },
			want:   "timed out after 200ms"},
		{name: "untrusted certificate",
			target: func(t *testing.T) string {
				ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, echoAll(r)) }))
				ts.Config.ErrorLog = log.New(io.Discard, "", 0)
				ts.StartTLS()
				t.Cleanup(ts.Close)
				return ts.URL
			},
			want: "TLS certificate not valid: signed by an unknown authority"},
		{name: "https to a server without TLS",
			target: func(t *testing.T) string {
				return strings.Replace(serveText(t, 200, "text/plain", echoAll), "http://", "https://", 1)
			},
			want: "server gave HTTP response to HTTPS client"},
		{name: "error status echoing the request",
			target: func(t *testing.T) string {
				return serveText(t, 503, "text/plain", func(r *http.Request) string { return "UNHEALTHY - " + echoAll(r) })
			},
			want: "HTTP 503 (want 200): UNHEALTHY - uri=/health?*** auth="},
		{name: "proxy error page echoing the request in its title",
			target: func(t *testing.T) string {
				return serveText(t, 502, "text/html", func(r *http.Request) string {
					return "<html><head><title>502 " + echoAll(r) + "</title></head></html>"
				})
			},
			want: "HTTP 502 (want 200): an HTML page"},
		{name: "body that is not JSON",
			target: func(t *testing.T) string {
				return serveText(t, 200, "text/html", func(r *http.Request) string { return "<title>" + echoAll(r) + "</title>" })
			},
			edit: func(o *Options, _ string) {
				o.BodyRules, o.Conditions = nil, []JSONCondition{{Expr: "status == healthy"}}
			},
			want: "body is not JSON"},
		{name: "JSON condition quoting an echoed value",
			target: func(t *testing.T) string {
				return serveText(t, 200, "application/json", func(r *http.Request) string {
					return fmt.Sprintf(`{"status": %q, "detail": {"auth": %q}}`, r.URL.Query().Get("token"), r.Header.Get("Authorization"))
				})
			},
			edit: func(o *Options, _ string) {
				o.BodyRules = nil
				o.Conditions = []JSONCondition{{Expr: "status == healthy"}, {Expr: "detail.auth == none"}}
			},
			want: "status is"},
		{name: "secret cut by the verdict line's clip",
			target: func(t *testing.T) string {
				return serveText(t, 503, "text/plain", func(r *http.Request) string {
					_, pass, _ := r.BasicAuth()
					return "UNHEALTHY - " + strings.Repeat("x", 100) + pass + " and more"
				})
			},
			want: "HTTP 503 (want 200): UNHEALTHY - xxx"},
		{name: "secret cut by the page title's clip",
			target: func(t *testing.T) string {
				return serveText(t, 502, "text/html", func(r *http.Request) string {
					return "<title>" + strings.Repeat("y", 70) + r.URL.Query().Get("api_key") + "</title>"
				})
			},
			want: "HTTP 502 (want 200): an HTML page"},
		{name: "bearer credential echoed without its scheme",
			target: func(t *testing.T) string {
				return serveText(t, 401, "text/plain", func(r *http.Request) string {
					return "UNHEALTHY - invalid token " + strings.TrimPrefix(r.Header.Get("X-Api-Token"), "Bearer ")
				})
			},
			want: "HTTP 401 (want 200): UNHEALTHY - invalid token"},
		{name: "basic credential echoed encoded",
			target: func(t *testing.T) string {
				return serveText(t, 401, "text/plain", func(r *http.Request) string {
					return "UNHEALTHY - bad credentials " + r.Header.Get("Authorization")
				})
			},
			want: "HTTP 401 (want 200): UNHEALTHY - bad credentials"},
		{name: "redirect loop carrying the secrets",
			target: func(t *testing.T) string {
				return serve(t, func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, r.RequestURI+"&again="+r.URL.Query().Get("token"), http.StatusFound)
				}).URL
			},
			want: "too many redirects"},
		{name: "redirect to a closed port",
			target: func(t *testing.T) string {
				closed := checkstest.ClosedAddr(t)
				return serve(t, func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, secretURL("http://"+closed), http.StatusFound)
				}).URL
			},
			want: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target(t)
			o := Options{
				URL:       secretURL(target),
				Headers:   map[string]string{"X-Api-Token": "Bearer " + secBearer},
				BodyRules: DefaultBodyRules(),
				Timeout:   2 * time.Second,
			}
			if tt.edit != nil {
				tt.edit(&o, target)
			}
			c := mustNew(t, o)
			r := c.Check(context.Background())
			t.Logf("message: %s", r.Message)
			if r.Status != checks.StatusCrit || !strings.HasPrefix(r.Message, tt.want) {
				t.Errorf("got %s %q, want crit %q...", r.Status, r.Message, tt.want)
			}
			for _, shown := range []struct{ what, text string }{{"message", r.Message}, {"target", c.Target()}} {
				if leaks := checkstest.Leaks(shown.text, secPassword, secToken, secAPIKey, secBearer, secBasic); len(leaks) > 0 {
					t.Errorf("the %s %q reveals %q", shown.what, shown.text, leaks)
				}
			}
		})
	}
}

// TestOptionErrorsQuoteNoSecret builds checks from bad options around a
// URL full of secrets: the error, shown at start-up, quotes none.
func TestOptionErrorsQuoteNoSecret(t *testing.T) {
	for _, tt := range []struct {
		name string
		o    Options
	}{
		{"bad port", Options{URL: "https://opsuser:" + secPassword + "@primary.example:80x/health?token=" + secToken}},
		{"bad escape in the password", Options{URL: "https://opsuser:" + secPassword + "%zz@primary.example/?token=" + secToken}},
		{"space in the host", Options{URL: "https://opsuser:" + secPassword + "@primary example/?token=" + secToken}},
		{"unsupported scheme", Options{URL: "ftp://opsuser:" + secPassword + "@primary.example/?token=" + secToken}},
		{"no host", Options{URL: "https://opsuser:" + secPassword + "@/?token=" + secToken}},
		{"control character", Options{URL: "https://opsuser:" + secPassword + "@primary.example/\x7f?token=" + secToken}},
		{"header with a line break", Options{URL: "https://primary.example/", Headers: map[string]string{"X-Api-Token": "Bearer " + secBearer + "\r\nX-Evil: 1"}}},
		{"bad header name", Options{URL: "https://primary.example/", Headers: map[string]string{"X Token": secBearer}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.o)
			var optErr *OptionError
			if !errors.As(err, &optErr) {
				t.Fatalf("New: %v, want an *OptionError", err)
			}
			if leaks := checkstest.Leaks(err.Error(), secPassword, secToken, secAPIKey, secBearer); len(leaks) > 0 {
				t.Errorf("error %q reveals %q", err, leaks)
			}
		})
	}
}
