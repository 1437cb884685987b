package config

import (
	"strings"
	"testing"
)

const testWebhookSecret = "s3cret_webhook-token"

func TestWebhookValid(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"polling":       {},
		"https":         {"WEBHOOK_URL": "https://opsbot.example.com/telegram/webhook", "WEBHOOK_SECRET": testWebhookSecret},
		"port 8443":     {"WEBHOOK_URL": "https://opsbot.example.com:8443/tg/", "WEBHOOK_SECRET": testWebhookSecret},
		"http loopback": {"WEBHOOK_URL": "http://127.0.0.1:9999/hook", "WEBHOOK_SECRET": "a"},
		"localhost":     {"WEBHOOK_URL": "http://localhost:8080/hook", "WEBHOOK_SECRET": strings.Repeat("Z", 256)},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := Load(fakeEnv(baseEnv(env)))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Telegram.Webhook() != (env["WEBHOOK_URL"] != "") || cfg.Telegram.WebhookSecret != env["WEBHOOK_SECRET"] {
				t.Errorf("telegram %+v", cfg.Redacted().Telegram)
			}
		})
	}
}

func TestWebhookProblems(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"url without secret", map[string]string{"WEBHOOK_URL": "https://opsbot.example.com/hook"},
			[]string{"WEBHOOK_SECRET: not set, but WEBHOOK_URL is"}},
		{"secret without url", map[string]string{"WEBHOOK_SECRET": testWebhookSecret},
			[]string{"telegram.webhook_url: not set, but WEBHOOK_SECRET is"}},
		{"secret with bad characters", map[string]string{"WEBHOOK_URL": "https://opsbot.example.com/hook", "WEBHOOK_SECRET": "no spaces!allowed"},
			[]string{"WEBHOOK_SECRET: must be 1-256 characters of A-Z, a-z, 0-9, _ and -"}},
		{"secret too long", map[string]string{"WEBHOOK_URL": "https://opsbot.example.com/hook", "WEBHOOK_SECRET": strings.Repeat("a", 257)},
			[]string{"WEBHOOK_SECRET: must be 1-256 characters"}},
		{"http", map[string]string{"WEBHOOK_URL": "http://opsbot.example.com/hook", "WEBHOOK_SECRET": testWebhookSecret},
			[]string{"WEBHOOK_URL: \"http://opsbot.example.com/hook\" must be https"}},
		{"not a url", map[string]string{"WEBHOOK_URL": "opsbot.example.com/hook", "WEBHOOK_SECRET": testWebhookSecret},
			[]string{"WEBHOOK_URL: is not an absolute URL"}},
		{"no path", map[string]string{"WEBHOOK_URL": "https://opsbot.example.com", "WEBHOOK_SECRET": testWebhookSecret},
			[]string{"WEBHOOK_URL: \"https://opsbot.example.com\" needs a path"}},
		{"pattern syntax", map[string]string{"WEBHOOK_URL": "https://opsbot.example.com/{x}", "WEBHOOK_SECRET": testWebhookSecret},
			[]string{"WEBHOOK_URL: \"https://opsbot.example.com/%7Bx%7D\" needs a path"}},
		{"dot segment", map[string]string{"WEBHOOK_URL": "https://opsbot.example.com/a/../hook", "WEBHOOK_SECRET": testWebhookSecret},
			[]string{"WEBHOOK_URL: \"https://opsbot.example.com/a/../hook\" needs a path"}},
		{"reserved path", map[string]string{"WEBHOOK_URL": "https://opsbot.example.com/webhook/bot-events", "WEBHOOK_SECRET": testWebhookSecret},
			[]string{"WEBHOOK_URL: \"https://opsbot.example.com/webhook/bot-events\": the path /webhook/bot-events is taken"}},
		{"port", map[string]string{"WEBHOOK_URL": "https://opsbot.example.com:8080/hook", "WEBHOOK_SECRET": testWebhookSecret},
			[]string{"WEBHOOK_URL: \"https://opsbot.example.com:8080/hook\": Telegram calls webhooks only on ports 443, 80, 88 and 8443"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fakeEnv(baseEnv(tt.env)))
			wantProblems(t, err, tt.want...)
			if s := tt.env["WEBHOOK_SECRET"]; s != "" && strings.Contains(err.Error(), s) {
				t.Errorf("a problem repeats the secret: %v", err)
			}
		})
	}
}

func TestWebhookURLFromYAMLAndSecretHandling(t *testing.T) {
	cfg, err, _ := loadYAML(t, "telegram:\n  webhook_url: https://opsbot.example.com/tg\n", map[string]string{"WEBHOOK_SECRET": testWebhookSecret})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram.WebhookURL != "https://opsbot.example.com/tg" {
		t.Errorf("webhook url %q", cfg.Telegram.WebhookURL)
	}
	if !strings.Contains(strings.Join(cfg.Secrets(), " "), testWebhookSecret) {
		t.Error("Secrets() lacks WEBHOOK_SECRET")
	}
	if r := cfg.Redacted(); r.Telegram.WebhookSecret != "[redacted]" || cfg.Telegram.WebhookSecret != testWebhookSecret {
		t.Errorf("Redacted webhook secret %q, original %q", r.Telegram.WebhookSecret, cfg.Telegram.WebhookSecret)
	}
	_, err, _ = loadYAML(t, "telegram:\n  webhook_url: http://opsbot.example.com/tg\n", map[string]string{"WEBHOOK_SECRET": testWebhookSecret})
	wantProblems(t, err, "telegram.webhook_url: \"http://opsbot.example.com/tg\" must be https")
}
