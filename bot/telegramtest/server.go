package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults for New.
const (
	// DefaultToken looks like a real token, so code that parses the bot id
	// out of the token works.
	DefaultToken = "123456789:AAFakeTokenForTestsOnly_abcdefghij"
	// DefaultBotID is the id of the default bot user, matching DefaultToken.
	DefaultBotID = 123456789
	// DefaultBotUsername is the username of the default bot user.
	DefaultBotUsername = "opsbot_test_bot"
)

// Server is a strict fake of the Telegram Bot API. It validates every
// request against the Bot API spec, keeps chats, messages, updates and
// callback queries as Telegram would, and records every call. All methods
// are safe for concurrent use.
type Server struct {
	t          testing.TB
	spec       *apiSpec
	token      string
	bot        User
	now        func() time.Time
	rateLimits bool
	http       *httptest.Server
	done       chan struct{} // closed when the server shuts down

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change; see notifyLocked
	calls   []Call
	state   state
}

// Option configures New.
type Option func(*Server)

// WithToken sets the bot token the server accepts (default DefaultToken).
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithBotUser sets the user getMe answers (default id DefaultBotID,
// username DefaultBotUsername, first name "opsbot"). IsBot is forced true.
func WithBotUser(u User) Option { return func(s *Server) { s.bot = u } }

// WithClock sets the clock used for message dates and the rate limiter
// (default time.Now). Long-poll timeouts and injected delays use real time.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithRateLimits turns on Telegram's flood limits (off by default): more
// than 30 messages per second in all, or more than 20 messages per minute to
// one group or supergroup, are answered 429 with retry_after.
func WithRateLimits(on bool) Option { return func(s *Server) { s.rateLimits = on } }

// New starts a fake Bot API server; t.Cleanup shuts it down.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	spec, err := loadSpec()
	if err != nil {
		t.Fatalf("telegramtest: %v", err)
	}
	s := &Server{
		t:     t,
		spec:  spec,
		token: DefaultToken,
		bot:   User{ID: DefaultBotID, IsBot: true, FirstName: "opsbot", Username: DefaultBotUsername},
		now:   time.Now,
		done:  make(chan struct{}),

		changed: make(chan struct{}),
		state:   newState(),
	}
	for _, o := range opts {
		o(s)
	}
	s.bot.IsBot = true
	s.http = httptest.NewServer(s)
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.mu.Lock()
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	s.mu.Unlock()
	s.http.Close()
}

// URL returns the base URL to give to bot.WithServerURL (no trailing slash).
func (s *Server) URL() string { return s.http.URL }

// Token returns the token the server accepts.
func (s *Server) Token() string { return s.token }

// BotUser returns the bot's own user, as getMe answers it.
func (s *Server) BotUser() User { return s.bot }

// apiError is an answer with ok:false, in Telegram's shape.
type apiError struct {
	Status      int
	Description string
	RetryAfter  int
}

func (e *apiError) Error() string { return e.Description }

func badRequest(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

// handler implements one method. It runs with s.mu held and may release it
// only while waiting (getUpdates does).
type handler func(s *Server, ctx context.Context, p params) (any, *apiError)

// ServeHTTP answers POST and GET /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call := Call{Params: map[string]any{}}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, _ := strings.Cut(rest, "/")
	call.Method = method
	if !ok || method == "" || strings.Contains(method, "/") {
		s.finish(w, &call, nil, &apiError{Status: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != s.token {
		s.finish(w, &call, nil, &apiError{Status: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	m, ok := s.spec.method(method)
	if !ok {
		s.finish(w, &call, nil, &apiError{Status: http.StatusNotFound, Description: "Not Found"})
		return
	}
	call.Method = m.Name
	req, aerr := decodeRequest(r)
	if aerr != nil {
		s.finish(w, &call, nil, aerr)
		return
	}
	call.Encoding = req.encoding
	for k, v := range req.fields {
		call.Params[k] = v
	}
	if len(req.files) > 0 {
		call.Files = make(map[string]UploadedFile, len(req.files))
		for k, f := range req.files {
			call.Files[k] = *f
		}
	}
	if f, ok := s.takeFault(m.Name); ok {
		if !s.sleep(r.Context(), f.Delay) {
			s.finish(w, &call, nil, &apiError{Status: statusClientClosed, Description: "client closed request"})
			return
		}
		if f.Status != 0 {
			s.finish(w, &call, nil, f.apiError())
			return
		}
	}
	p, aerr := s.spec.validateRequest(m, req)
	if aerr != nil {
		s.finish(w, &call, nil, aerr)
		return
	}
	call.Params = p
	h := handlerFor(m)
	s.mu.Lock()
	result, aerr := h(s, r.Context(), params(p))
	s.recordLocked(&call, result, aerr)
	s.mu.Unlock()
	s.write(w, &call)
}

// statusClientClosed is recorded when the client gave up during an injected delay.
const statusClientClosed = 499

// finish records and answers a call that never reached a handler.
func (s *Server) finish(w http.ResponseWriter, call *Call, result any, aerr *apiError) {
	s.mu.Lock()
	s.recordLocked(call, result, aerr)
	s.mu.Unlock()
	if call.Status != statusClientClosed {
		s.write(w, call)
	}
}

// recordLocked fills in the answer, appends the call and wakes waiters.
func (s *Server) recordLocked(call *Call, result any, aerr *apiError) {
	call.Time = s.now()
	call.Status, call.Response = encodeAnswer(result, aerr)
	s.calls = append(s.calls, *call)
	s.notifyLocked()
	if aerr != nil && aerr.Status != statusClientClosed {
		s.t.Logf("telegramtest: %s -> %d %s", call.Method, aerr.Status, aerr.Description)
	}
}

func encodeAnswer(result any, aerr *apiError) (int, json.RawMessage) {
	if aerr != nil {
		body := map[string]any{"ok": false, "error_code": aerr.Status, "description": aerr.Description}
		if aerr.RetryAfter > 0 {
			body["parameters"] = map[string]any{"retry_after": aerr.RetryAfter}
		}
		b, _ := json.Marshal(body)
		return aerr.Status, b
	}
	b, err := json.Marshal(map[string]any{"ok": true, "result": result})
	if err != nil {
		return encodeAnswer(nil, &apiError{Status: http.StatusInternalServerError, Description: "Internal Server Error: " + err.Error()})
	}
	return http.StatusOK, b
}

func (s *Server) write(w http.ResponseWriter, call *Call) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(call.Status)
	_, _ = w.Write(call.Response)
}

// notifyLocked wakes everything waiting for a change (long polls, WaitFor).
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// sleep waits d, and reports false if the request or the server ended first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	s.mu.Lock()
	s.state.delayed++
	s.notifyLocked()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.state.delayed--
		s.notifyLocked()
		s.mu.Unlock()
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}
