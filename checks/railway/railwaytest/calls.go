package railwaytest

import (
	"slices"
	"time"
)

// Call is one request the server answered.
type Call struct {
	// Op is the root field asked for; empty when the request could not be
	// parsed that far.
	Op            Op
	OperationName string
	Query         string
	// Variables as sent, numbers as float64.
	Variables map[string]any
	// Auth is the credential header present: "bearer", "project" or "".
	Auth string
	// Status is the HTTP status answered; 499 when the client gave up
	// during an injected delay.
	Status int
	// Error is the first GraphQL error answered, if any.
	Error string
	// Rejected says why the request was invalid, if it was.
	Rejected string
	At       time.Time
}

// Calls returns every call answered so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsTo returns the calls for one operation.
func (s *Server) CallsTo(op Op) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Op == op {
			out = append(out, c)
		}
	}
	return out
}

func callName(c Call) string {
	if c.Op == "" {
		return "GraphQL"
	}
	return string(c.Op)
}
