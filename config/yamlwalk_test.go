package config

import (
	"reflect"
	"testing"
	"time"
)

func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // "path: message fragment", in order
	}{
		{"unknown key with suggestion", "telegram:\n  pol_timeout: 30s\n",
			[]string{"telegram.pol_timeout: unknown key (allowed: api_url, ops_chat_id, ops_thread_id, allowed_chats, poll_timeout, webhook_url); did you mean poll_timeout?"}},
		{"unknown key, other spelling", "bot:\n  handlerTimeout: 1m\n",
			[]string{"bot.handlerTimeout: unknown key (allowed: workers, handler_timeout, shutdown_timeout, user_commands_per_minute); did you mean handler_timeout?"}},
		{"unknown key without suggestion", "log:\n  colour: true\n",
			[]string{"log.colour: unknown key (allowed: level, format)"}},
		{"unknown section", "telegarm:\n  api_url: x\n",
			[]string{"telegarm: unknown key (allowed: telegram, storage, http, log, auth, bot, checks, escalation, maintenance, schedules, checklists); did you mean telegram?"}},
		{"secret: telegram.token", "telegram:\n  token: x\n",
			[]string{"telegram.token: secrets are read from the environment only: set TELEGRAM_BOT_TOKEN and remove this key from the file"}},
		{"secret: telegram.bot_token", "telegram:\n  bot_token: x\n",
			[]string{"telegram.bot_token: secrets are read from the environment only: set TELEGRAM_BOT_TOKEN"}},
		{"secret: storage.uri", "storage:\n  uri: x\n",
			[]string{"storage.uri: secrets are read from the environment only: set MONGODB_URI"}},
		{"secret: storage.mongodbURI", "storage:\n  mongodbURI: x\n",
			[]string{"storage.mongodbURI: secrets are read from the environment only: set MONGODB_URI"}},
		{"secret: storage.password", "storage:\n  password: x\n",
			[]string{"storage.password: secrets are read from the environment only: set MONGODB_URI"}},
		{"secret: top-level token", "token: x\n",
			[]string{"token: secrets are read from the environment only: set TELEGRAM_BOT_TOKEN"}},
		{"secret: env var name as key", "TELEGRAM_BOT_TOKEN: x\n",
			[]string{"TELEGRAM_BOT_TOKEN: secrets are read from the environment only: set TELEGRAM_BOT_TOKEN"}},
		{"secret: telegram.webhook_secret", "telegram:\n  webhook_secret: x\n",
			[]string{"telegram.webhook_secret: secrets are read from the environment only: set WEBHOOK_SECRET"}},
		{"secret: unmatched", "log:\n  api_password: x\n",
			[]string{"log.api_password: secrets are read from the environment only: remove this key from the file"}},
		{"not a secret: security", "log:\n  security: x\n",
			[]string{"log.security: unknown key"}},
		{"duration in words", "bot:\n  handler_timeout: 2 minutes\n",
			[]string{`bot.handler_timeout: "2 minutes" is not a duration (use a Go duration like 2m or 90s)`}},
		{"duration without unit", "telegram:\n  poll_timeout: 30\n",
			[]string{`telegram.poll_timeout: "30" is not a duration (a number needs a unit: write 30s or 30m)`}},
		{"duration as list", "telegram:\n  poll_timeout: [30s]\n",
			[]string{"telegram.poll_timeout: expected a duration like 2m or 90s, got a list"}},
		{"user id", "auth:\n  admins: [1, bob]\n",
			[]string{`auth.admins[1]: "bob" is not a Telegram user id (a number)`}},
		{"user id too large", "auth:\n  admins: [99999999999999999999]\n",
			[]string{`auth.admins[0]: "99999999999999999999" is too large for a Telegram user id (a number)`}},
		{"list as scalar", "auth:\n  admins: 123\n",
			[]string{`auth.admins: expected a list, got "123" (write [123] for a single item)`}},
		{"list as mapping", "telegram:\n  allowed_chats: {a: 1}\n",
			[]string{"telegram.allowed_chats: expected a list, got a mapping"}},
		{"chat id", "telegram:\n  ops_chat_id: \"@opsgroup\"\n",
			[]string{`telegram.ops_chat_id: "@opsgroup" is not a Telegram chat id (a number like -1001234567890)`}},
		{"whole number", "bot:\n  workers: eight\n",
			[]string{`bot.workers: "eight" is not a whole number`}},
		{"scalar for a mapping", "telegram: yes\n",
			[]string{`telegram: expected a mapping with the keys api_url, ops_chat_id, ops_thread_id, allowed_chats, poll_timeout, webhook_url, got "yes"`}},
		{"mapping for a string", "log:\n  level: {x: 1}\n",
			[]string{"log.level: expected a string, got a mapping"}},
		{"duplicate key", "log:\n  level: info\n  level: debug\n",
			[]string{"log.level: duplicate key on line 3 (first on line 2); keep one"}},
		{"problems in file order", "bot:\n  workers: x\ntelegram:\n  nope: 1\n  poll_timeout: y\n",
			[]string{`bot.workers: "x" is not a whole number`, "telegram.nope: unknown key", `telegram.poll_timeout: "y" is not a duration`}},
		{"bad merge", "log:\n  <<: 5\n",
			[]string{`log.<<: a merge takes a mapping or a list of mappings, got "5"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err, _ := loadYAML(t, tt.yaml, nil)
			wantProblems(t, err, tt.want...)
		})
	}
}

func TestDecodeValues(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(*Config) bool
	}{
		{"null keeps the default", "telegram:\n  poll_timeout:\n  api_url: ~\nbot:\n",
			func(c *Config) bool {
				return c.Telegram.PollTimeout == 30*time.Second && c.Telegram.APIURL == defaultAPIURL && c.Bot.Workers == 8
			}},
		{"explicit zero wins over the default", "bot:\n  shutdown_timeout: 0s\n",
			func(c *Config) bool { return c.Bot.ShutdownTimeout == 0 }},
		{"empty list is nil", "auth:\n  admins: []\n",
			func(c *Config) bool { return c.Auth.Admins == nil }},
		{"quoted numbers", "telegram:\n  allowed_chats: [\"-100123\"]\n",
			func(c *Config) bool { return reflect.DeepEqual(c.Telegram.AllowedChats, []int64{-100123}) }},
		{"number as string", "storage:\n  database: 2024\n",
			func(c *Config) bool { return c.Storage.Database == "2024" }},
		{"alias", "telegram:\n  poll_timeout: &t 10s\nbot:\n  handler_timeout: *t\n",
			func(c *Config) bool { return c.Bot.HandlerTimeout == 10*time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err, _ := loadYAML(t, tt.yaml, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(cfg) {
				t.Errorf("unexpected config: %+v", cfg)
			}
		})
	}
}

func TestDecodeMerge(t *testing.T) {
	// Config has no free-form key to park anchors under, so decode the
	// bot mapping into a Bot directly.
	d := &nodeDecoder{file: "test.yaml", add: func(path, msg string) { t.Errorf("%s: %s", path, msg) }}
	root := parseForTest(t, `
defaults: &defaults
  workers: 4
  handler_timeout: 1m
more: &more
  workers: 5
  shutdown_timeout: 1s
bot:
  shutdown_timeout: 2s
  <<: [*defaults, *more]
`)
	var b Bot
	d.decode(mappingValue(t, root, "bot"), reflect.ValueOf(&b).Elem(), "bot", "")
	want := Bot{Workers: 4, HandlerTimeout: time.Minute, ShutdownTimeout: 2 * time.Second}
	if b != want {
		t.Errorf("merged Bot = %+v, want %+v (explicit keys win, earlier merges win)", b, want)
	}
}

func TestDecodeMap(t *testing.T) {
	var problems []string
	d := &nodeDecoder{file: "test.yaml", add: func(path, msg string) { problems = append(problems, path+": "+msg) }}
	root := parseForTest(t, "limits:\n  a: 1s\n  b: nope\n")
	var m map[string]time.Duration
	d.decode(mappingValue(t, root, "limits"), reflect.ValueOf(&m).Elem(), "limits", "")
	if m["a"] != time.Second {
		t.Errorf("map = %v", m)
	}
	if len(problems) != 1 || problems[0] != `limits.b: "nope" is not a duration (use a Go duration like 2m or 90s)` {
		t.Errorf("problems = %q", problems)
	}
}
