package telegramtest

import (
	"fmt"
	"net/http"
	"time"
)

// AnyMethod stands for every Bot API method in FailDuring: an outage of
// Telegram's front end, rather than of one method.
const AnyMethod = "*"

// Fault is an injected failure; see Server.Fail and Server.FailDuring.
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

// faultEntry is a fault of Fail, for the next left calls, or a window of
// FailDuring, for the calls in [from, until).
type faultEntry struct {
	fault Fault
	left  int

	method      string // a window's method, or AnyMethod
	from, until time.Time
	faults      []Fault // a window's faults, taken in turn
	next        int     // index in faults of the next call's fault
}

// Fail makes the next times calls to method (case-insensitive) fail with f,
// before any validation, as Telegram's front end would. Faults queued for
// the same method apply one after another in the order given, and before
// any window of FailDuring. An unknown method fails the test.
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

// FailDuring makes every call to method (case-insensitive; AnyMethod for
// all of them) that arrives in the window [from, until) of the server's
// clock (WithClock) fail before any validation, as an outage of
// Telegram's front end would. It is a window of time, not a count of
// calls: a client that backs off meets the outage for as long as it
// lasts, however often it tries. The calls in the window take faults in
// turn, the first call the first fault, starting over after the last, so
// that 5xx answers and 429s with their retry_after can be mixed. A fault
// queued by Fail for the same method goes first; of overlapping windows,
// the one given first applies.
//
// Each fault must answer an error status (400-599) or hold the answer
// back (Status 0 with a Delay: a slow API). An unknown method, an empty
// or inverted window, or no fault fails the test.
func (s *Server) FailDuring(method string, from, until time.Time, faults ...Fault) {
	s.t.Helper()
	name := AnyMethod
	if method != AnyMethod {
		m, ok := s.spec.method(method)
		if !ok {
			s.t.Fatalf("telegramtest: FailDuring: %q is not a Bot API method", method)
		}
		name = m.Name
	}
	if !from.Before(until) {
		s.t.Fatalf("telegramtest: FailDuring(%s): the window from %v until %v is empty", name, from, until)
	}
	if len(faults) == 0 {
		s.t.Fatalf("telegramtest: FailDuring(%s): no fault given", name)
	}
	for i, f := range faults {
		if f.Status == 0 && f.Delay <= 0 || f.Status != 0 && (f.Status < 400 || f.Status > 599) {
			s.t.Fatalf("telegramtest: FailDuring(%s): fault %d %+v neither fails (status 400-599) nor delays", name, i, f)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The windows live under AnyMethod, in the order given; Fail's queues
	// under the method names.
	s.state.faults[AnyMethod] = append(s.state.faults[AnyMethod], &faultEntry{
		method: name, from: from, until: until, faults: append([]Fault(nil), faults...),
	})
}

// takeFault consumes the next fault queued for method, if any, or else
// takes the fault of the first window that the server's clock is in.
func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if queue := s.state.faults[method]; len(queue) > 0 {
		e := queue[0]
		e.left--
		if e.left == 0 {
			s.state.faults[method] = queue[1:]
		}
		return e.fault, true
	}
	now := s.now()
	for _, w := range s.state.faults[AnyMethod] {
		if (w.method == AnyMethod || w.method == method) && !now.Before(w.from) && now.Before(w.until) {
			f := w.faults[w.next]
			w.next = (w.next + 1) % len(w.faults)
			return f, true
		}
	}
	return Fault{}, false
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
