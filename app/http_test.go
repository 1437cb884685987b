package app_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/telegramtest"
)

func TestHealthReadyAndMetrics(t *testing.T) {
	tg := telegramtest.New(t)
	r := start(t, testConfig(t, tg, t.TempDir()), app.Options{})
	base := "http://" + r.app.HTTPAddr()

	if code, body := get(t, base+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Fatalf("/healthz = %d %q", code, body)
	}
	command(t, tg, opsChat, alice, "/help") // Telegram has answered by now
	if code, body := get(t, base+"/readyz"); code != http.StatusOK || body != "ready\nrole: leader (term 1)\n" {
		t.Fatalf("/readyz = %d %q", code, body)
	}

	tg.Fail("sendMessage", 1, telegramtest.Fault{Status: 400, Description: "Bad Request: chat not found"})
	sent := tg.SendText(opsChat, alice, "/whoami")
	tg.WaitFor(t, "the failed reply", func() bool {
		for _, c := range tg.CallsTo("sendMessage") {
			if c.Status == 400 {
				return true
			}
		}
		return false
	})
	command(t, tg, opsChat, alice, "/start")
	// With one worker, once this is answered the commands before it are fully counted.
	command(t, tg, opsChat, alice, "/nosuch@"+tg.BotUser().Username)
	if n := len(repliesTo(tg, opsChat.ID, sent.ID)); n != 0 {
		t.Fatalf("a 400 must not be retried; got %d replies", n)
	}

	code, metrics := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`opsbot_updates_handled_total{kind="command",outcome="ok"} 2`,
		`opsbot_updates_handled_total{kind="command",outcome="error"} 1`,
		`opsbot_telegram_api_errors_total{code="400",method="sendMessage"} 1`,
		`opsbot_command_duration_seconds_count{command="help"} 1`,
		`opsbot_storage_errors_total{command="insert"} 0`,
		`go_goroutines`,
		`opsbot_command_duration_seconds_count{command="start"} 1`,
	} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(metrics) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(metrics, `command_duration_seconds_count{command="whoami"}`) {
		t.Error("an undelivered reply was counted as a command latency")
	}
	if t.Failed() {
		t.Logf("metrics:\n%s", metrics)
	}
	if n := strconv.Itoa(len(metrics)); len(metrics) < 1000 {
		t.Fatalf("/metrics suspiciously short (%s bytes)", n)
	}
}
