package tgcheck_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/checks/tgcheck"
)

// TestNoTokenReachesAResult answers the check's calls with failures that
// echo the monitored bot's token in every form a server might (whole, its
// secret half, URL-escaped, in an HTML page, at a clip boundary, in the
// webhook's last error) and asserts that the message reveals none of it.
// The request URL holds the token, so transport failures are covered too.
func TestNoTokenReachesAResult(t *testing.T) {
	_, secret, _ := strings.Cut(token, ":")
	now := time.Now()
	// answer writes a Bot API answer.
	answer := func(w http.ResponseWriter, status int, body map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	}
	failGetMe := func(status int, description func(r *http.Request) string) func(t *testing.T) string {
		return func(t *testing.T) string {
			return httpServer(t, func(w http.ResponseWriter, r *http.Request) {
				answer(w, status, map[string]any{"ok": false, "error_code": status, "description": description(r)})
			})
		}
	}
	tests := []struct {
		name string
		// api returns the Bot API's base URL.
		api  func(t *testing.T) string
		want string
	}{
		{name: "description echoing the token",
			api:  failGetMe(401, func(*http.Request) string { return "Unauthorized: " + token }),
			want: "getMe: 401 Unauthorized: xxxxx"},
		{name: "description echoing the secret half",
			api:  failGetMe(401, func(*http.Request) string { return "Unauthorized: " + secret }),
			want: "getMe: 401 Unauthorized: xxxxx"},
		{name: "description echoing the escaped request path",
			api:  failGetMe(404, func(r *http.Request) string { return "Not Found: " + r.URL.EscapedPath() + " " + url.PathEscape(token) }),
			want: "getMe: 404 Not Found: /botxxxxx/getMe xxxxx"},
		{name: "token where the description is clipped",
			api:  failGetMe(400, func(*http.Request) string { return "Bad Request: " + strings.Repeat("w", 140) + token }),
			want: "getMe: 400 Bad Request: www"},
		{name: "an HTML page echoing the request",
			api: func(t *testing.T) string {
				return httpServer(t, func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, "<html>no route to "+r.URL.String()+"</html>", http.StatusBadGateway)
				})
			},
			want: "getMe: HTTP 502 Bad Gateway, not a Bot API answer"},
		{name: "getWebhookInfo failing with the token",
			api: func(t *testing.T) string {
				ok := botAPI(nil)
				return httpServer(t, func(w http.ResponseWriter, r *http.Request) {
					if strings.HasSuffix(r.URL.Path, "/getWebhookInfo") {
						answer(w, 500, map[string]any{"ok": false, "error_code": 500, "description": "Internal: " + r.URL.Path})
						return
					}
					ok(w, r)
				})
			},
			want: "@primary_bot answers, but getWebhookInfo: 500 Internal: /botxxxxx/getWebhookInfo"},
		{name: "webhook error quoting the token",
			api: func(t *testing.T) string {
				return httpServer(t, botAPI(map[string]any{
					"url": "https://bot.example.com/hook", "pending_update_count": 0,
					"last_error_date": now.Add(-time.Minute).Unix(), "last_error_message": "SSL error for\n/bot" + token + "/x",
				}))
			},
			want: "@primary_bot: webhook error 1m ago: SSL error for /botxxxxx/x"},
		{name: "connection refused",
			api:  func(t *testing.T) string { return "http://" + checkstest.ClosedAddr(t) },
			want: "Bot API not reachable: connection refused"},
		{name: "no answer",
			api:  func(t *testing.T) string { return "http://" + checkstest.SilentAddr(t) },
			want: "Bot API not reachable: timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tgcheck.New(tgcheck.Options{APIURL: tt.api(t), Token: token, Timeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			r := c.Check(t.Context())
			t.Logf("message: %s", r.Message)
			if r.Status == checks.StatusOK || !strings.HasPrefix(r.Message, tt.want) {
				t.Errorf("got %v %q, want a failure %q...", r.Status, r.Message, tt.want)
			}
			if leaks := checkstest.Leaks(r.Message, token, secret); len(leaks) > 0 {
				t.Errorf("message %q reveals %q", r.Message, leaks)
			}
		})
	}
}

// TestOptionErrorsQuoteNoToken: a token or URL that is not accepted is
// reported without the token.
func TestOptionErrorsQuoteNoToken(t *testing.T) {
	_, secret, _ := strings.Cut(token, ":")
	for _, o := range []tgcheck.Options{
		{APIURL: "https://api.telegram.org", Token: secret},
		{APIURL: "https://api.telegram.org", Token: token + "\n"},
		{APIURL: "ftp://api.telegram.org/bot" + token, Token: token},
		{APIURL: "https://api.telegram.org/bot" + token + "%zz", Token: token},
		{APIURL: "https://api.telegram.org", Token: token, ExpectWebhookURL: "hook/" + token},
	} {
		_, err := tgcheck.New(o)
		var optErr *checks.OptionError
		if err == nil || !errors.As(err, &optErr) {
			t.Errorf("New: %v, want an *OptionError", err)
			continue
		}
		if leaks := checkstest.Leaks(err.Error(), token, secret); len(leaks) > 0 {
			t.Errorf("error %q reveals %q", err, leaks)
		}
	}
}
