package actions_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/actions"
)

// request is what a test server received.
type request struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// recorder is a test server that records its requests and answers with
// its handler.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []request
}

// newRecorder starts a server answering with answer after recording.
func newRecorder(t *testing.T, answer http.HandlerFunc) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, request{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
		rec.mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (rec *recorder) requests() []request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]request(nil), rec.reqs...)
}

// reply returns a handler answering status with body of contentType.
func reply(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func TestHTTPPostsIncident(t *testing.T) {
	srv := newRecorder(t, reply(200, "text/plain", "queued restart job 17\n"))
	a := actions.HTTP{URL: srv.URL + "/hooks/restart", Headers: map[string]string{"X-Api-Key": "key-7d1c0e55"}}

	got, err := a.Run(t.Context(), testIncident(), "restart")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want := "HTTP 200: queued restart job 17"; got != want {
		t.Errorf("outcome = %q, want %q", got, want)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/hooks/restart" || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-Api-Key") != "key-7d1c0e55" {
		t.Errorf("request %s %s, Content-Type %q, X-Api-Key %q; want POST /hooks/restart, application/json, the key",
			r.Method, r.Path, r.Header.Get("Content-Type"), r.Header.Get("X-Api-Key"))
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.Body, err)
	}
	want := map[string]any{
		"incident":  "INC-42",
		"check":     "api-health",
		"severity":  "critical",
		"summary":   "GET /health answered 503",
		"level":     float64(1),
		"opened_at": "2026-03-01T12:00:00Z",
	}
	if len(body) != len(want) {
		t.Errorf("body has keys %v, want exactly %v", body, want)
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("body[%q] = %#v, want %#v", k, body[k], v)
		}
	}
}

func TestHTTPBodyAndMethod(t *testing.T) {
	srv := newRecorder(t, reply(204, "", ""))
	tests := []struct {
		name            string
		a               actions.HTTP
		method, ctype   string
		body            string
		wantDefaultJSON bool
	}{
		{name: "text body", a: actions.HTTP{Method: "PUT", Body: "restart please"}, method: "PUT", body: "restart please"},
		{name: "JSON body", a: actions.HTTP{Body: `{"service":"api"}`}, method: "POST", ctype: "application/json", body: `{"service":"api"}`},
		{name: "Content-Type header wins", a: actions.HTTP{Body: `{"x":1}`, Headers: map[string]string{"content-type": "application/vnd.x+json"}},
			method: "POST", ctype: "application/vnd.x+json", body: `{"x":1}`},
		{name: "GET sends no body", a: actions.HTTP{Method: "GET"}, method: "GET"},
		{name: "PATCH sends the incident", a: actions.HTTP{Method: "PATCH"}, method: "PATCH", ctype: "application/json", wantDefaultJSON: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.a.URL = srv.URL
			got, err := tt.a.Run(t.Context(), testIncident(), "restart")
			if err != nil || got != "HTTP 204" {
				t.Fatalf("Run = %q, %v; want HTTP 204", got, err)
			}
			r := srv.requests()[i]
			if r.Method != tt.method || r.Header.Get("Content-Type") != tt.ctype {
				t.Errorf("method %s, Content-Type %q; want %s, %q", r.Method, r.Header.Get("Content-Type"), tt.method, tt.ctype)
			}
			if tt.wantDefaultJSON {
				if !strings.Contains(r.Body, `"incident":"INC-42"`) {
					t.Errorf("body %q, want the incident as JSON", r.Body)
				}
			} else if r.Body != tt.body {
				t.Errorf("body %q, want %q", r.Body, tt.body)
			}
		})
	}
}

func TestHTTPAnswers(t *testing.T) {
	long := "database connection pool exhausted; " + strings.Repeat("retry later ", 20)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
		wantErr bool
	}{
		{"500 with text", reply(500, "text/plain; charset=utf-8", long), "HTTP 500: " + long[:99] + "…", true},
		{"503 empty", reply(503, "", ""), "HTTP 503", true},
		{"404 JSON", reply(404, "application/json", `{"error":"no such hook"}`), `HTTP 404: {"error":"no such hook"}`, true},
		{"502 HTML", reply(502, "text/html", "<html><head><title>502</title></head>\n<body><h1>Bad Gateway</h1></body></html>"), "HTTP 502: 502 Bad Gateway", true},
		{"201 binary", reply(201, "image/png", "\x89PNG\r\n\x1a\n\x00\x00"), "HTTP 201", false},
		{"200 untyped text", reply(200, "", "restarting\n"), "HTTP 200: restarting", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, tt.handler)
			out, err := actions.HTTP{URL: srv.URL}.Run(t.Context(), testIncident(), "restart")
			got := out
			if err != nil {
				got = err.Error()
			}
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("Run = %q, %v; want %q (error: %v)", out, err, tt.want, tt.wantErr)
			}
		})
	}
}

// blockUntilGone returns a handler that, after writing head (if any),
// blocks until the client goes away or the test ends.
func blockUntilGone(t *testing.T, head string) http.HandlerFunc {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) }) // runs before the server's Close
	return func(w http.ResponseWriter, r *http.Request) {
		if head != "" {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, head)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}
}

func TestHTTPTimeout(t *testing.T) {
	tests := []struct {
		name, head, suffix string
	}{
		{"no answer", "", ": timed out"},
		{"answer stalls", "partial", ": reading the answer: timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, blockUntilGone(t, tt.head))
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()
			deadline, _ := ctx.Deadline()
			a := actions.HTTP{URL: srv.URL + "/hook?token=q-secret-0042"}
			_, err := a.Run(ctx, testIncident(), "restart")
			if late := time.Since(deadline); late > time.Second {
				t.Errorf("Run returned %v after the deadline", late)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Run past the deadline: %v, want an error wrapping context.DeadlineExceeded", err)
			}
			host := strings.TrimPrefix(srv.URL, "http://")
			if want := "POST to " + host + tt.suffix; err.Error() != want {
				t.Errorf("error = %q, want %q", err, want)
			}
		})
	}
}

// A 64 KiB answer followed by a stall is read up to the cap and no
// further: Run returns at once rather than at the deadline.
func TestHTTPAnswerCapped(t *testing.T) {
	srv := newRecorder(t, blockUntilGone(t, strings.Repeat("a", 64<<10)+"never read"))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	got, err := actions.HTTP{URL: srv.URL}.Run(ctx, testIncident(), "restart")
	if err != nil || got != "HTTP 200: "+strings.Repeat("a", 99)+"…" {
		t.Errorf("Run = %q, %v; want HTTP 200 with the start of the body", got, err)
	}
}

func TestHTTPRedirects(t *testing.T) {
	other := newRecorder(t, reply(200, "text/plain", "other host"))
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/hook", http.StatusTemporaryRedirect)
		case "/away":
			http.Redirect(w, r, other.URL+"/steal?token=q-secret-0042", http.StatusFound)
		default:
			reply(200, "text/plain", "ok")(w, r)
		}
	})

	got, err := actions.HTTP{URL: srv.URL + "/moved"}.Run(t.Context(), testIncident(), "restart")
	if err != nil || got != "HTTP 200: ok" {
		t.Errorf("Run through a same-host redirect = %q, %v; want HTTP 200: ok", got, err)
	}
	if reqs := srv.requests(); len(reqs) != 2 || reqs[1].Method != "POST" || !strings.Contains(reqs[1].Body, "INC-42") {
		t.Errorf("requests %+v, want the POST repeated on /hook with its body", reqs)
	}

	_, err = actions.HTTP{URL: srv.URL + "/away", Headers: map[string]string{"Authorization": "Bearer hdr-secret-9f8e"}}.
		Run(t.Context(), testIncident(), "restart")
	if err == nil || err.Error() != "HTTP 302: redirect to another host not followed" {
		t.Errorf("Run through a redirect to another host: %v, want HTTP 302: redirect to another host not followed", err)
	}
	if n := len(other.requests()); n != 0 {
		t.Errorf("the other host got %d requests, want 0", n)
	}
}

// secrets are the values the secret tests put in URLs and headers.
var secrets = []string{"opsbot-user", "hunter2-pass", "q-secret-0042", "hdr-secret-9f8e", "key-7d1c0e55",
	"b3BzYm90LXVzZXI6aHVudGVyMi1wYXNz"} // base64 of opsbot-user:hunter2-pass

// echo answers status with the credentials it got, as some servers do.
func echo(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "got auth="+r.Header.Get("Authorization")+" key="+r.Header.Get("X-Api-Key")+
			" query="+r.URL.RawQuery)
	}
}

func TestHTTPSecretsNotShown(t *testing.T) {
	srv := newRecorder(t, echo(500))
	ok := newRecorder(t, echo(200))
	down := httptest.NewServer(nil)
	down.Close()
	slow := newRecorder(t, blockUntilGone(t, ""))
	userinfo := "http://opsbot-user:hunter2-pass@"
	query := "/hook?token=q-secret-0042&x=1"
	headers := map[string]string{"Authorization": "Bearer hdr-secret-9f8e", "X-Api-Key": "key-7d1c0e55"}

	tests := []struct {
		name    string
		a       actions.HTTP
		timeout time.Duration
		want    string
	}{
		{"userinfo and query echoed", actions.HTTP{URL: userinfo + srv.Listener.Addr().String() + query},
			0, "HTTP 500: got auth=Basic [redacted] key= query=token=[redacted]&x=1"},
		{"headers echoed", actions.HTTP{URL: srv.URL + query, Headers: headers},
			0, "HTTP 500: got auth=[redacted] key=[redacted] query=token=[redacted]&x=1"},
		{"headers echoed on success", actions.HTTP{URL: ok.URL, Headers: headers},
			0, "HTTP 200: got auth=[redacted] key=[redacted] query="},
		{"server down", actions.HTTP{URL: userinfo + down.Listener.Addr().String() + query, Headers: headers},
			0, "POST to " + down.Listener.Addr().String() + ": connection refused"},
		{"timeout", actions.HTTP{URL: userinfo + slow.Listener.Addr().String() + query, Headers: headers},
			200 * time.Millisecond, "POST to " + slow.Listener.Addr().String() + ": timed out"},
		{"unparsable URL", actions.HTTP{URL: "http://opsbot-user:hunter2-pass@[::1" + query},
			0, "HTTP: URL is not an http(s) URL with a host"},
		{"header value with a line break", actions.HTTP{URL: srv.URL, Headers: map[string]string{"X-Api-Key": "key-7d1c0e55\r\nX: y"}},
			0, "HTTP: header X-Api-Key has a line break or NUL in its value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			out, err := tt.a.Run(ctx, testIncident(), "restart")
			got := out
			if err != nil {
				got = err.Error()
			}
			for _, s := range secrets {
				if strings.Contains(got, s) {
					t.Errorf("Run's result %q contains the secret %q", got, s)
				}
			}
			if got != tt.want {
				t.Errorf("Run = %q\nwant  %q", got, tt.want)
			}
		})
	}
}

func TestHTTPBadConfig(t *testing.T) {
	for _, a := range []actions.HTTP{
		{},
		{URL: "ftp://example.com/x"},
		{URL: "http:///path-only"},
		{URL: "http://example.com", Method: "GET POST"},
		{URL: "http://example.com", Headers: map[string]string{"Bad Name": "v"}},
	} {
		if out, err := a.Run(t.Context(), testIncident(), "restart"); err == nil || !strings.HasPrefix(err.Error(), "HTTP: ") {
			t.Errorf("Run of %+v = %q, %v; want a configuration error", a, out, err)
		}
	}
}
