package httpcheck

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
)

func TestCheckOKResult(t *testing.T) {
	ts := serve(t, text(200, "fine"))
	r := run(t, Options{URL: ts.URL, Now: newClock(123 * time.Millisecond).Now})

	want(t, r, checks.StatusOK, "HTTP 200 in 123 ms")
	if r.Value != 123 || r.Unit != "ms" {
		t.Errorf("Value %v %q, want 123 ms", r.Value, r.Unit)
	}
	if r.Metrics["status_code"] != 200 || r.Metrics["response_ms"] != 123 {
		t.Errorf("Metrics = %v", r.Metrics)
	}
	if _, ok := r.Metrics["tls_days_left"]; ok {
		t.Error("tls_days_left recorded for plain http")
	}
	if r.Duration != 123*time.Millisecond || !r.ObservedAt.Equal(t0.Add(123*time.Millisecond)) {
		t.Errorf("Duration %v ObservedAt %v", r.Duration, r.ObservedAt)
	}
}

func TestCheckSendsMethodHeadersAndBody(t *testing.T) {
	type seen struct{ method, host, auth, custom, ua, body string }
	got := make(chan seen, 1)
	ts := serve(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.Host, r.Header.Get("Authorization"), r.Header.Get("X-Custom"), r.Header.Get("User-Agent"), string(b)}
	})
	r := run(t, Options{
		URL:    ts.URL + "/hook",
		Method: "post",
		Headers: map[string]string{
			"Authorization": "Bearer s3cr3t-token",
			"x-custom":      "yes",
			"Host":          "primary.example",
		},
		Body: `{"ping":1}`,
	})
	wantPrefix(t, r, checks.StatusOK, "HTTP 200 in ")
	s := <-got
	w := seen{"POST", "primary.example", "Bearer s3cr3t-token", "yes", "opsbot-httpcheck", `{"ping":1}`}
	if s != w {
		t.Errorf("server saw %+v, want %+v", s, w)
	}
}

func TestExpectStatus(t *testing.T) {
	tests := []struct {
		name   string
		code   int
		expect []int
		status checks.Status
		msg    string
	}{
		{"default 200", 200, nil, checks.StatusOK, "HTTP 200 in 0 ms"},
		{"default rejects 503", 503, nil, checks.StatusCrit, "HTTP 503 (want 200)"},
		{"listed 204", 204, []int{200, 204}, checks.StatusOK, "HTTP 204 in 0 ms"},
		{"two codes", 500, []int{200, 204}, checks.StatusCrit, "HTTP 500 (want 200 or 204)"},
		{"three codes", 404, []int{200, 201, 204}, checks.StatusCrit, "HTTP 404 (want 200, 201 or 204)"},
		{"expect an error code", 401, []int{401}, checks.StatusOK, "HTTP 401 in 0 ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := serve(t, text(tt.code, ""))
			r := run(t, Options{URL: ts.URL, ExpectStatus: tt.expect, Now: newClock(0).Now})
			want(t, r, tt.status, tt.msg)
			if r.Metrics["status_code"] != float64(tt.code) {
				t.Errorf("status_code = %v", r.Metrics["status_code"])
			}
		})
	}
}

func TestBodyRules(t *testing.T) {
	rules := []BodyRule{
		{Prefix: "OK", Status: checks.StatusOK},
		{Prefix: "WARN", Status: checks.StatusWarn},
		{Prefix: "", Status: checks.StatusCrit}, // catch-all
	}
	tests := []struct {
		name, body string
		rules      []BodyRule
		status     checks.Status
		msg        string
	}{
		{"first line only", "OK\nWARN later", rules, checks.StatusOK, "HTTP 200 in 0 ms: OK"},
		{"leading blank lines", "\r\n\n  WARN - disk 91%  \r\n", rules, checks.StatusWarn, "WARN - disk 91%"},
		{"catch-all", "whatever", rules, checks.StatusCrit, "whatever"},
		{"no match", "MAYBE", DefaultBodyRules(), checks.StatusCrit, `unexpected body: "MAYBE"`},
		{"empty", "", DefaultBodyRules(), checks.StatusCrit, "unexpected body: empty"},
		{"control chars flattened", "DEGRADED -\tdb\x00slow\x1b[31m", DefaultBodyRules(), checks.StatusWarn, "DEGRADED - db slow [31m"},
		{"case matters", "healthy", DefaultBodyRules(), checks.StatusCrit, `unexpected body: "healthy"`},
		{"nil rules skip the body", "anything", nil, checks.StatusOK, "HTTP 200 in 0 ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := serve(t, text(200, tt.body))
			r := run(t, Options{URL: ts.URL, BodyRules: tt.rules, Now: newClock(0).Now})
			want(t, r, tt.status, tt.msg)
		})
	}
}

func TestVerdictLineIsClipped(t *testing.T) {
	long := "DEGRADED - " + strings.Repeat("x", 500)
	ts := serve(t, text(200, long))
	r := run(t, Options{URL: ts.URL, BodyRules: DefaultBodyRules()})
	if r.Status != checks.StatusWarn || len([]rune(r.Message)) != 120 || r.Message[len(r.Message)-3:] != "…" {
		t.Errorf("got %s %q (%d runes)", r.Status, r.Message, len([]rune(r.Message)))
	}
}

func TestMaxResponseTime(t *testing.T) {
	ts := serve(t, text(200, "HEALTHY"))
	o := Options{URL: ts.URL, MaxResponseTime: 5 * time.Second, BodyRules: DefaultBodyRules()}

	o.Now = newClock(6200 * time.Millisecond).Now
	r := run(t, o)
	want(t, r, checks.StatusWarn, "response took 6200 ms (max 5s)")
	if r.Value != 6200 {
		t.Errorf("Value = %v, want 6200", r.Value)
	}

	o.Now = newClock(5 * time.Second).Now
	want(t, run(t, o), checks.StatusOK, "HTTP 200 in 5000 ms: HEALTHY")
}

func TestFindingsWorstFirst(t *testing.T) {
	ts := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(503)
		_, _ = io.WriteString(w, `{"status":"unhealthy","metrics":{"error_rate_percent":40}}`)
	})
	r := run(t, Options{
		URL: ts.URL,
		Conditions: []JSONCondition{
			{Expr: "metrics.error_rate_percent < 10", Severity: checks.StatusWarn},
			{Expr: "status == healthy"},
		},
		MaxResponseTime: time.Second,
		Now:             newClock(2 * time.Second).Now,
	})
	want(t, r, checks.StatusCrit, "HTTP 503 (want 200); status is unhealthy (want healthy); "+
		"metrics.error_rate_percent is 40 (want < 10); response took 2000 ms (max 1s)")
	if r.Metrics["metrics.error_rate_percent"] != 40 {
		t.Errorf("Metrics = %v", r.Metrics)
	}
}

func TestRedirectsAreFollowed(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/old", http.RedirectHandler("/new", http.StatusMovedPermanently))
	mux.Handle("/new", http.RedirectHandler("/health", http.StatusFound))
	mux.Handle("/health", text(200, "HEALTHY"))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)

	want(t, run(t, Options{URL: ts.URL + "/old", BodyRules: DefaultBodyRules(), Now: newClock(0).Now}),
		checks.StatusOK, "HTTP 200 in 0 ms: HEALTHY")
	want(t, run(t, Options{URL: ts.URL + "/old", MaxRedirects: 1}),
		checks.StatusCrit, "too many redirects (more than 1)")
	want(t, run(t, Options{URL: ts.URL + "/old", MaxRedirects: -1}),
		checks.StatusCrit, "HTTP 301 (want 200)")
	wantPrefix(t, run(t, Options{URL: ts.URL + "/old", MaxRedirects: -1, ExpectStatus: []int{301}}),
		checks.StatusOK, "HTTP 301 in")
}

func TestConnectionsAreReused(t *testing.T) {
	var conns atomic.Int32
	ts := httptest.NewUnstartedServer(text(200, "HEALTHY"))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)

	shared := NewTransport()
	t.Cleanup(shared.CloseIdleConnections)
	a := mustNew(t, Options{URL: ts.URL + "/a", Transport: shared})
	b := mustNew(t, Options{URL: ts.URL + "/b", Transport: shared})
	for range 5 {
		for _, c := range []*Checker{a, b} {
			if r := c.Check(context.Background()); r.Status != checks.StatusOK {
				t.Fatalf("run failed: %q", r.Message)
			}
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("10 sequential runs opened %d connections, want 1", n)
	}
}

func TestConcurrentRuns(t *testing.T) {
	ts := serve(t, jsonBody(`{"status":"healthy","n":1}`))
	c := mustNew(t, Options{URL: ts.URL, Conditions: []JSONCondition{{Expr: "status == healthy"}, {Expr: "n < 2"}}})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				if r := c.Check(context.Background()); r.Status != checks.StatusOK || r.Metrics["n"] != 1 {
					t.Errorf("got %s %q %v", r.Status, r.Message, r.Metrics)
				}
			}
		})
	}
	wg.Wait()
}

func TestHostAndTarget(t *testing.T) {
	c := mustNew(t, Options{URL: "https://bot:pw-1234@Primary.Example:8443/health/json?token=abcd#frag"})
	if c.Host() != "primary.example" {
		t.Errorf("Host() = %q", c.Host())
	}
	if c.Target() != "https://Primary.Example:8443/health/json" {
		t.Errorf("Target() = %q", c.Target())
	}
}

func TestNewReturnsTheChecker(t *testing.T) {
	c, err := New(Options{URL: "http://example.test/health"})
	if err != nil {
		t.Fatal(err)
	}
	h, ok := c.(interface{ Host() string })
	if !ok || h.Host() != "example.test" {
		t.Errorf("New returned %T without the expected Host()", c)
	}
}
