package telegramtest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"

	"github.com/opsbot/opsbot/bot/telegramtest"
)

func TestFault429(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	s.Fail("SENDMESSAGE", 2, telegramtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 7})
	body := map[string]any{"chat_id": opsGroup.ID, "text": "page"}
	for range 2 {
		a := call(t, s, "sendMessage", body)
		wantError(t, a, 429, "Too Many Requests: retry after 7")
		if a.Parameters.RetryAfter != 7 {
			t.Errorf("retry_after = %d", a.Parameters.RetryAfter)
		}
	}
	wantOK(t, call(t, s, "sendMessage", body))

	// The real client surfaces it as *bot.TooManyRequestsError.
	s.Fail("sendMessage", 1, telegramtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 3})
	b := newClient(t, s)
	_, err := b.SendMessage(t.Context(), &bot.SendMessageParams{ChatID: opsGroup.ID, Text: "page"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 3 {
		t.Errorf("err = %v", err)
	}
	if s.RateLimited() != 0 {
		t.Errorf("injected 429s counted as rate limiting: %d", s.RateLimited())
	}
}

func TestFault5xx(t *testing.T) {
	s := telegramtest.New(t)
	s.Fail("getMe", 1, telegramtest.Fault{Status: http.StatusBadGateway})
	s.Fail("getMe", 1, telegramtest.Fault{Status: http.StatusInternalServerError, Description: "Internal Server Error: restart"})
	wantError(t, call(t, s, "getMe", map[string]any{}), 502, "Bad Gateway")
	wantError(t, call(t, s, "getMe", map[string]any{}), 500, "Internal Server Error: restart")
	wantOK(t, call(t, s, "getMe", map[string]any{}))
	if calls := s.CallsTo("getMe"); len(calls) != 3 || calls[0].Status != 502 || calls[2].Status != 200 {
		t.Errorf("calls = %+v", calls)
	}
}

func TestFaultDelay(t *testing.T) {
	s := telegramtest.New(t)
	s.Fail("getMe", 1, telegramtest.Fault{Delay: 20 * time.Millisecond})
	wantOK(t, call(t, s, "getMe", map[string]any{}))

	// A long delay ends when the client gives up.
	s.Fail("getMe", 1, telegramtest.Fault{Delay: time.Hour, Status: 500})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+s.Token()+"/getMe", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	s.WaitFor(t, "the delayed call to arrive", func() bool { return s.Delayed() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("client err = %v", err)
	}
	s.WaitFor(t, "the cancelled call to be recorded", func() bool {
		calls := s.CallsTo("getMe")
		return len(calls) == 2 && calls[1].Status == 499
	})
}

func TestRateLimits(t *testing.T) {
	clock := newFakeClock()
	s := telegramtest.New(t, telegramtest.WithRateLimits(true), telegramtest.WithClock(clock.Now))
	s.AddChat(opsGroup)
	send := func(chatID int64) answer {
		return call(t, s, "sendMessage", map[string]any{"chat_id": chatID, "text": "x"})
	}

	// 20 per minute to one group.
	for range 20 {
		wantOK(t, send(opsGroup.ID))
		clock.Advance(time.Second)
	}
	a := send(opsGroup.ID)
	wantError(t, a, 429, "Too Many Requests: retry after 40")
	if a.Parameters.RetryAfter != 40 {
		t.Errorf("retry_after = %d, want 40 (the first send leaves the minute then)", a.Parameters.RetryAfter)
	}
	clock.Advance(39 * time.Second)
	wantError(t, send(opsGroup.ID), 429, "retry after 1")
	clock.Advance(time.Second)
	wantOK(t, send(opsGroup.ID))

	// 30 per second in all, across private chats.
	clock.Advance(time.Minute)
	for i := range 30 {
		u := telegramtest.User{ID: int64(5000 + i), FirstName: fmt.Sprint("u", i)}
		s.AddChat(telegramtest.Chat{ID: u.ID, Type: telegramtest.ChatPrivate, Title: u.FirstName})
		wantOK(t, send(u.ID))
	}
	s.AddChat(telegramtest.Chat{ID: 6000, Type: telegramtest.ChatPrivate, Title: "late"})
	a = send(6000)
	wantError(t, a, 429, "retry after 1")
	clock.Advance(time.Second)
	wantOK(t, send(6000))

	if got := s.RateLimited(); got != 3 {
		t.Errorf("RateLimited = %d, want 3", got)
	}
}

func TestRateLimitsOffByDefault(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	for range 40 {
		wantOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "x"}))
	}
}

func TestFailDuring(t *testing.T) {
	clock := newFakeClock()
	s := telegramtest.New(t, telegramtest.WithClock(clock.Now))
	s.AddChat(opsGroup)
	from := clock.Now().Add(10 * time.Second)
	until := from.Add(2 * time.Minute)
	s.FailDuring("SENDMESSAGE", from, until,
		telegramtest.Fault{Status: http.StatusInternalServerError},
		telegramtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 7},
		telegramtest.Fault{Status: http.StatusBadGateway, Description: "Bad Gateway: nginx"})
	body := map[string]any{"chat_id": opsGroup.ID, "text": "page"}
	send := func() answer { return call(t, s, "sendMessage", body) }

	wantOK(t, send()) // before the window
	clock.Advance(10 * time.Second)
	// In the window the calls take the faults in turn, again and again,
	// however many there are.
	for range 2 {
		wantError(t, send(), 500, "Internal Server Error")
		a := send()
		wantError(t, a, 429, "Too Many Requests: retry after 7")
		if a.Parameters.RetryAfter != 7 {
			t.Errorf("retry_after = %d, want 7", a.Parameters.RetryAfter)
		}
		wantError(t, send(), 502, "Bad Gateway: nginx")
	}
	// The outage is sendMessage's: other methods answer.
	wantOK(t, call(t, s, "getMe", map[string]any{}))
	// A fault queued by Fail comes first.
	s.Fail("sendMessage", 1, telegramtest.Fault{Status: http.StatusServiceUnavailable})
	wantError(t, send(), 503, "Service Unavailable")
	wantError(t, send(), 500, "Internal Server Error")
	// Before any validation: an invalid call gets the outage's answer too.
	wantError(t, call(t, s, "sendMessage", map[string]any{"text": "no chat"}), 429, "retry after 7")

	clock.Advance(2*time.Minute - time.Nanosecond)
	wantError(t, send(), 502, "Bad Gateway") // the window's last instant
	clock.Advance(time.Nanosecond)
	wantOK(t, send()) // until is outside the window
	if n := len(s.Messages(opsGroup.ID)); n != 2 {
		t.Errorf("chat holds %d messages, want the 2 sent outside the window", n)
	}
	if n := s.RateLimited(); n != 0 {
		t.Errorf("injected 429s counted as rate limiting: %d", n)
	}
}

func TestFailDuringAnyMethodAndOverlaps(t *testing.T) {
	clock := newFakeClock()
	s := telegramtest.New(t, telegramtest.WithClock(clock.Now))
	s.AddChat(opsGroup)
	now := clock.Now()
	s.FailDuring(telegramtest.AnyMethod, now, now.Add(time.Minute), telegramtest.Fault{Status: http.StatusServiceUnavailable})
	s.FailDuring("getMe", now, now.Add(2*time.Minute), telegramtest.Fault{Status: http.StatusBadGateway})

	// The first window given applies where they overlap.
	wantError(t, call(t, s, "getMe", map[string]any{}), 503, "Service Unavailable")
	wantError(t, call(t, s, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "x"}), 503, "Service Unavailable")
	wantError(t, call(t, s, "setMyCommands", map[string]any{}), 503, "Service Unavailable")
	// Unknown methods and wrong tokens are still told so.
	wantError(t, callCtx(t, t.Context(), s, "/bot"+s.Token()+"/noSuchMethod", map[string]any{}), 404, "Not Found")
	wantError(t, callCtx(t, t.Context(), s, "/bot1:wrong/getMe", map[string]any{}), 401, "Unauthorized")

	clock.Advance(time.Minute)
	wantError(t, call(t, s, "getMe", map[string]any{}), 502, "Bad Gateway")
	wantOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "x"}))
	clock.Advance(time.Minute)
	wantOK(t, call(t, s, "getMe", map[string]any{}))
}

func TestFailDuringIsStrict(t *testing.T) {
	clock := newFakeClock()
	now := clock.Now()
	bad := telegramtest.Fault{Status: http.StatusBadGateway}
	for _, tt := range []struct {
		name   string
		fail   func(s *telegramtest.Server)
		reason string
	}{
		{"unknown method", func(s *telegramtest.Server) { s.FailDuring("sendMesage", now, now.Add(time.Minute), bad) }, `"sendMesage" is not a Bot API method`},
		{"empty window", func(s *telegramtest.Server) { s.FailDuring("getMe", now, now, bad) }, "is empty"},
		{"inverted window", func(s *telegramtest.Server) { s.FailDuring("getMe", now, now.Add(-time.Second), bad) }, "is empty"},
		{"no fault", func(s *telegramtest.Server) { s.FailDuring("getMe", now, now.Add(time.Minute)) }, "no fault given"},
		{"zero fault", func(s *telegramtest.Server) {
			s.FailDuring("getMe", now, now.Add(time.Minute), bad, telegramtest.Fault{})
		}, "fault 1"},
		{"success status", func(s *telegramtest.Server) {
			s.FailDuring("getMe", now, now.Add(time.Minute), telegramtest.Fault{Status: http.StatusOK})
		}, "neither fails"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tb := &fatalTB{TB: t}
			s := telegramtest.New(tb, telegramtest.WithClock(clock.Now))
			if got := tb.fatal(func() { tt.fail(s) }); !strings.Contains(got, tt.reason) {
				t.Errorf("FailDuring failed the test with %q, want %q", got, tt.reason)
			}
		})
	}
}

// fatalTB records the message of Fatalf instead of failing the test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f)
}

// fatal runs fn and returns the message it called Fatalf with, "" for none.
func (f *fatalTB) fatal(fn func()) (msg string) {
	defer func() {
		if p := recover(); p != nil {
			if p != f {
				panic(p)
			}
			msg = f.msg
		}
	}()
	fn()
	return ""
}
