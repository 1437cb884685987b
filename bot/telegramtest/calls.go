package telegramtest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// WaitTimeout is how long the Wait methods wait before failing the test.
const WaitTimeout = 10 * time.Second

// Calls returns every call answered so far, in order, including rejected ones.
// The Params maps are shared with the server and must not be modified.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the calls to one method (matched case-insensitively),
// including rejected ones.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if strings.EqualFold(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}

// WaitFor blocks until cond returns true, re-evaluating it after every
// change of the server's state (a call answered, a message queued), or
// fails the test after WaitTimeout. what describes the condition in the
// failure message. cond runs without the server's lock held, so it may call
// any method of s.
func (s *Server) WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	if !s.waitFor(cond) {
		t.Fatalf("telegramtest: timed out after %v waiting for %s", WaitTimeout, what)
	}
}

func (s *Server) waitFor(cond func() bool) bool {
	deadline := time.NewTimer(WaitTimeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		changed := s.changed // taken before cond runs, so no change is missed
		s.mu.Unlock()
		if cond() {
			return true
		}
		select {
		case <-changed:
		case <-deadline.C:
			return false
		}
	}
}

// WaitCall blocks until a successful (ok:true) call to method for which
// match returns true has been answered, including calls answered before
// WaitCall was called, and returns the first such call. match may be nil.
// It fails the test after WaitTimeout, listing the calls to method it saw.
func (s *Server) WaitCall(t testing.TB, method string, match func(Call) bool) Call {
	t.Helper()
	var found Call
	ok := s.waitFor(func() bool {
		for _, c := range s.CallsTo(method) {
			if c.OK() && (match == nil || match(c)) {
				found = c
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("telegramtest: timed out after %v waiting for a successful %s call%s", WaitTimeout, method, describeCalls(s.CallsTo(method)))
	}
	return found
}

// WaitMessage blocks until chat chatID holds a message (in its current
// state) for which match returns true, and returns it. match may be nil.
// It fails the test after WaitTimeout, listing the chat's messages.
func (s *Server) WaitMessage(t testing.TB, chatID int64, match func(Message) bool) Message {
	t.Helper()
	var found Message
	ok := s.waitFor(func() bool {
		for _, m := range s.Messages(chatID) {
			if match == nil || match(m) {
				found = m
				return true
			}
		}
		return false
	})
	if !ok {
		var b strings.Builder
		for _, m := range s.Messages(chatID) {
			fmt.Fprintf(&b, "\n  #%d from %s: %q", m.ID, m.From.Username, m.Text+m.Caption)
		}
		t.Fatalf("telegramtest: timed out after %v waiting for a message in chat %d; the chat holds:%s", WaitTimeout, chatID, b.String())
	}
	return found
}

func describeCalls(calls []Call) string {
	if len(calls) == 0 {
		return "; there were no calls to it"
	}
	var b strings.Builder
	b.WriteString("; calls seen:")
	for _, c := range calls {
		fmt.Fprintf(&b, "\n  %d %s params=%v", c.Status, clipN(string(c.Response), 300), c.Params)
	}
	return b.String()
}
