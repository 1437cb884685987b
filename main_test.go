package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/opsbot/opsbot/bot/telegramtest"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestMissingTokenIsOneLineSayingWhatToDo(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), env(map[string]string{"OPS_CHAT_ID": "-1001234567890"}), &stderr)
	if code == 0 {
		t.Fatal("exit code 0 without a token")
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "TELEGRAM_BOT_TOKEN") || !strings.Contains(lines[0], "@BotFather") {
		t.Fatalf("stderr:\n%s", stderr.String())
	}
}

func TestBadConfigFailsBeforeConnectingWithEveryFieldPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "opsbot.yaml")
	yaml := "telegram:\n  pol_timeout: 5s\nbot:\n  workers: 0\n  handler_timeout: 2 minutes\nlog:\n  level: loud\nauth:\n  admins: [1, bob]\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	code := run(context.Background(), env(map[string]string{
		"OPSBOT_CONFIG":      file,
		"TELEGRAM_BOT_TOKEN": "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"OPS_CHAT_ID":        "-100",
		// Nothing may be contacted: these would fail loudly if tried.
		"TELEGRAM_API_URL": "http://127.0.0.1:1",
		"MONGODB_URI":      "mongodb://127.0.0.1:1",
		"DATA_DIR":         filepath.Join(dir, "data"),
	}), &stderr)
	if code == 0 {
		t.Fatal("exit code 0 with a bad config")
	}
	out := stderr.String()
	for _, path := range []string{"telegram.pol_timeout", "bot.workers", "bot.handler_timeout", "log.level", "auth.admins[1]"} {
		if !strings.Contains(out, path+":") {
			t.Errorf("no problem for %s in:\n%s", path, out)
		}
	}
	if strings.Contains(out, "AAAAAAAAAAAAAAAA") {
		t.Errorf("the token was echoed:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Errorf("the data directory was created before the config was accepted: %v", err)
	}
}

func TestRunFromEnvironmentAnswersHelpInTheGroup(t *testing.T) {
	tg := telegramtest.New(t)
	group := telegramtest.Chat{ID: -1001234567890, Type: telegramtest.ChatSupergroup, Title: "ops"}
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncWriter
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, env(map[string]string{
			"TELEGRAM_BOT_TOKEN": tg.Token(),
			"TELEGRAM_API_URL":   tg.URL(),
			"OPS_CHAT_ID":        "-1001234567890",
			"DATA_DIR":           t.TempDir(),
			"HTTP_ADDR":          "127.0.0.1:0",
			"LOG_FORMAT":         "json",
		}), &stderr)
	}()
	asked := tg.SendText(group, telegramtest.User{ID: 7, FirstName: "Op"}, "/help")
	reply := tg.WaitMessage(t, group.ID, func(m telegramtest.Message) bool { return m.ReplyTo == asked.ID })
	if !strings.Contains(reply.Text, "opsbot commands") {
		t.Fatalf("reply %q", reply.Text)
	}
	cancel()
	if code := <-exited; code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), tg.Token()) {
		t.Fatalf("the token reached the log:\n%s", stderr.String())
	}
}

type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestPrimaryBaseURLAloneRunsTheChecklistChecks(t *testing.T) {
	primary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health", "/healthcheck", "/status":
			_, _ = w.Write([]byte("HEALTHY"))
		case "/health/json":
			_, _ = w.Write([]byte(`{"status":"healthy","healthy":true,"components":{"database":{"mongodb":{"status":"connected"}}},` +
				`"metrics":{"average_response_time_ms":1200,"error_rate_percent":0.3}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer primary.Close()
	tg := telegramtest.New(t)
	group := telegramtest.Chat{ID: -1001234567890, Type: telegramtest.ChatSupergroup, Title: "ops"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncWriter
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, env(map[string]string{
			"TELEGRAM_BOT_TOKEN": tg.Token(),
			"TELEGRAM_API_URL":   tg.URL(),
			"OPS_CHAT_ID":        "-1001234567890",
			"DATA_DIR":           t.TempDir(),
			"HTTP_ADDR":          "127.0.0.1:0",
			"PRIMARY_BASE_URL":   primary.URL,
		}), &stderr)
	}()
	asked := tg.SendText(group, telegramtest.User{ID: 7, FirstName: "Op"}, "/health")
	reply := tg.WaitMessage(t, group.ID, func(m telegramtest.Message) bool {
		return m.ReplyTo == asked.ID && strings.Contains(m.Text, "checks ok")
	})
	for _, want := range []string{"<b>HEALTHY</b> — 4 of 4 checks ok", "<b>health</b> — HTTP 200", "<b>health-json</b>", "<b>healthcheck</b>", "<b>status-endpoint</b>"} {
		if !strings.Contains(reply.Text, want) {
			t.Fatalf("missing %q in:\n%s", want, reply.Text)
		}
	}
	cancel()
	if code := <-exited; code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
}
