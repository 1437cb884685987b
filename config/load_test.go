package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadDefaultsWithoutFile(t *testing.T) {
	cfg, err := Load(fakeEnv(baseEnv(nil)))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Telegram.Token = testToken
	want.Telegram.OpsChatID = -1001234567890
	want.Escalation.Action.Type = ActionTypeNone // Load resolves "" without Railway credentials
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Load =\n%+v\nwant\n%+v", cfg, want)
	}
	if want.Telegram.APIURL != "https://api.telegram.org" || want.Telegram.PollTimeout != 30*time.Second ||
		want.Storage.Database != "opsbot" || want.Storage.DataDir != "./data" || want.HTTP.Addr != ":8080" ||
		want.Log.Level != "info" || want.Log.Format != "text" || want.Bot.Workers != 8 ||
		want.Bot.HandlerTimeout != 30*time.Second || want.Bot.ShutdownTimeout != 10*time.Second {
		t.Errorf("Default() = %+v, not the documented defaults", want)
	}
}

func TestLoadYAMLValues(t *testing.T) {
	cfg, err, _ := loadYAML(t, `
telegram:
  api_url: http://localhost:8081
  ops_chat_id: -100111
  ops_thread_id: 42
  allowed_chats: [-100222, -100333]
  poll_timeout: 50s
storage:
  database: opsbot_test
  data_dir: /var/lib/opsbot
http:
  addr: 127.0.0.1:0
log:
  level: debug
  format: json
auth:
  admins: [1]
  operators: [2, 3]
  viewers:
    - 4
bot:
  workers: 16
  handler_timeout: 2m
  shutdown_timeout: 0s
`, map[string]string{"OPS_CHAT_ID": ""})
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Telegram: Telegram{Token: testToken, APIURL: "http://localhost:8081", OpsChatID: -100111, OpsThreadID: 42,
			AllowedChats: []int64{-100222, -100333}, PollTimeout: 50 * time.Second},
		Storage:     Storage{Database: "opsbot_test", DataDir: "/var/lib/opsbot", AuditRetention: 90 * 24 * time.Hour, LeaseTTL: 15 * time.Second},
		HTTP:        HTTP{Addr: "127.0.0.1:0"},
		Log:         Log{Level: "debug", Format: "json"},
		Auth:        Auth{Admins: []int64{1}, Operators: []int64{2, 3}, Viewers: []int64{4}},
		Bot:         Bot{Workers: 16, HandlerTimeout: 2 * time.Minute, ShutdownTimeout: 0, UserCommandsPerMinute: 20},
		Checks:      Default().Checks,
		Escalation:  Default().Escalation,
		Maintenance: Default().Maintenance,
		Schedules:   Default().Schedules,
		Checklists:  Default().Checklists,
	}
	want.Escalation.Action.Type = ActionTypeNone // Load resolves "" without Railway credentials
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Load =\n%+v\nwant\n%+v", cfg, want)
	}
}

func TestLoadEnvOverridesYAML(t *testing.T) {
	yaml := `
telegram:
  api_url: http://yaml:8081
  ops_chat_id: -100111
storage:
  database: from_yaml
  data_dir: /yaml
http:
  addr: ":1111"
log:
  level: debug
  format: json
`
	tests := []struct {
		name  string
		env   map[string]string
		check func(*Config) bool
	}{
		{"TELEGRAM_API_URL", map[string]string{"TELEGRAM_API_URL": "http://env:8081"},
			func(c *Config) bool { return c.Telegram.APIURL == "http://env:8081" }},
		{"OPS_CHAT_ID", map[string]string{"OPS_CHAT_ID": "-100999"},
			func(c *Config) bool { return c.Telegram.OpsChatID == -100999 }},
		{"MONGODB_DATABASE", map[string]string{"MONGODB_DATABASE": "from_env"},
			func(c *Config) bool { return c.Storage.Database == "from_env" }},
		{"DATA_DIR", map[string]string{"DATA_DIR": "/env"},
			func(c *Config) bool { return c.Storage.DataDir == "/env" }},
		{"HTTP_ADDR", map[string]string{"HTTP_ADDR": ":2222"},
			func(c *Config) bool { return c.HTTP.Addr == ":2222" }},
		{"LOG_LEVEL", map[string]string{"LOG_LEVEL": "warn"},
			func(c *Config) bool { return c.Log.Level == "warn" }},
		{"LOG_FORMAT", map[string]string{"LOG_FORMAT": "text"},
			func(c *Config) bool { return c.Log.Format == "text" }},
		{"secrets", map[string]string{"MONGODB_URI": "mongodb://db:27017"},
			func(c *Config) bool { return c.Storage.URI == "mongodb://db:27017" && c.Telegram.Token == testToken }},
		{"spaces are trimmed", map[string]string{"LOG_LEVEL": " error\n", "TELEGRAM_BOT_TOKEN": testToken + "\n"},
			func(c *Config) bool { return c.Log.Level == "error" && c.Telegram.Token == testToken }},
		{"empty does not override", map[string]string{"OPS_CHAT_ID": "", "LOG_LEVEL": "", "HTTP_ADDR": "  "},
			func(c *Config) bool {
				return c.Telegram.OpsChatID == -100111 && c.Log.Level == "debug" && c.HTTP.Addr == ":1111" &&
					c.Telegram.APIURL == "http://yaml:8081" && c.Storage.Database == "from_yaml"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err, _ := loadYAML(t, yaml, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(cfg) {
				t.Errorf("env %v not applied: %+v", tt.env, cfg)
			}
		})
	}
}

func TestLoadEnvProblemsNameTheVariable(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"non-numeric chat id", map[string]string{"OPS_CHAT_ID": "ops"},
			[]string{`OPS_CHAT_ID: "ops" is not a Telegram chat id (a number like -1001234567890)`}},
		{"username as chat id", map[string]string{"OPS_CHAT_ID": "@opsgroup"},
			[]string{`OPS_CHAT_ID: "@opsgroup" is not a Telegram chat id (a number like -1001234567890); use the numeric id, not the @username`}},
		{"zero chat id", map[string]string{"OPS_CHAT_ID": "0"},
			[]string{"OPS_CHAT_ID: not set (or 0)"}},
		{"log level", map[string]string{"LOG_LEVEL": "verbose"},
			[]string{`LOG_LEVEL: "verbose" is not a log level (allowed: debug, info, warn, error)`}},
		{"log format", map[string]string{"LOG_FORMAT": "JSON"},
			[]string{`LOG_FORMAT: "JSON" is not a log format (allowed: text, json)`}},
		{"http addr", map[string]string{"HTTP_ADDR": "8080"},
			[]string{`HTTP_ADDR: "8080" is not host:port`}},
		{"api url", map[string]string{"TELEGRAM_API_URL": "ftp://example.org"},
			[]string{`TELEGRAM_API_URL: "ftp://example.org" must be an absolute http or https URL`}},
		{"database", map[string]string{"MONGODB_DATABASE": "ops.bot"},
			[]string{`MONGODB_DATABASE: "ops.bot" contains "."`}},
		{"data dir is fine", map[string]string{"DATA_DIR": "/tmp/x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fakeEnv(baseEnv(tt.env)))
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantProblems(t, err, tt.want...)
		})
	}
}

func TestLoadFileProblems(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		file string // the OPSBOT_CONFIG value; "" means write text to a file
		text string
		want string // "path: fragment"; a "{file}" in it is the file's path
	}{
		{name: "missing", file: dir + "/nope.yaml",
			want: `OPSBOT_CONFIG: "` + dir + `/nope.yaml" does not exist`},
		{name: "directory", file: dir,
			want: `OPSBOT_CONFIG: "` + dir + `" is a directory`},
		{name: "syntax", text: "telegram:\n  api_url: x\n poll_timeout: 30s\n",
			want: "{file}:3: YAML syntax error: did not find expected key"},
		{name: "tab indent", text: "telegram:\n\tpoll_timeout: 30s\n",
			want: "{file}:2: indent with spaces"},
		{name: "unindented key", text: "a: 1\nb:\n  c: 1\n d: 2\n",
			want: "{file}:4: YAML syntax error: did not find expected key"},
		{name: "unclosed flow list", text: "log:\n  level: info\nauth:\n  admins: [1, 2\n",
			want: "{file}:4: YAML syntax error: did not find expected ',' or ']'"},
		{name: "colon in plain value", text: "log:\n  level: info\n  format: a: b\n",
			want: "{file}:3: YAML syntax error: mapping values are not allowed in this context"},
		{name: "unknown anchor", text: "log: *nope\n",
			want: "{file}: YAML syntax error: unknown anchor 'nope' referenced"},
		{name: "two documents", text: "log:\n  level: info\n---\nlog:\n  level: debug\n",
			want: "{file}:3: a second YAML document"},
		{name: "list at the top", text: "- telegram\n",
			want: `{file}: the file must be a mapping of sections`},
		{name: "scalar at the top", text: "hello\n",
			want: `{file}: the file must be a mapping of sections (telegram:, storage:, ...), got "hello"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = writeConfig(t, tt.text)
			}
			// A file problem is reported alone: the missing token is not.
			_, err := Load(fakeEnv(map[string]string{"OPSBOT_CONFIG": file}))
			wantProblems(t, err, strings.ReplaceAll(tt.want, "{file}", file))
		})
	}
}

func TestLoadEmptyFile(t *testing.T) {
	for _, text := range []string{"", "\n", "# nothing yet\n", "---\n"} {
		cfg, err, _ := loadYAML(t, text, nil)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if cfg.Bot.Workers != 8 {
			t.Errorf("%q: defaults not applied: %+v", text, cfg)
		}
	}
}

func TestLoadReportsAllProblemsAtOnce(t *testing.T) {
	_, err, _ := loadYAML(t, `
telegram:
  pol_timeout: 30s
log:
  level: verbose
auth:
  admins: [1, "bob"]
  viewers: [1]
bot:
  handler_timeout: 2 minutes
  workers: 0
`, nil)
	wantProblems(t, err,
		// Decoding, in file order.
		"telegram.pol_timeout: unknown key (allowed: api_url, ops_chat_id, ops_thread_id, allowed_chats, poll_timeout, webhook_url); did you mean poll_timeout?",
		`auth.admins[1]: "bob" is not a Telegram user id (a number)`,
		`bot.handler_timeout: "2 minutes" is not a duration (use a Go duration like 2m or 90s)`,
		// Validation, in struct order.
		`log.level: "verbose" is not a log level (allowed: debug, info, warn, error)`,
		"auth.viewers[0]: user 1 is also in auth.admins[0]; give each user one role",
		"bot.workers: must be between 1 and 256, got 0",
	)
}

func TestLoadDoesNotReportADecodeFailureTwice(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want []string
	}{
		{"chat id in yaml", "telegram:\n  ops_chat_id: ops\n", map[string]string{"OPS_CHAT_ID": ""},
			[]string{`telegram.ops_chat_id: "ops" is not a Telegram chat id`}},
		{"chat id in env", "", map[string]string{"OPS_CHAT_ID": "ops"},
			[]string{`OPS_CHAT_ID: "ops" is not a Telegram chat id`}},
		{"bad yaml, good env", "telegram:\n  ops_chat_id: ops\n", map[string]string{"OPS_CHAT_ID": "-100123"},
			[]string{`telegram.ops_chat_id: "ops" is not a Telegram chat id`}},
		{"list element", "auth:\n  admins: [x]\n", nil,
			[]string{`auth.admins[0]: "x" is not a Telegram user id`}},
		{"a duplicate key is not a decode failure", "log:\n  level: verbose\n  level: debug\n", nil,
			[]string{"log.level: duplicate key on line 3", `log.level: "verbose" is not a log level`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err, _ := loadYAML(t, tt.yaml, tt.env)
			wantProblems(t, err, tt.want...)
		})
	}
}

func TestLoadNeverEchoesSecrets(t *testing.T) {
	const secretish = "s3cr3t-pa55w0rd-value"
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want []string
	}{
		{"token with a space", "", map[string]string{"TELEGRAM_BOT_TOKEN": "123:" + secretish + " x"},
			[]string{"TELEGRAM_BOT_TOKEN: does not look like a token from @BotFather: it contains spaces"}},
		{"token without colon", "", map[string]string{"TELEGRAM_BOT_TOKEN": secretish},
			[]string{"TELEGRAM_BOT_TOKEN: does not look like a token from @BotFather: it has no ':'"}},
		{"mongodb uri", "", map[string]string{"MONGODB_URI": "postgres://u:" + secretish + "@h/db"},
			[]string{"MONGODB_URI: must start with mongodb:// or mongodb+srv://"}},
		{"token in yaml", "telegram:\n  token: \"123:" + secretish + "\"\n", nil,
			[]string{"telegram.token: secrets are read from the environment only: set TELEGRAM_BOT_TOKEN"}},
		{"uri in yaml", "storage:\n  uri: mongodb://u:" + secretish + "@h\n", nil,
			[]string{"storage.uri: secrets are read from the environment only: set MONGODB_URI"}},
		{"token in api url", "", map[string]string{"TELEGRAM_API_URL": "https://api.telegram.org/bot123:" + secretish},
			[]string{"TELEGRAM_API_URL: must be the server's base URL without /bot<token>"}},
		{"password in api url", "", map[string]string{"TELEGRAM_API_URL": "ftp://u:" + secretish + "@proxy"},
			[]string{`TELEGRAM_API_URL: "ftp://u:xxxxx@proxy" must be an absolute http or https URL`}},
		{"unparsable api url", "", map[string]string{"TELEGRAM_API_URL": "http://u:" + secretish + "@[::1"},
			[]string{"TELEGRAM_API_URL: is not a valid URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err, _ := loadYAML(t, tt.yaml, tt.env)
			wantProblems(t, err, tt.want...)
			if strings.Contains(err.Error(), secretish) {
				t.Errorf("problem repeats the secret: %v", err)
			}
		})
	}
}
