package railwaytest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the token New accepts unless WithToken says otherwise.
const DefaultToken = "railway-test-token-4f9c2b7e"

// maxRequest bounds a request body.
const maxRequest = 1 << 20

// Server is a strict fake of Railway's public GraphQL API. All methods are
// safe for concurrent use.
type Server struct {
	t       testing.TB
	token   string
	project bool // the token is a project token
	strict  bool
	now     func() time.Time
	http    *httptest.Server
	done    chan struct{} // closed when the server shuts down

	mu          sync.Mutex
	calls       []Call
	faults      []*faultEntry
	metrics     map[instance][]Series
	deployments map[instance][]Deployment
	restarts    []string
}

// Option configures New.
type Option func(*Server)

// WithToken sets the account or workspace token the server accepts as
// "Authorization: Bearer <token>" (default DefaultToken).
func WithToken(token string) Option {
	return func(s *Server) { s.token, s.project = token, false }
}

// WithProjectToken makes the server accept token as a project token, in
// "Project-Access-Token: <token>", and nothing else.
func WithProjectToken(token string) Option {
	return func(s *Server) { s.token, s.project = token, true }
}

// WithClock sets the clock that ends a metrics window without endDate
// (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Lenient stops the server from failing the test when it rejects an
// invalid request; it still answers 400. For tests of the fake itself.
func Lenient() Option { return func(s *Server) { s.strict = false } }

// New starts a fake; t.Cleanup shuts it down.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		t:           t,
		token:       DefaultToken,
		strict:      true,
		now:         time.Now,
		done:        make(chan struct{}),
		metrics:     map[instance][]Series{},
		deployments: map[instance][]Deployment{},
	}
	for _, o := range opts {
		o(s)
	}
	s.http = httptest.NewServer(s)
	t.Cleanup(func() {
		close(s.done)
		s.http.Close()
	})
	return s
}

// URL returns the GraphQL endpoint.
func (s *Server) URL() string { return s.http.URL + "/graphql/v2" }

// Token returns the token the server accepts.
func (s *Server) Token() string { return s.token }

// envelope is a GraphQL request body.
type envelope struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// ServeHTTP answers one GraphQL request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call := Call{At: s.now(), Auth: s.authOf(r)}
	if r.URL.Path != "/graphql/v2" {
		s.reject(w, &call, http.StatusNotFound, "no such path "+r.URL.Path+" (use /graphql/v2)")
		return
	}
	if r.Method != http.MethodPost {
		s.reject(w, &call, http.StatusMethodNotAllowed, "method "+r.Method+" (use POST)")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequest+1))
	if err != nil || len(body) > maxRequest {
		s.reject(w, &call, http.StatusRequestEntityTooLarge, "request body unreadable or too large")
		return
	}
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&env); err != nil || env.Query == "" {
		s.reject(w, &call, http.StatusBadRequest, "body is not a GraphQL request {query, variables}")
		return
	}
	call.Query, call.OperationName, call.Variables = env.Query, env.OperationName, plain(body)
	doc, err := parse(env.Query)
	if err != nil {
		s.reject(w, &call, http.StatusBadRequest, "Syntax Error: "+err.Error())
		return
	}
	if env.OperationName != "" && env.OperationName != doc.name {
		s.reject(w, &call, http.StatusBadRequest, "Unknown operation named \""+env.OperationName+"\".")
		return
	}
	op, err := validate(doc, env.Variables)
	if err != nil {
		if len(doc.sel) > 0 {
			call.Op = Op(doc.sel[0].name)
		}
		s.reject(w, &call, http.StatusBadRequest, err.Error())
		return
	}
	call.Op = Op(op.root.name)
	if f, ok := s.takeFault(call.Op); ok {
		if !s.delay(r, f.Delay) {
			call.Status = 499
			s.record(call)
			return
		}
		if f.Status != 0 || f.GraphQLError != "" || f.Body != "" {
			s.answerFault(w, &call, f)
			return
		}
	}
	if !s.authorized(r) {
		s.answer(w, &call, http.StatusOK, map[string]any{"data": nil, "errors": []any{gqlError("Not Authorized", op)}})
		return
	}
	data, msg := s.execute(op)
	if msg != "" {
		s.answer(w, &call, http.StatusOK, map[string]any{"data": nil, "errors": []any{gqlError(msg, op)}})
		return
	}
	s.answer(w, &call, http.StatusOK, map[string]any{"data": data})
}

// delay holds the answer for d; false when the client gave up first.
func (s *Server) delay(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) answerFault(w http.ResponseWriter, call *Call, f Fault) {
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter.Round(time.Second)/time.Second)))
	}
	if status == http.StatusTooManyRequests {
		w.Header().Set("X-RateLimit-Remaining", "0")
	}
	switch {
	case f.Body != "":
		call.Status = status
		s.record(*call)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, f.Body)
	case f.GraphQLError != "":
		s.answer(w, call, status, map[string]any{"data": nil, "errors": []any{map[string]any{"message": f.GraphQLError}}})
	default:
		s.answer(w, call, status, map[string]any{"errors": []any{map[string]any{"message": http.StatusText(status)}}})
	}
}

// reject answers an invalid request 400 (or the status given) and, unless
// Lenient, fails the test: a client of the real API has a bug there.
func (s *Server) reject(w http.ResponseWriter, call *Call, status int, why string) {
	call.Rejected = why
	if s.strict {
		s.t.Errorf("railwaytest: rejected a %s request: %s", callName(*call), why)
	}
	s.answer(w, call, status, map[string]any{"errors": []any{map[string]any{"message": why}}})
}

// answer records call and writes body as JSON.
func (s *Server) answer(w http.ResponseWriter, call *Call, status int, body map[string]any) {
	call.Status = status
	if errs, ok := body["errors"].([]any); ok && len(errs) > 0 {
		call.Error, _ = errs[0].(map[string]any)["message"].(string)
	}
	s.record(*call)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// authOf names the credential a request carries.
func (s *Server) authOf(r *http.Request) string {
	switch {
	case r.Header.Get("Project-Access-Token") != "":
		return "project"
	case r.Header.Get("Authorization") != "":
		return "bearer"
	}
	return ""
}

// authorized reports whether r carries the server's token in the header
// its kind belongs in.
func (s *Server) authorized(r *http.Request) bool {
	if s.project {
		return r.Header.Get("Project-Access-Token") == s.token && r.Header.Get("Authorization") == ""
	}
	return r.Header.Get("Authorization") == "Bearer "+s.token && r.Header.Get("Project-Access-Token") == ""
}

func gqlError(msg string, op *operation) map[string]any {
	return map[string]any{"message": msg, "path": []any{op.root.alias}}
}

// plain decodes the request's variables with plain numbers, for Call.
func plain(body []byte) map[string]any {
	var env struct {
		Variables map[string]any `json:"variables"`
	}
	_ = json.Unmarshal(body, &env)
	return env.Variables
}
