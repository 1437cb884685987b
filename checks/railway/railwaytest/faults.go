package railwaytest

import "time"

// Op names an operation by its root field.
type Op string

// The operations the fake answers. AnyOp matches each of them.
const (
	OpMetrics           Op = "metrics"
	OpDeployments       Op = "deployments"
	OpDeploymentRestart Op = "deploymentRestart"
	AnyOp               Op = "*"
)

// Fault is an injected failure; see Server.Fail.
type Fault struct {
	// Status is the HTTP status to answer, e.g. 401, 429, 502. Zero
	// answers 200 (with GraphQLError, or normally).
	Status int
	// RetryAfter is sent as Retry-After in whole seconds when set.
	RetryAfter time.Duration
	// GraphQLError answers {"data":null,"errors":[{"message":...}]}.
	GraphQLError string
	// Body replaces the answer's body verbatim (e.g. not JSON, or huge).
	Body string
	// Delay holds the answer back until it has passed, the client gives up
	// (recorded as status 499) or the server shuts down.
	Delay time.Duration
}

type faultEntry struct {
	op    Op
	fault Fault
	left  int
}

// Fail makes the next times valid requests for op fail with f. Faults
// apply in the order queued; a request takes the first one queued for its
// operation or for AnyOp. Faults act after validation (an invalid request
// is rejected as always) and before authentication.
func (s *Server) Fail(op Op, times int, f Fault) {
	s.t.Helper()
	switch op {
	case OpMetrics, OpDeployments, OpDeploymentRestart, AnyOp:
	default:
		s.t.Fatalf("railwaytest: Fail: unknown operation %q", op)
	}
	if times <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultEntry{op: op, fault: f, left: times})
}

// takeFault consumes the first fault queued for op, if any.
func (s *Server) takeFault(op Op) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.faults {
		if e.op != op && e.op != AnyOp {
			continue
		}
		e.left--
		if e.left == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return e.fault, true
	}
	return Fault{}, false
}
