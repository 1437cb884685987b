package app_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/checks/events"
	"github.com/opsbot/opsbot/config"
)

// writeLog writes a realistic log of the monitored bot, timestamped just
// now, with a secret in one error line.
func writeLog(t *testing.T, errors int) string {
	t.Helper()
	var b strings.Builder
	now := time.Now().UTC()
	for i := 0; i < 40; i++ {
		at := now.Add(-time.Duration(40-i) * time.Minute).Format("2006-01-02 15:04:05")
		fmt.Fprintf(&b, "%s INFO Request: /start user=%d\n", at, 1000+i)
		fmt.Fprintf(&b, "%s INFO processing time: %d\n", at, 100+i*10)
		if i < errors {
			fmt.Fprintf(&b, "%s ERROR Error: upstream failed for bot123456789:AAHsecretsecretsecretsecretsecret99 attempt %d\n", at, i)
		}
	}
	fmt.Fprintf(&b, "%s WARN rate limit hit for user 42\n", now.Add(-time.Minute).Format("2006-01-02 15:04:05"))
	path := filepath.Join(t.TempDir(), "bot.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLogsSummarisesMasksAndAttachesLongExcerpts(t *testing.T) {
	tg := telegramtest.New(t)
	cfg := testConfig(t, tg, t.TempDir())
	cfg.Checks.List = []config.Check{{Name: "logs", Logs: &config.LogsCheck{File: writeLog(t, 12)}}}
	start(t, cfg, app.Options{})

	asked := tg.SendText(opsChat, alice, "/logs 2h")
	msg := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ReplyTo == asked.ID && m.EditCount == 1 })
	mustContain(t, "/logs 2h", msg.Text,
		"<b>Logs, last 2h</b>", "errors 12", "rate_limit 1", "requests 40",
		"Error rate: 30.0% (12 errors of 40 requests)",
		"Processing time: avg", "Last 10 errors:", "Error: upstream failed for bot***")
	if strings.Contains(msg.Text, "AAHsecret") {
		t.Fatalf("a token reached the chat:\n%s", msg.Text)
	}
	// Twelve errors, ten shown: the whole excerpt comes as a file.
	doc := tg.WaitCall(t, "sendDocument", nil)
	f := doc.Files["document"]
	if !strings.HasPrefix(f.Name, "logs-errors") || !bytes.Contains(f.Data, []byte("attempt 0")) || bytes.Contains(f.Data, []byte("AAHsecret")) {
		t.Fatalf("document %q:\n%s", f.Name, f.Data)
	}

	// A class, and free text.
	reply := command(t, tg, opsChat, alice, "/logs rate_limit")
	final := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == reply.ID && m.EditCount == 1 })
	mustContain(t, "/logs rate_limit", final.Text, "Last 1 rate_limit:", "rate limit hit for user 42")
	reply = command(t, tg, opsChat, alice, "/logs 30m user=1039")
	final = tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == reply.ID && m.EditCount == 1 })
	mustContain(t, "/logs user=1039", final.Text, "lines matching “user=1039”", "Request: /start user=1039")

	// Bad windows get the usage line.
	for _, bad := range []string{"0h", "99d", "5x"} {
		reply = command(t, tg, opsChat, alice, "/logs "+bad)
		final = tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == reply.ID && m.EditCount == 1 })
		mustContain(t, "/logs "+bad, final.Text, "Usage: <code>/logs [since")
	}
}

func TestLogsFromABrokenSourceSaySo(t *testing.T) {
	tg := telegramtest.New(t)
	cfg := testConfig(t, tg, t.TempDir())
	cfg.Checks.List = []config.Check{{Name: "logs", Logs: &config.LogsCheck{Command: []string{"no-such-log-tool", "logs", "--since", "{since}"}}}}
	start(t, cfg, app.Options{})
	reply := command(t, tg, opsChat, alice, "/logs")
	final := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == reply.ID && m.EditCount == 1 })
	mustContain(t, "/logs", final.Text, "Could not read the logs: command not found: no-such-log-tool")

	status := command(t, tg, opsChat, alice, "/health logs")
	final = tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == status.ID && m.EditCount == 1 })
	mustContain(t, "/health logs", final.Text, "🔴 <b>logs</b> — command not found: no-such-log-tool")
}

func TestSignedEventsFeedTheEventsCheck(t *testing.T) {
	tg := telegramtest.New(t)
	cfg := testConfig(t, tg, t.TempDir())
	cfg.Checks.List = []config.Check{{Name: "events", Events: &config.EventsCheck{SecretEnv: "X", Secret: "s3cret-events-key"}}}
	r := start(t, cfg, app.Options{})
	url := "http://" + r.app.HTTPAddr() + events.Path

	body := []byte(`{"type":"system_alert","alert_level":"critical","component":"database","message":"connection pool exhausted"}`)
	post := func(sig string) int {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if sig != "" {
			req.Header.Set(events.SignatureHeader, sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Fatalf("unsigned: %d", code)
	}
	if code := post("sha256=" + strings.Repeat("0", 64)); code != http.StatusUnauthorized {
		t.Fatalf("wrong signature: %d", code)
	}
	reply := command(t, tg, opsChat, alice, "/health events")
	final := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == reply.ID && m.EditCount == 1 })
	mustContain(t, "before a signed event", final.Text, "✅ <b>events</b>")

	if code := post(events.Sign([]byte("s3cret-events-key"), body)); code != http.StatusOK {
		t.Fatalf("signed: %d", code)
	}
	reply = command(t, tg, opsChat, alice, "/health events")
	final = tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == reply.ID && m.EditCount == 1 })
	mustContain(t, "after a signed event", final.Text, "🔴 <b>events</b> — critical alert from database: connection pool exhausted")
}
