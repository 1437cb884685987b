package config

import "time"

// Struct tags used in this package, besides yaml:
//
//	env:"NAME"         the environment variable NAME overrides the field when set and non-empty
//	env:"NAME,secret"  the field is read from NAME only and never echoed in a problem
//	want:"..."         what a valid value is, for type errors: `"bob" is not <want>`

// Config is opsbot's whole configuration: the YAML file named by
// OPSBOT_CONFIG (optional), overridden by environment variables, on top of
// the defaults from Default.
type Config struct {
	Telegram    Telegram    `yaml:"telegram"`
	Storage     Storage     `yaml:"storage"`
	HTTP        HTTP        `yaml:"http"`
	Log         Log         `yaml:"log"`
	Auth        Auth        `yaml:"auth"`
	Bot         Bot         `yaml:"bot"`
	Checks      Checks      `yaml:"checks"`
	Escalation  Escalation  `yaml:"escalation"`
	Maintenance Maintenance `yaml:"maintenance"`
	Schedules   Schedules   `yaml:"schedules"`
	Checklists  Checklists  `yaml:"checklists"`
}

// Telegram configures the Bot API connection and the chats opsbot serves.
type Telegram struct {
	// Token is the bot token from @BotFather; environment only.
	Token string `yaml:"-" env:"TELEGRAM_BOT_TOKEN,secret"`
	// APIURL is the Bot API server's base URL, without /bot<token>.
	APIURL string `yaml:"api_url" env:"TELEGRAM_API_URL"`
	// OpsChatID is the ops group: pages, digests and checklists go there.
	OpsChatID int64 `yaml:"ops_chat_id" env:"OPS_CHAT_ID" want:"a Telegram chat id (a number like -1001234567890)"`
	// OpsThreadID is the forum topic in the ops group for opsbot's own
	// posts; 0 means the group's main thread.
	OpsThreadID int `yaml:"ops_thread_id" want:"a forum topic id (a number)"`
	// AllowedChats are chats besides OpsChatID where commands are accepted.
	AllowedChats []int64 `yaml:"allowed_chats" want:"a Telegram chat id (a number like -1001234567890)"`
	// PollTimeout is the long-polling timeout for getUpdates.
	PollTimeout time.Duration `yaml:"poll_timeout"`
	// WebhookURL, with WebhookSecret, switches from long polling to a
	// webhook: Telegram POSTs updates to this public URL, which must reach
	// the HTTP server (HTTP.Addr) at the same path. Empty means polling.
	WebhookURL string `yaml:"webhook_url" env:"WEBHOOK_URL"`
	// WebhookSecret is the secret_token Telegram sends with every webhook
	// request (X-Telegram-Bot-Api-Secret-Token); environment only.
	WebhookSecret string `yaml:"-" env:"WEBHOOK_SECRET,secret"`
}

// Storage configures MongoDB.
type Storage struct {
	// URI is the MongoDB connection string; environment only. Empty means
	// the embedded server under DataDir.
	URI string `yaml:"-" env:"MONGODB_URI,secret"`
	// Database is the MongoDB database name.
	Database string `yaml:"database" env:"MONGODB_DATABASE"`
	// DataDir holds the embedded server's files when URI is empty.
	DataDir string `yaml:"data_dir" env:"DATA_DIR"`
	// AuditRetention is how long audit entries are kept.
	AuditRetention time.Duration `yaml:"audit_retention"`
	// LeaseTTL is how long the leader lease lasts: replicas sharing one
	// MongoDB elect a leader, and a standby takes over within about this
	// long after the leader dies.
	LeaseTTL time.Duration `yaml:"lease_ttl"`
}

// HTTP configures the listener for /healthz, /readyz, /metrics and the webhook.
type HTTP struct {
	// Addr is host:port to listen on; port 0 picks a free port.
	Addr string `yaml:"addr" env:"HTTP_ADDR"`
}

// Log configures opsbot's own logging.
type Log struct {
	// Level is one of debug, info, warn, error.
	Level string `yaml:"level" env:"LOG_LEVEL"`
	// Format is text or json.
	Format string `yaml:"format" env:"LOG_FORMAT"`
}

// Auth maps Telegram user ids to roles. With all lists empty, every member
// of an allowed chat may use every command there (see Config.Role).
type Auth struct {
	Admins    []int64 `yaml:"admins" want:"a Telegram user id (a number)"`
	Operators []int64 `yaml:"operators" want:"a Telegram user id (a number)"`
	Viewers   []int64 `yaml:"viewers" want:"a Telegram user id (a number)"`
}

// Bot tunes how updates are handled.
type Bot struct {
	// Workers is the maximum number of updates handled at once.
	Workers int `yaml:"workers"`
	// HandlerTimeout bounds the handling of one update.
	HandlerTimeout time.Duration `yaml:"handler_timeout"`
	// ShutdownTimeout bounds the wait for in-flight handlers on shutdown.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// UserCommandsPerMinute bounds each user's commands and button presses
	// (bursts of up to 5); 0 turns the limit off.
	UserCommandsPerMinute int `yaml:"user_commands_per_minute"`
}

// Defaults, and the limits validate.go enforces.
const (
	defaultAPIURL          = "https://api.telegram.org"
	defaultPollTimeout     = 30 * time.Second
	defaultDatabase        = "opsbot"
	defaultDataDir         = "./data"
	defaultAuditRetention  = 90 * 24 * time.Hour
	defaultLeaseTTL        = 15 * time.Second
	defaultHTTPAddr        = ":8080"
	defaultLogLevel        = "info"
	defaultLogFormat       = "text"
	defaultWorkers         = 8
	defaultHandlerTimeout  = 30 * time.Second
	defaultShutdownTimeout = 10 * time.Second
)

// Default returns a Config holding every default. Load decodes the YAML file
// and the environment on top of it, so a key that is present in the file
// (even as 0) wins over the default, and a missing or empty (null) key keeps it.
func Default() *Config {
	return &Config{
		Telegram: Telegram{
			APIURL:      defaultAPIURL,
			PollTimeout: defaultPollTimeout,
		},
		Storage: Storage{
			Database:       defaultDatabase,
			DataDir:        defaultDataDir,
			AuditRetention: defaultAuditRetention,
			LeaseTTL:       defaultLeaseTTL,
		},
		HTTP: HTTP{Addr: defaultHTTPAddr},
		Log:  Log{Level: defaultLogLevel, Format: defaultLogFormat},
		Bot: Bot{
			Workers:               defaultWorkers,
			HandlerTimeout:        defaultHandlerTimeout,
			ShutdownTimeout:       defaultShutdownTimeout,
			UserCommandsPerMinute: 20,
		},
		Checks: Checks{
			Interval:         defaultCheckInterval,
			Timeout:          defaultCheckTimeout,
			Workers:          defaultCheckWorkers,
			HostInterval:     defaultHostInterval,
			HistoryRetention: defaultHistoryRetention,
			DefaultRules:     true,
		},
		Escalation:  defaultEscalation(),
		Maintenance: defaultMaintenance(),
		Schedules:   defaultSchedules(),
	}
}
