package tgcheck_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/tgcheck"
)

// The fake Bot API cannot report a webhook delivery error, so these tests
// answer getMe and getWebhookInfo from a small handler of their own.

const token = "123456789:AAFakeTokenForTestsOnly_abcdefghij"

func TestLastWebhookError(t *testing.T) {
	now := time.Date(2025, 9, 28, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		age     time.Duration
		text    string
		within  time.Duration
		status  checks.Status
		message string
	}{
		{
			name:    "recent error warns with Telegram's description",
			age:     3 * time.Minute,
			text:    "Wrong response from the webhook: 502 Bad Gateway",
			status:  checks.StatusWarn,
			message: "@primary_bot: webhook error 3m ago: Wrong response from the webhook: 502 Bad Gateway",
		},
		{
			name:    "old error is only a metric",
			age:     2 * time.Hour,
			text:    "Connection timed out",
			status:  checks.StatusOK,
			message: "@primary_bot ok: webhook set, 0 pending updates",
		},
		{
			name:    "the window is configurable",
			age:     2 * time.Hour,
			text:    "Connection timed out",
			within:  3 * time.Hour,
			status:  checks.StatusWarn,
			message: "@primary_bot: webhook error 2h ago: Connection timed out",
		},
		{
			name:    "description is made safe and short",
			age:     20 * time.Second,
			text:    "SSL error:\n\tcertificate for /bot" + token + "\x00 expired " + strings.Repeat("x", 300),
			status:  checks.StatusWarn,
			message: "@primary_bot: webhook error 20s ago: " + cut("SSL error: certificate for /botxxxxx expired "+strings.Repeat("x", 300), 159) + "…",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := httpServer(t, botAPI(map[string]any{
				"url":                    "https://bot.example.com/hook",
				"pending_update_count":   0,
				"has_custom_certificate": false,
				"last_error_date":        now.Add(-tt.age).Unix(),
				"last_error_message":     tt.text,
			}))
			c, err := tgcheck.New(tgcheck.Options{
				APIURL: api, Token: token, LastErrorWithin: tt.within,
				Now: func() time.Time { return now },
			})
			if err != nil {
				t.Fatal(err)
			}
			r := c.Check(t.Context())
			if r.Status != tt.status || r.Message != tt.message {
				t.Errorf("got %v %q\nwant %v %q", r.Status, r.Message, tt.status, tt.message)
			}
			if got := r.Metrics["last_error_age_s"]; got != tt.age.Seconds() {
				t.Errorf("last_error_age_s = %v, want %v", got, tt.age.Seconds())
			}
			if !r.ObservedAt.Equal(now) {
				t.Errorf("ObservedAt = %v, want the injected clock's %v", r.ObservedAt, now)
			}
		})
	}
}

// cut returns the first n runes of s.
func cut(s string, n int) string { return string([]rune(s)[:n]) }

// botAPI answers getMe as @primary_bot and getWebhookInfo with info.
func botAPI(info map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var result any
		switch r.URL.Path {
		case "/bot" + token + "/getMe":
			result = map[string]any{"id": 123456789, "is_bot": true, "first_name": "Primary", "username": "primary_bot"}
		case "/bot" + token + "/getWebhookInfo":
			result = info
		default:
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": 404, "description": "Not Found"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
	}
}

// httpServer serves h until the test ends and returns its URL.
func httpServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}
