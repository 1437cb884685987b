package app

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedactorMasksSecrets(t *testing.T) {
	const token = "987654321:AAHsecretsecretsecretsecretsecret12"
	const uri = "mongodb+srv://ops:hunter2@cluster0.example.net/opsbot"
	r := NewRedactor(token, uri, "")
	tests := map[string]string{
		"post https://api.telegram.org/bot" + token + "/getMe: EOF": "post https://api.telegram.org/bot***/getMe: EOF",
		"connecting to " + uri:                          "connecting to ***",
		"other token 111111:abcdefghijklmnopqrstuvwxyz": "other token ***",
		"postgres://admin:pa55@db:5432/x":               "postgres://***@db:5432/x",
		"nothing secret here: 12:30":                    "nothing secret here: 12:30",
	}
	for in, want := range tests {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestLoggerNeverWritesSecrets(t *testing.T) {
	const token = "987654321:AAHsecretsecretsecretsecretsecret12"
	const uri = "mongodb://ops:hunter2@db.internal:27017"
	var buf bytes.Buffer
	log := NewLogger(&buf, "debug", "json", token, uri)
	log.With("uri", uri).Info("token is "+token, "err", errors.New("dial "+uri+" failed"),
		slog.Group("req", "url", "https://api.telegram.org/bot"+token+"/sendMessage"))
	var text bytes.Buffer
	NewLogger(&text, "info", "text", token, uri).Warn("x", "token", token)
	for _, out := range []string{buf.String(), text.String()} {
		if strings.Contains(out, "hunter2") || strings.Contains(out, "AAHsecret") {
			t.Fatalf("secret in log: %s", out)
		}
		if !strings.Contains(out, "***") {
			t.Fatalf("nothing masked: %s", out)
		}
	}
}
