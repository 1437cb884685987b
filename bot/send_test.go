package bot

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
)

func TestRetryable(t *testing.T) {
	backoff := 700 * time.Millisecond
	tests := []struct {
		name  string
		err   error
		wait  time.Duration
		again bool
	}{
		{"429 honours retry_after", &tgbot.TooManyRequestsError{Message: "too many", RetryAfter: 7}, 7 * time.Second, true},
		{"429 without retry_after waits a second", &tgbot.TooManyRequestsError{}, time.Second, true},
		{"429 with a huge retry_after is capped", &tgbot.TooManyRequestsError{RetryAfter: 86400}, maxRetryAfter, true},
		{"5xx backs off", fmt.Errorf("do: %w", &ServerError{Method: "sendMessage", Code: 502}), backoff, true},
		{"network error backs off", errors.New("dial tcp: connection refused"), backoff, true},
		{"400 is final", fmt.Errorf("%w, Bad Request: chat not found", tgbot.ErrorBadRequest), 0, false},
		{"403 is final", fmt.Errorf("%w, Forbidden: bot was kicked", tgbot.ErrorForbidden), 0, false},
		{"migrated chat is final", &tgbot.MigrateError{MigrateToChatID: -100123}, 0, false},
		{"cancelled is final", fmt.Errorf("x: %w", context.Canceled), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, again := retryable(tt.err, backoff)
			if wait != tt.wait || again != tt.again {
				t.Fatalf("retryable = %v, %v; want %v, %v", wait, again, tt.wait, tt.again)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("héllo wörld", 2); got != "h…" {
		t.Fatalf("got %q", got)
	}
	if got := truncate("short", 10); got != "short" {
		t.Fatalf("got %q", got)
	}
}
