package config

import (
	"strings"
	"testing"
	"time"
)

// validConfig is Default with the two required values set.
func validConfig() *Config {
	c := Default()
	c.Telegram.Token = testToken
	c.Telegram.OpsChatID = -1001234567890
	return c
}

func TestValidateValid(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
	}{
		{"defaults", func(*Config) {}},
		{"long token", func(c *Config) { c.Telegram.Token = "7:" + strings.Repeat("aZ09_-", 10) }},
		{"short but plausible token", func(c *Config) { c.Telegram.Token = "1:abcdefghijklmnopqrst" }},
		{"api url with a proxy path", func(c *Config) { c.Telegram.APIURL = "https://proxy.example.org/telegram/" }},
		{"local api url", func(c *Config) { c.Telegram.APIURL = "http://localhost:8081" }},
		{"private chat as ops chat", func(c *Config) { c.Telegram.OpsChatID = 12345 }},
		{"ops chat listed in allowed chats", func(c *Config) { c.Telegram.AllowedChats = []int64{-1001234567890, -100999} }},
		{"poll timeout bounds", func(c *Config) { c.Telegram.PollTimeout = 2 * time.Second; c.Bot.HandlerTimeout = 10 * time.Minute }},
		{"mongodb uri", func(c *Config) { c.Storage.URI = "mongodb+srv://u:p@cluster.example.net/" }},
		{"no data dir with a uri", func(c *Config) { c.Storage.URI = "mongodb://h"; c.Storage.DataDir = "" }},
		{"port 0", func(c *Config) { c.HTTP.Addr = "127.0.0.1:0" }},
		{"ipv6", func(c *Config) { c.HTTP.Addr = "[::1]:8080" }},
		{"roles", func(c *Config) { c.Auth = Auth{Admins: []int64{1}, Operators: []int64{2, 3}, Viewers: []int64{4}} }},
		{"no shutdown wait", func(c *Config) { c.Bot.ShutdownTimeout = 0; c.Bot.Workers = 256 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.mutate(c)
			if err := c.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestValidateProblems(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string // "path: message fragment", in order
	}{
		{"missing token", func(c *Config) { c.Telegram.Token = "" },
			[]string{"TELEGRAM_BOT_TOKEN: not set; create a bot with @BotFather (/newbot) and put the token it gives you in TELEGRAM_BOT_TOKEN"}},
		{"token without colon", func(c *Config) { c.Telegram.Token = "abcdefghijklmnopqrstuvwxyz" },
			[]string{"TELEGRAM_BOT_TOKEN: does not look like a token from @BotFather: it has no ':'"}},
		{"token with letters in the id", func(c *Config) { c.Telegram.Token = "12a:abcdefghijklmnopqrstuvwxyz" },
			[]string{"TELEGRAM_BOT_TOKEN: does not look like a token from @BotFather: the part before ':' must be the bot's numeric id"}},
		{"short token", func(c *Config) { c.Telegram.Token = "123:abc" },
			[]string{"TELEGRAM_BOT_TOKEN: does not look like a token from @BotFather: the part after ':' has 3 characters, expected about 35"}},
		{"token with bad characters", func(c *Config) { c.Telegram.Token = "123:abcdefghijklmnopqrstuvwxyz+/=" },
			[]string{"TELEGRAM_BOT_TOKEN: does not look like a token from @BotFather: the part after ':' may only hold letters, digits, - and _"}},
		{"token with quotes", func(c *Config) { c.Telegram.Token = `"` + testToken + `"` },
			[]string{"TELEGRAM_BOT_TOKEN: does not look like a token from @BotFather: it contains quotes"}},
		{"token with bot prefix", func(c *Config) { c.Telegram.Token = "bot" + testToken },
			[]string{`TELEGRAM_BOT_TOKEN: does not look like a token from @BotFather: remove the leading "bot"`}},
		{"empty api url", func(c *Config) { c.Telegram.APIURL = "" },
			[]string{"telegram.api_url: must not be empty (default https://api.telegram.org)"}},
		{"relative api url", func(c *Config) { c.Telegram.APIURL = "api.telegram.org" },
			[]string{`telegram.api_url: "api.telegram.org" must be an absolute http or https URL like https://api.telegram.org`}},
		{"api url with /bot", func(c *Config) { c.Telegram.APIURL = "https://api.telegram.org/bot" },
			[]string{"telegram.api_url: must be the server's base URL without /bot<token>"}},
		{"api url with query", func(c *Config) { c.Telegram.APIURL = "https://api.telegram.org/?a=b" },
			[]string{`telegram.api_url: "https://api.telegram.org/?a=b" must not have a query or fragment`}},
		{"missing chat id", func(c *Config) { c.Telegram.OpsChatID = 0 },
			[]string{"OPS_CHAT_ID: not set (or 0); put the ops group's chat id in OPS_CHAT_ID (or telegram.ops_chat_id). " +
				"To find it: add the bot to the group, send /start there, open https://api.telegram.org/bot<token>/getUpdates " +
				"and read message.chat.id (group ids are negative, like -1001234567890)"}},
		{"negative thread", func(c *Config) { c.Telegram.OpsThreadID = -1 },
			[]string{"telegram.ops_thread_id: must be 0 (the group's main thread) or a forum topic id, got -1"}},
		{"allowed chats", func(c *Config) { c.Telegram.AllowedChats = []int64{-1, 0, -2, -1} },
			[]string{"telegram.allowed_chats[1]: 0 is not a chat id", "telegram.allowed_chats[3]: chat -1 is listed twice (also telegram.allowed_chats[0])"}},
		{"poll timeout too long", func(c *Config) { c.Telegram.PollTimeout = 90 * time.Second },
			[]string{"telegram.poll_timeout: must be between 2s and 1m, got 1m30s"}},
		{"poll timeout too short", func(c *Config) { c.Telegram.PollTimeout = time.Second },
			[]string{"telegram.poll_timeout: must be between 2s and 1m, got 1s"}},
		{"mongodb uri scheme", func(c *Config) { c.Storage.URI = "localhost:27017" },
			[]string{"MONGODB_URI: must start with mongodb:// or mongodb+srv:// (the value is not shown"}},
		{"empty database", func(c *Config) { c.Storage.Database = "" },
			[]string{"storage.database: must not be empty (default opsbot)"}},
		{"database with slash", func(c *Config) { c.Storage.Database = "ops/bot" },
			[]string{`storage.database: "ops/bot" contains "/"; a MongoDB database name cannot contain / \ . " $, spaces or NUL`}},
		{"database with space", func(c *Config) { c.Storage.Database = "ops bot" },
			[]string{`storage.database: "ops bot" contains " "`}},
		{"database with dollar", func(c *Config) { c.Storage.Database = "$ops" },
			[]string{`storage.database: "$ops" contains "$"`}},
		{"long database", func(c *Config) { c.Storage.Database = strings.Repeat("a", 64) },
			[]string{"storage.database: " + quote(strings.Repeat("a", 64)) + " is 64 bytes"}},
		{"embedded without data dir", func(c *Config) { c.Storage.DataDir = "" },
			[]string{"storage.data_dir: must not be empty when MONGODB_URI is not set"}},
		{"addr without port", func(c *Config) { c.HTTP.Addr = "localhost" },
			[]string{`http.addr: "localhost" is not host:port (like :8080 for all interfaces, or 127.0.0.1:8080 for this host only)`}},
		{"addr with a bad port", func(c *Config) { c.HTTP.Addr = ":http" },
			[]string{`http.addr: ":http": the port must be a number from 0 to 65535`}},
		{"addr with a big port", func(c *Config) { c.HTTP.Addr = ":70000" },
			[]string{`http.addr: ":70000": the port must be a number from 0 to 65535`}},
		{"log", func(c *Config) { c.Log = Log{Level: "trace", Format: "logfmt"} },
			[]string{`log.level: "trace" is not a log level (allowed: debug, info, warn, error)`,
				`log.format: "logfmt" is not a log format (allowed: text, json)`}},
		{"roles", func(c *Config) {
			c.Auth = Auth{Admins: []int64{1, 0, 1}, Operators: []int64{-100123, 2}, Viewers: []int64{2, 1}}
		}, []string{
			"auth.admins[1]: 0 is not a Telegram user id",
			"auth.admins[2]: user 1 is listed twice (also auth.admins[0])",
			"auth.operators[0]: -100123 looks like a chat id; roles take Telegram user ids, which are positive",
			"auth.viewers[0]: user 2 is also in auth.operators[1]; give each user one role",
			"auth.viewers[1]: user 1 is also in auth.admins[0]; give each user one role",
		}},
		{"audit retention", func(c *Config) { c.Storage.AuditRetention = time.Hour },
			[]string{"storage.audit_retention: must be between 24h and 87600h, got 1h"}},
		{"lease ttl", func(c *Config) { c.Storage.LeaseTTL = 500 * time.Millisecond },
			[]string{"storage.lease_ttl: must be between 1s and 5m, got 500ms"}},
		{"bot", func(c *Config) {
			c.Bot = Bot{Workers: 257, HandlerTimeout: 11 * time.Minute, ShutdownTimeout: -time.Second}
		},
			[]string{"bot.workers: must be between 1 and 256, got 257",
				"bot.handler_timeout: must be between 1s and 10m, got 11m",
				"bot.shutdown_timeout: must be between 0s and 5m, got -1s; 0 means do not wait"}},
		{"everything at once, in struct order", func(c *Config) {
			*c = Config{}
		}, []string{
			"TELEGRAM_BOT_TOKEN: not set",
			"telegram.api_url: must not be empty",
			"OPS_CHAT_ID: not set",
			"telegram.poll_timeout: must be between 2s and 1m, got 0s",
			"storage.database: must not be empty",
			"storage.data_dir: must not be empty",
			"storage.audit_retention: must be between 24h and ",
			"storage.lease_ttl: must be between 1s and 5m, got 0s",
			`http.addr: "" is not host:port`,
			`log.level: "" is not a log level`,
			`log.format: "" is not a log format`,
			"bot.workers: must be between 1 and 256, got 0",
			"bot.handler_timeout: must be between 1s and 10m, got 0s",
			"checks.interval: must be between 5s and 24h, got 0s",
			"checks.timeout: must be between 100ms and 5m, got 0s",
			"checks.workers: must be between 1 and 1024, got 0",
			"checks.history_retention: must be between 24h and 26280h, got 0s",
			"escalation.levels: needs 1 to 4 levels, level 1 first, got 0",
			"escalation.snooze: must be above 0 and at most 168h (7 days), got 0s",
			"escalation.tick: must be at least 1s, got 0s",
			"escalation.action.timeout: must be above 0, got 0s",
			"escalation.outbox_retention: must be at least 24h, got 0s",
			`schedules.timezone: "" is not an IANA time zone name (like UTC or Europe/Berlin)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.mutate(c)
			wantProblems(t, c.Validate(), tt.want...)
		})
	}
}

func TestValidateNeverEchoesTheToken(t *testing.T) {
	for _, tok := range []string{
		"123456:short", "nocolon-but-long-enough-to-matter", "123:has spaces in it somewhere ok",
		"12x:abcdefghijklmnopqrstuvwxyz", "123:abcdefghijklmnopqrstuvwxyz!!", `'123:abcdefghijklmnopqrstuvwxyz'`,
	} {
		c := validConfig()
		c.Telegram.Token = tok
		err := c.Validate()
		if err == nil {
			t.Errorf("token %q accepted", tok)
			continue
		}
		if strings.Contains(err.Error(), tok) || strings.Contains(err.Error(), tok[strings.Index(tok, ":")+1:]) {
			t.Errorf("problem repeats the token: %v", err)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	err := &Error{Problems: []Problem{{"a.b", "bad"}, {"C", "worse"}}}
	if got, want := err.Error(), "a.b: bad\nC: worse"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
