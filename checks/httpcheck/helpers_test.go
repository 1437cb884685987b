package httpcheck

import (
	"bufio"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// t0 is the fixed time the fake clocks start at.
var t0 = time.Date(2024, 3, 27, 10, 30, 0, 0, time.UTC)

// stepClock is a fake clock that moves by step on every reading, so a
// Check (which reads it before and after the request) takes exactly step.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func newClock(step time.Duration) *stepClock { return &stepClock{t: t0, step: step} }

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

// mustNew builds a Checker or fails the test.
func mustNew(t *testing.T, o Options) *Checker {
	t.Helper()
	c, err := newChecker(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// run builds a Checker for o and runs it once.
func run(t *testing.T, o Options) checks.Result {
	t.Helper()
	return mustNew(t, o).Check(context.Background())
}

// serve starts an httptest server for h whose error log is discarded.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// text answers with a status and a plain-text body.
func text(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

// jsonBody answers 200 with a JSON body.
func jsonBody(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}
}

// rawServer accepts TCP connections and hands each, after the request's
// header has been read, to handle. It closes every connection and waits
// for the handlers when the test ends.
func rawServer(t *testing.T, handle func(conn net.Conn, done <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Go(func() {
				r := bufio.NewReader(conn)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if strings.TrimSpace(line) == "" {
						break
					}
				}
				handle(conn, done)
			})
		}
	})
	t.Cleanup(func() {
		close(done)
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// trickle writes prefix, then one byte of filler every 10ms until the
// client hangs up or the test ends: a slowloris.
func trickle(prefix string) func(net.Conn, <-chan struct{}) {
	return func(conn net.Conn, done <-chan struct{}) {
		if _, err := io.WriteString(conn, prefix); err != nil {
			return
		}
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}
}

// want fails the test unless r has the status and message.
func want(t *testing.T, r checks.Result, status checks.Status, msg string) {
	t.Helper()
	if r.Status != status || r.Message != msg {
		t.Errorf("got %s %q, want %s %q", r.Status, r.Message, status, msg)
	}
}

// wantPrefix fails the test unless r has the status and its message starts with prefix.
func wantPrefix(t *testing.T, r checks.Result, status checks.Status, prefix string) {
	t.Helper()
	if r.Status != status || !strings.HasPrefix(r.Message, prefix) {
		t.Errorf("got %s %q, want %s %q...", r.Status, r.Message, status, prefix)
	}
}

// wantTimeout fails the test unless r is crit "timed out after D" with D
// between lo and hi: a context deadline was partly spent before the run.
func wantTimeout(t *testing.T, r checks.Result, lo, hi time.Duration) {
	t.Helper()
	d, err := time.ParseDuration(strings.TrimPrefix(r.Message, "timed out after "))
	if r.Status != checks.StatusCrit || err != nil || d < lo || d > hi {
		t.Errorf("got %s %q, want crit \"timed out after\" %v to %v", r.Status, r.Message, lo, hi)
	}
}
