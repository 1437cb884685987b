package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/bot/telegramtest"
)

// answer is the Bot API's response envelope.
type answer struct {
	OK          bool            `json:"ok"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Result      json.RawMessage `json:"result"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts a JSON body to method and decodes the answer; the HTTP status
// must equal the error_code.
func call(t *testing.T, s *telegramtest.Server, method string, body any) answer {
	t.Helper()
	return callCtx(t, t.Context(), s, "/bot"+s.Token()+"/"+method, body)
}

func callCtx(t *testing.T, ctx context.Context, s *telegramtest.Server, path string, body any) answer {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+path, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("answer %s is not JSON: %v", raw, err)
	}
	want := http.StatusOK
	if !a.OK {
		want = a.ErrorCode
	}
	if resp.StatusCode != want {
		t.Errorf("HTTP status %d, error_code %d", resp.StatusCode, a.ErrorCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	return a
}

// wantError checks an ok:false answer with code and a description containing want.
func wantError(t *testing.T, a answer, code int, want string) {
	t.Helper()
	if a.OK || a.ErrorCode != code || !strings.Contains(a.Description, want) {
		t.Errorf("answer = ok:%v %d %q, want %d containing %q", a.OK, a.ErrorCode, a.Description, code, want)
	}
}

func wantOK(t *testing.T, a answer) {
	t.Helper()
	if !a.OK {
		t.Errorf("answer = %d %q, want ok", a.ErrorCode, a.Description)
	}
}

// sentID extracts message_id from a Message result.
func sentID(t *testing.T, a answer) int {
	t.Helper()
	var m struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(a.Result, &m); err != nil || m.MessageID == 0 {
		t.Fatalf("result %s: %v", a.Result, err)
	}
	return m.MessageID
}

// fakeClock is an injectable clock that only moves when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 6, 7, 2, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
