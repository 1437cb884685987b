package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
