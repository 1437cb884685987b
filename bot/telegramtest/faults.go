package telegramtest

import (
	"fmt"
	"net/http"
	"time"
)

// Fault is an injected failure; see Server.Fail.
type Fault struct {
	// Status is the HTTP status and error_code to answer, e.g. 429, 500,
	// 502; 0 answers normally after Delay.
	Status int
	// RetryAfter is parameters.retry_after of a 429 (default 1).
	RetryAfter int
	// Description overrides the description; the default is Telegram's
	// wording, "Too Many Requests: retry after N" for 429.
	Description string
	// Delay holds the answer back, or until the client cancels the request
	// (recorded as status 499) or the server shuts down.
	Delay time.Duration
}

type faultEntry struct {
	fault Fault
	left  int
}

// Fail makes the next times calls to method (case-insensitive) fail with f,
// before any validation, as Telegram's front end would. Faults queued for
// the same method apply one after another in the order given. An unknown
// method fails the test.
func (s *Server) Fail(method string, times int, f Fault) {
	s.t.Helper()
	m, ok := s.spec.method(method)
	if !ok {
		s.t.Fatalf("telegramtest: Fail: %q is not a Bot API method", method)
	}
	if times <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.faults[m.Name] = append(s.state.faults[m.Name], &faultEntry{fault: f, left: times})
}

// takeFault consumes the next fault queued for method, if any.
func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	queue := s.state.faults[method]
	if len(queue) == 0 {
		return Fault{}, false
	}
	e := queue[0]
	e.left--
	if e.left == 0 {
		s.state.faults[method] = queue[1:]
	}
	return e.fault, true
}

func (f Fault) apiError() *apiError {
	e := &apiError{Status: f.Status, Description: f.Description}
	if f.Status == http.StatusTooManyRequests {
		e.RetryAfter = max(f.RetryAfter, 1)
		if e.Description == "" {
			e.Description = fmt.Sprintf("Too Many Requests: retry after %d", e.RetryAfter)
		}
	}
	if e.Description == "" {
		e.Description = http.StatusText(f.Status)
	}
	return e
}

// Delayed returns how many calls are now held back by an injected Delay.
func (s *Server) Delayed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.delayed
}
