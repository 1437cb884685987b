package httpcheck

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/checkstest"
)

// The targets in this file misbehave on purpose. Each must give a failing
// Result with a readable one-line reason, quickly, and never a panic.

const shortTimeout = 200 * time.Millisecond

// quick runs o against ctx and fails the test when the run takes far
// longer than the timeout: a hung worker.
func quick(t *testing.T, ctx context.Context, o Options) checks.Result {
	t.Helper()
	c := mustNew(t, o)
	start := time.Now()
	r := c.Check(ctx)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Check took %v", took)
	}
	if strings.ContainsAny(r.Message, "\r\n") {
		t.Errorf("message spans lines: %q", r.Message)
	}
	return r
}

func TestNotJSON(t *testing.T) {
	conds := []JSONCondition{{Expr: "status == healthy"}}
	tests := []struct {
		name, body, msg string
	}{
		{"plain text", "HEALTHY", "body is not JSON"},
		{"truncated", `{"status":"healthy"`, "body is not JSON"},
		{"two values", `{"status":"healthy"} {}`, "body is not JSON"},
		{"empty", "", "body is not JSON: empty"},
		{"nested too deep", strings.Repeat("[", 200000), "body is not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := serve(t, jsonBody(tt.body))
			want(t, quick(t, context.Background(), Options{URL: ts.URL, Conditions: conds}), checks.StatusCrit, tt.msg)
		})
	}
}

const errorPage = `<!DOCTYPE html>
<html><head><TITLE>502 Bad Gateway &amp; friends</TITLE></head>
<body><h1>502 Bad Gateway</h1><hr>nginx</body></html>`

func TestHTMLErrorPage(t *testing.T) {
	page := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(code)
			_, _ = io.WriteString(w, errorPage)
		}
	}
	bad := serve(t, page(502))
	ok := serve(t, page(200))
	ctx := context.Background()

	want(t, quick(t, ctx, Options{URL: bad.URL, BodyRules: DefaultBodyRules()}),
		checks.StatusCrit, `HTTP 502 (want 200): an HTML page "502 Bad Gateway & friends"`)
	want(t, quick(t, ctx, Options{URL: bad.URL, Conditions: []JSONCondition{{Expr: "status == healthy"}}}),
		checks.StatusCrit, `HTTP 502 (want 200): an HTML page "502 Bad Gateway & friends"`)
	want(t, quick(t, ctx, Options{URL: ok.URL, BodyRules: DefaultBodyRules()}),
		checks.StatusCrit, `unexpected body: an HTML page "502 Bad Gateway & friends"`)
	want(t, quick(t, ctx, Options{URL: ok.URL, Conditions: []JSONCondition{{Expr: "status == healthy"}}}),
		checks.StatusCrit, `body is not JSON: an HTML page "502 Bad Gateway & friends"`)
}

func TestHugeBody(t *testing.T) {
	ts := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		chunk := []byte(strings.Repeat("HEALTHY ", 8<<10))
		for sent := 0; sent < 10<<20; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	ctx := context.Background()
	r := quick(t, ctx, Options{URL: ts.URL, BodyRules: DefaultBodyRules()})
	want(t, r, checks.StatusCrit, "body larger than 1 MiB")
	if r.Metrics["status_code"] != 200 {
		t.Errorf("Metrics = %v", r.Metrics)
	}
	want(t, quick(t, ctx, Options{URL: ts.URL, MaxBodyBytes: 64 << 10}),
		checks.StatusCrit, "body larger than 64 KiB")
}

func TestMaxBodyBytesBoundary(t *testing.T) {
	ts := serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, strings.Repeat("x", len(r.URL.Path)-1))
	})
	o := Options{URL: ts.URL + "/" + strings.Repeat("p", 100), MaxBodyBytes: 100}
	wantPrefix(t, quick(t, context.Background(), o), checks.StatusOK, "HTTP 200 in")
	o.URL += "p"
	want(t, quick(t, context.Background(), o), checks.StatusCrit, "body larger than 100 bytes")
}

func TestSlowloris(t *testing.T) {
	headers := rawServer(t, trickle("HTTP/1.1 200 OK\r\nX-Slow: "))
	body := rawServer(t, trickle("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nHEAL"))
	silent := rawServer(t, func(_ net.Conn, done <-chan struct{}) { <-done })

	for name, addr := range map[string]string{"headers": headers, "body": body, "no answer": silent} {
		t.Run(name, func(t *testing.T) {
			r := quick(t, context.Background(), Options{URL: "http://" + addr + "/health", Timeout: shortTimeout, BodyRules: DefaultBodyRules()})
			want(t, r, checks.StatusCrit, "timed out after 200ms")
		})
	}
	t.Run("context deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		wantTimeout(t, quick(t, ctx, Options{URL: "http://" + body}), 250*time.Millisecond, 300*time.Millisecond)
	})
	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		want(t, quick(t, ctx, Options{URL: "http://" + silent}), checks.StatusCrit, "check canceled")
	})
}

func TestRedirectLoop(t *testing.T) {
	var hits atomic.Int32
	ts := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	want(t, quick(t, context.Background(), Options{URL: ts.URL + "/loop"}),
		checks.StatusCrit, "too many redirects (more than 5)")
	if n := hits.Swap(0); n != 6 {
		t.Errorf("server saw %d requests, want 6 (the first and 5 redirects)", n)
	}
	want(t, quick(t, context.Background(), Options{URL: ts.URL + "/loop", MaxRedirects: 2}),
		checks.StatusCrit, "too many redirects (more than 2)")
	if n := hits.Load(); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
}

func TestConnectionFailures(t *testing.T) {
	closed := checkstest.ClosedAddr(t)
	hangUp := rawServer(t, func(c net.Conn, _ <-chan struct{}) { _ = c.Close() })
	garbage := rawServer(t, func(c net.Conn, _ <-chan struct{}) {
		_, _ = io.WriteString(c, "\x00\x01SSH-2.0-OpenSSH\r\n\r\n")
	})
	bigHeader := rawServer(t, func(c net.Conn, _ <-chan struct{}) {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 100<<10)+"\r\n\r\n")
	})
	tests := []struct {
		name, addr, msg string
	}{
		{"closed port", closed, "connection refused"},
		{"huge header", bigHeader, "response headers too large"},
		{"hang-up without an answer", hangUp, "connection closed by the server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := quick(t, context.Background(), Options{URL: "http://" + tt.addr + "/health", Timeout: time.Second})
			want(t, r, checks.StatusCrit, tt.msg)
		})
	}
	t.Run("not HTTP", func(t *testing.T) {
		r := quick(t, context.Background(), Options{URL: "http://" + garbage + "/health", Timeout: time.Second})
		want(t, r, checks.StatusCrit, "malformed HTTP response")
	})
}

func TestHostNotFound(t *testing.T) {
	tr := NewTransport()
	tr.Proxy = nil // ask the resolver, not a proxy from the environment
	r := quick(t, context.Background(), Options{URL: "http://opsbot-test.invalid/health", Timeout: time.Second, Transport: tr})
	if r.Message == "DNS lookup timed out" || r.Message == "DNS lookup failed" || strings.HasPrefix(r.Message, "timed out") {
		t.Skipf("no usable resolver here: %q", r.Message)
	}
	want(t, r, checks.StatusCrit, "host not found")
}

func TestMessagesHideSecrets(t *testing.T) {
	const token, password, apiKey = "tok-SECRET-123", "pw-SECRET-456", "key-SECRET-789"
	leaks := func(t *testing.T, r checks.Result) {
		t.Helper()
		for _, s := range []string{token, password, apiKey, "SECRET"} {
			if strings.Contains(r.Message, s) {
				t.Errorf("message leaks %q: %q", s, r.Message)
			}
		}
	}
	// A target that reflects what it was sent: query, credentials, headers.
	echo := serve(t, func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		_, _ = io.WriteString(w, r.URL.RawQuery+" "+user+":"+pass+" "+r.Header.Get("X-Api-Key"))
	})
	for _, tc := range []struct{ name, url, msg string }{
		{"refused", "http://ops:" + password + "@" + checkstest.ClosedAddr(t) + "/health?token=" + token, "connection refused"},
		{"echoed", strings.Replace(echo.URL, "http://", "http://ops:"+password+"@", 1) + "/health?token=" + token,
			`unexpected body: "*** ops:*** ***"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := quick(t, context.Background(), Options{
				URL:       tc.url,
				Headers:   map[string]string{"X-Api-Key": apiKey},
				BodyRules: DefaultBodyRules(),
				Timeout:   time.Second,
			})
			want(t, r, checks.StatusCrit, tc.msg)
			leaks(t, r)
		})
	}
}
