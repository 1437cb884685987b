package tgcheck_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/checks/tgcheck"
)

const hookURL = "https://bot.example.com/webhook/s3cr3t-path"

func TestCheckAgainstTheFakeBotAPI(t *testing.T) {
	people := telegramtest.Chat{ID: 7, Type: telegramtest.ChatPrivate}
	alice := telegramtest.User{ID: 7, FirstName: "Alice"}
	tests := []struct {
		name string
		// setup acts on the fake before the check runs.
		setup   func(t *testing.T, srv *telegramtest.Server)
		opts    func(o *tgcheck.Options)
		status  checks.Status
		message string
		pending float64
	}{
		{
			name:    "polling bot, nothing pending",
			status:  checks.StatusOK,
			message: "@opsbot_test_bot ok: no webhook, 0 pending updates",
		},
		{
			name: "webhook as expected",
			setup: func(t *testing.T, srv *telegramtest.Server) {
				srv.SendText(people, alice, "/start")
				setWebhook(t, srv, hookURL)
			},
			opts:    func(o *tgcheck.Options) { o.ExpectWebhookURL = hookURL },
			status:  checks.StatusOK,
			message: "@opsbot_test_bot ok: webhook set, 1 pending updates",
			pending: 1,
		},
		{
			name:    "webhook expected but none set",
			opts:    func(o *tgcheck.Options) { o.ExpectWebhookURL = hookURL },
			status:  checks.StatusCrit,
			message: "@opsbot_test_bot: no webhook set (want one at bot.example.com)",
		},
		{
			name:    "webhook on another host",
			setup:   func(t *testing.T, srv *telegramtest.Server) { setWebhook(t, srv, "https://old.example.org/hook") },
			opts:    func(o *tgcheck.Options) { o.ExpectWebhookURL = hookURL },
			status:  checks.StatusCrit,
			message: "@opsbot_test_bot: webhook points to old.example.org (want bot.example.com)",
		},
		{
			name:    "webhook on the same host, another path",
			setup:   func(t *testing.T, srv *telegramtest.Server) { setWebhook(t, srv, "https://bot.example.com/other") },
			opts:    func(o *tgcheck.Options) { o.ExpectWebhookURL = hookURL },
			status:  checks.StatusCrit,
			message: "@opsbot_test_bot: webhook URL on bot.example.com differs from the expected one",
		},
		{
			name: "updates piling up behind a webhook",
			setup: func(t *testing.T, srv *telegramtest.Server) {
				for range 3 {
					srv.SendText(people, alice, "hello?")
				}
				setWebhook(t, srv, hookURL)
			},
			opts: func(o *tgcheck.Options) {
				o.ExpectWebhookURL = hookURL
				o.MaxPendingUpdates = 2
			},
			status:  checks.StatusWarn,
			message: "@opsbot_test_bot: 3 pending updates (warn above 2)",
			pending: 3,
		},
		{
			name: "wrong webhook and a backlog: the worst status, every problem",
			setup: func(t *testing.T, srv *telegramtest.Server) {
				srv.SendText(people, alice, "one")
				srv.SendText(people, alice, "two")
			},
			opts: func(o *tgcheck.Options) {
				o.ExpectWebhookURL = hookURL
				o.MaxPendingUpdates = 1
			},
			status:  checks.StatusCrit,
			message: "@opsbot_test_bot: no webhook set (want one at bot.example.com); 2 pending updates (warn above 1)",
			pending: 2,
		},
		{
			name: "getWebhookInfo fails",
			setup: func(t *testing.T, srv *telegramtest.Server) {
				srv.Fail("getWebhookInfo", 1, telegramtest.Fault{Status: 502})
			},
			status:  checks.StatusWarn,
			message: "@opsbot_test_bot answers, but getWebhookInfo: 502 Bad Gateway",
			pending: -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.New(t)
			if tt.setup != nil {
				tt.setup(t, srv)
			}
			o := tgcheck.Options{APIURL: srv.URL(), Token: srv.Token()}
			if tt.opts != nil {
				tt.opts(&o)
			}
			r := check(t, o)
			if r.Status != tt.status || r.Message != tt.message {
				t.Errorf("got %v %q, want %v %q", r.Status, r.Message, tt.status, tt.message)
			}
			if strings.Contains(r.Message, "s3cr3t") {
				t.Errorf("message %q quotes the webhook path", r.Message)
			}
			if r.Unit != "ms" || r.Value != r.Metrics["getme_ms"] || r.Value <= 0 {
				t.Errorf("value %v %s, getme_ms %v: want getMe's latency in ms", r.Value, r.Unit, r.Metrics["getme_ms"])
			}
			if got, ok := r.Metrics["pending_update_count"]; tt.pending >= 0 && got != tt.pending || tt.pending < 0 && ok {
				t.Errorf("pending_update_count = %v (present %v), want %v", got, ok, tt.pending)
			}
			if _, ok := r.Metrics["last_error_age_s"]; ok {
				t.Errorf("last_error_age_s is set without a webhook error")
			}
			if n := len(srv.CallsTo("getUpdates")); n != 0 {
				t.Errorf("the check called getUpdates %d times; it must not compete with the bot", n)
			}
		})
	}
}

func TestGetMeFailuresAreCritical(t *testing.T) {
	const otherToken = "987654321:AAOtherSecretTokenThatMustNotLeak_x"
	tests := []struct {
		name    string
		fault   *telegramtest.Fault
		token   string
		message string
	}{
		{name: "revoked token", token: otherToken, message: "getMe: 401 Unauthorized"},
		{name: "Telegram down", fault: &telegramtest.Fault{Status: 500}, message: "getMe: 500 Internal Server Error"},
		{name: "flood limit", fault: &telegramtest.Fault{Status: 429, RetryAfter: 7}, message: "getMe: 429 Too Many Requests: retry after 7"},
		{
			name:    "description echoing the token",
			fault:   &telegramtest.Fault{Status: 400, Description: "Bad Request:\n token " + telegramtest.DefaultToken + " is odd"},
			message: "getMe: 400 Bad Request: token xxxxx is odd",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.New(t)
			if tt.fault != nil {
				srv.Fail("getMe", 1, *tt.fault)
			}
			token := srv.Token()
			if tt.token != "" {
				token = tt.token
			}
			r := check(t, tgcheck.Options{APIURL: srv.URL(), Token: token})
			if r.Status != checks.StatusCrit || r.Message != tt.message {
				t.Errorf("got %v %q, want crit %q", r.Status, r.Message, tt.message)
			}
			assertNoSecret(t, r, token)
			if n := len(srv.CallsTo("getWebhookInfo")); n != 0 {
				t.Errorf("getWebhookInfo called %d times after getMe failed", n)
			}
		})
	}
}

func TestUnreachableBotAPI(t *testing.T) {
	t.Run("closed port", func(t *testing.T) {
		r := check(t, tgcheck.Options{APIURL: "http://" + checkstest.ClosedAddr(t), Token: telegramtest.DefaultToken})
		if r.Status != checks.StatusCrit || r.Message != "Bot API not reachable: connection refused" {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
		assertNoSecret(t, r, telegramtest.DefaultToken)
	})
	t.Run("no answer within the context's deadline", func(t *testing.T) {
		srv := telegramtest.New(t)
		srv.Fail("getMe", 1, telegramtest.Fault{Delay: time.Hour})
		c, err := tgcheck.New(tgcheck.Options{APIURL: srv.URL(), Token: srv.Token()})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		r := c.Check(ctx)
		if r.Status != checks.StatusCrit || r.Message != "Bot API not reachable: timed out" {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
		if r.Duration > 5*time.Second {
			t.Errorf("the check took %v; the context allowed 100ms", r.Duration)
		}
	})
	t.Run("Options.Timeout bounds a context without deadline", func(t *testing.T) {
		srv := telegramtest.New(t)
		srv.Fail("getMe", 1, telegramtest.Fault{Delay: time.Hour})
		r := check(t, tgcheck.Options{APIURL: srv.URL(), Token: srv.Token(), Timeout: 100 * time.Millisecond})
		if r.Status != checks.StatusCrit || r.Message != "Bot API not reachable: timed out" {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
	})
	t.Run("a redirect is not followed with the token", func(t *testing.T) {
		var followed atomic.Bool
		elsewhere := httpServer(t, func(http.ResponseWriter, *http.Request) { followed.Store(true) })
		api := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere+r.URL.Path, http.StatusFound)
		})
		r := check(t, tgcheck.Options{APIURL: api, Token: telegramtest.DefaultToken})
		if r.Status != checks.StatusCrit || r.Message != "getMe: HTTP 302 Found, not a Bot API answer" {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
		if followed.Load() {
			t.Error("the redirect was followed")
		}
	})
	t.Run("not the Bot API", func(t *testing.T) {
		proxy := httpServer(t, func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "<html>Bad Gateway</html>", http.StatusBadGateway)
		})
		r := check(t, tgcheck.Options{APIURL: proxy, Token: telegramtest.DefaultToken})
		if r.Status != checks.StatusCrit || r.Message != "getMe: HTTP 502 Bad Gateway, not a Bot API answer" {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
	})
}

func TestConcurrentChecks(t *testing.T) {
	srv := telegramtest.New(t)
	c, err := tgcheck.New(tgcheck.Options{APIURL: srv.URL(), Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan checks.Result)
	for range 4 {
		go func() { done <- c.Check(t.Context()) }()
	}
	for range 4 {
		if r := <-done; r.Status != checks.StatusOK {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
	}
}

// check runs one check of a new Checker for o.
func check(t *testing.T, o tgcheck.Options) checks.Result {
	t.Helper()
	c, err := tgcheck.New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r := c.Check(t.Context())
	if r.ObservedAt.IsZero() || r.Duration <= 0 {
		t.Errorf("ObservedAt %v, Duration %v: want both set", r.ObservedAt, r.Duration)
	}
	return r
}

// setWebhook sets the fake's webhook through the Bot API, as a bot would.
func setWebhook(t *testing.T, srv *telegramtest.Server, hook string) {
	t.Helper()
	resp, err := http.PostForm(srv.URL()+"/bot"+srv.Token()+"/setWebhook", url.Values{"url": {hook}})
	if err != nil {
		t.Fatalf("setWebhook: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("setWebhook: %s", resp.Status)
	}
}

func assertNoSecret(t *testing.T, r checks.Result, token string) {
	t.Helper()
	_, secret, _ := strings.Cut(token, ":")
	if strings.Contains(r.Message, secret) {
		t.Errorf("message %q contains the token", r.Message)
	}
}
