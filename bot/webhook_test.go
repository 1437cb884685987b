package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/opsbot/opsbot/bot"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/storage/storagetest"
)

const (
	hookURL    = "https://opsbot.example.com/telegram/webhook"
	hookSecret = "webhook_Secret-123"
)

var (
	hookGroup = telegramtest.Chat{ID: -1007000000001, Type: telegramtest.ChatSupergroup, Title: "hook ops"}
	hookUser  = telegramtest.User{ID: 7001, FirstName: "Hana", Username: "hana"}
)

// newHookBot builds a Bot for fake with /start, in webhook mode when url
// is set.
func newHookBot(t *testing.T, fake *telegramtest.Server, url, secret string) *bot.Bot {
	t.Helper()
	reg, err := commands.NewRegistry(commands.Start())
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Options{
		Token: fake.Token(), APIURL: fake.URL(), PollTimeout: 2 * time.Second, Workers: 1,
		Access:     bot.Access{Chats: []int64{hookGroup.ID}},
		WebhookURL: url, WebhookSecret: secret,
		Registry: reg, Audit: storagetest.Open(t).Audit(), Metrics: bot.NewMetrics(prometheus.NewRegistry()),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runBot runs b until the returned stop is called (or the test ends).
func runBot(t *testing.T, b *bot.Bot) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := b.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

// updateJSON is the update Telegram would POST for m.
func updateJSON(t *testing.T, id int64, m telegramtest.Message) []byte {
	t.Helper()
	msg := map[string]any{
		"message_id": m.ID,
		"date":       m.Date.Unix(),
		"chat":       map[string]any{"id": m.Chat.ID, "type": m.Chat.Type, "title": m.Chat.Title},
		"from":       map[string]any{"id": m.From.ID, "is_bot": false, "first_name": m.From.FirstName, "username": m.From.Username},
		"text":       m.Text,
	}
	if strings.HasPrefix(m.Text, "/") {
		end := strings.IndexByte(m.Text, ' ')
		if end < 0 {
			end = len(m.Text)
		}
		msg["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": end}}
	}
	body, err := json.Marshal(map[string]any{"update_id": id, "message": msg})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// post sends body to the webhook as Telegram would, with secret in the
// header unless it is "".
func post(t *testing.T, url, secret string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func botReplies(fake *telegramtest.Server, chatID int64, id int) int {
	n := 0
	for _, m := range fake.Messages(chatID) {
		if m.From.ID == fake.BotUser().ID && m.ReplyTo == id {
			n++
		}
	}
	return n
}

func TestWebhookMode(t *testing.T) {
	fake := telegramtest.New(t)
	b := newHookBot(t, fake, hookURL, hookSecret)
	pattern, h, ok := b.WebhookRoute()
	if !ok || pattern != "POST /telegram/webhook" {
		t.Fatalf("WebhookRoute() = %q, %v", pattern, ok)
	}
	mux := http.NewServeMux()
	mux.Handle(pattern, h)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	endpoint := srv.URL + "/telegram/webhook"

	stopHook := runBot(t, b)
	set := fake.WaitCall(t, "setWebhook", nil)
	allowed, _ := set.Params["allowed_updates"].([]any)
	if set.Params["url"] != hookURL || set.Params["secret_token"] != hookSecret ||
		!slices.Equal(allowed, []any{"message", "callback_query"}) {
		t.Fatalf("setWebhook params %v", set.Params)
	}
	if w := fake.Webhook(); w.URL != hookURL || w.SecretToken != hookSecret {
		t.Fatalf("fake webhook %+v", w)
	}
	if n := len(fake.CallsTo("deleteWebhook")); n != 0 {
		t.Errorf("webhook mode called deleteWebhook %d times", n)
	}

	// Requests without the right secret are refused and not handled.
	wrong := fake.SendText(hookGroup, hookUser, "/start")
	if code := post(t, endpoint, "not-the-secret", updateJSON(t, 1, wrong)); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: status %d, want 401", code)
	}
	missing := fake.SendText(hookGroup, hookUser, "/start")
	if code := post(t, endpoint, "", updateJSON(t, 2, missing)); code != http.StatusUnauthorized {
		t.Errorf("missing secret: status %d, want 401", code)
	}
	if code := post(t, endpoint, hookSecret+"x", updateJSON(t, 2, missing)); code != http.StatusUnauthorized {
		t.Errorf("longer secret: status %d, want 401", code)
	}
	// Bodies that are too large or not an update.
	huge := []byte(`{"update_id":3,"message":{"text":"` + strings.Repeat("a", 1<<20) + `"}}`)
	if code := post(t, endpoint, hookSecret, huge); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: status %d, want 413", code)
	}
	for _, bad := range []string{"", "not json", `{"update_id":"x"}`, `{}`} {
		if code := post(t, endpoint, hookSecret, []byte(bad)); code != http.StatusBadRequest {
			t.Errorf("body %q: status %d, want 400", bad, code)
		}
	}
	if resp, err := http.Get(endpoint); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}

	// The right secret: handled like a polled update.
	good := fake.SendText(hookGroup, hookUser, "/start")
	if code := post(t, endpoint, hookSecret, updateJSON(t, 4, good)); code != http.StatusOK {
		t.Fatalf("right secret: status %d, want 200", code)
	}
	reply := fake.WaitMessage(t, hookGroup.ID, func(m telegramtest.Message) bool {
		return m.From.ID == fake.BotUser().ID && m.ReplyTo == good.ID
	})
	if !strings.Contains(reply.Plain, "opsbot") {
		t.Errorf("reply %q", reply.Plain)
	}
	// Workers handle updates in order (Workers: 1) and the refused ones
	// were never queued, so they have no reply now and never will.
	if n := botReplies(fake, hookGroup.ID, wrong.ID) + botReplies(fake, hookGroup.ID, missing.ID); n != 0 {
		t.Errorf("%d replies to refused updates", n)
	}
	if err := b.ReadyContext(t.Context()); err != nil {
		t.Errorf("ReadyContext in webhook mode: %v", err)
	}

	// After shutdown the webhook stays set (Telegram keeps the updates);
	// new requests get 503 so that Telegram retries them.
	stopHook()
	if w := fake.Webhook(); w.URL != hookURL {
		t.Errorf("webhook after shutdown %+v", w)
	}
	late := fake.SendText(hookGroup, hookUser, "/start")
	if code := post(t, endpoint, hookSecret, updateJSON(t, 5, late)); code != http.StatusServiceUnavailable {
		t.Errorf("after shutdown: status %d, want 503", code)
	}

	// Back to polling: the webhook is deleted, and the updates Telegram
	// kept are polled.
	poller := newHookBot(t, fake, "", "")
	if _, _, ok := poller.WebhookRoute(); ok {
		t.Error("polling bot has a webhook route")
	}
	runBot(t, poller)
	fake.WaitCall(t, "deleteWebhook", nil)
	if w := fake.Webhook(); w.URL != "" {
		t.Errorf("webhook after switching to polling %+v", w)
	}
	fake.WaitMessage(t, hookGroup.ID, func(m telegramtest.Message) bool {
		return m.From.ID == fake.BotUser().ID && m.ReplyTo == late.ID
	})
	if err := poller.ReadyContext(t.Context()); err != nil {
		t.Errorf("ReadyContext in polling mode: %v", err)
	}
}

func TestWebhookReadinessNoticesAnotherWebhook(t *testing.T) {
	fake := telegramtest.New(t)
	b := newHookBot(t, fake, hookURL, hookSecret)
	if err := b.ReadyContext(t.Context()); err == nil {
		t.Error("ready before Run")
	}
	runBot(t, b)
	fake.WaitCall(t, "setWebhook", nil)
	// Another instance polls: it deletes our webhook.
	other := newHookBot(t, fake, "", "")
	runBot(t, other)
	fake.WaitCall(t, "deleteWebhook", nil)
	fake.WaitFor(t, "webhook deleted", func() bool { return fake.Webhook().URL == "" })
	err := b.ReadyContext(t.Context())
	if err == nil || !strings.Contains(err.Error(), "no webhook is set") {
		t.Errorf("ReadyContext = %v, want no webhook is set", err)
	}
}

func TestWebhookOptions(t *testing.T) {
	fake := telegramtest.New(t)
	reg, _ := commands.NewRegistry()
	opts := bot.Options{Token: fake.Token(), APIURL: fake.URL(), Registry: reg,
		Audit: storagetest.Open(t).Audit(), Metrics: bot.NewMetrics(prometheus.NewRegistry())}
	for _, o := range []struct{ url, secret string }{{hookURL, ""}, {"https://opsbot.example.com", hookSecret}, {"/relative", hookSecret}} {
		opts.WebhookURL, opts.WebhookSecret = o.url, o.secret
		if _, err := bot.New(opts); err == nil {
			t.Errorf("New(%q, %q) succeeded", o.url, o.secret)
		}
	}
	opts.WebhookURL, opts.WebhookSecret = "https://opsbot.example.com/hook/", hookSecret
	b, err := bot.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if p, _, _ := b.WebhookRoute(); p != "POST /hook/{$}" {
		t.Errorf("pattern %q", p)
	}
}
