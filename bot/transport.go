package bot

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// ServerError is a 5xx answer from the Bot API (or a proxy in front of it).
// The transport turns such answers into this error so that callers can tell
// them apart from Telegram's 4xx verdicts and retry them.
type ServerError struct {
	Method string
	Code   int
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("telegram %s: server error %d", e.Method, e.Code)
}

// transport counts failed Bot API calls by method and code and remembers the
// outcome of the latest call, which /readyz reports. It never logs URLs: they
// hold the bot token.
type transport struct {
	next    http.RoundTripper
	metrics *Metrics
	clock   clockwork.Clock

	mu      sync.Mutex
	lastAt  time.Time
	lastErr error
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := req.URL.Path[strings.LastIndexByte(req.URL.Path, '/')+1:]
	resp, err := t.next.RoundTrip(req)
	switch {
	case err != nil:
		if req.Context().Err() == nil { // a cancelled long poll is not a failure
			t.metrics.APIErrors.WithLabelValues(method, "network").Inc()
			t.record(fmt.Errorf("telegram %s: %w", method, err))
		}
		return nil, err
	case resp.StatusCode >= 500:
		t.metrics.APIErrors.WithLabelValues(method, strconv.Itoa(resp.StatusCode)).Inc()
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		_ = resp.Body.Close()
		serr := &ServerError{Method: method, Code: resp.StatusCode}
		t.record(serr)
		return nil, serr
	case resp.StatusCode >= 400:
		t.metrics.APIErrors.WithLabelValues(method, strconv.Itoa(resp.StatusCode)).Inc()
		if resp.StatusCode == http.StatusUnauthorized {
			t.record(errors.New("telegram rejected the bot token (401 Unauthorized)"))
		} else {
			t.record(nil) // Telegram answered: it is reachable
		}
	default:
		t.record(nil)
	}
	return resp, nil
}

func (t *transport) record(err error) {
	t.mu.Lock()
	t.lastAt, t.lastErr = t.clock.Now(), err
	t.mu.Unlock()
}

// status reports the outcome of the latest Bot API call.
func (t *transport) status() (time.Time, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastAt, t.lastErr
}
