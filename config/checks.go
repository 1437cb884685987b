package config

import "time"

// Checks configures the service checks: how they run, the alert rules, and
// the list of checks. With an empty list and PrimaryBaseURL set, the
// monitoring checklist's daily checks against that URL are the list.
type Checks struct {
	// Interval and Timeout are the defaults for checks that set none.
	Interval time.Duration `yaml:"interval"`
	Timeout  time.Duration `yaml:"timeout"`
	// Workers bounds how many checks run at once.
	Workers int `yaml:"workers"`
	// HostInterval is the least time between two requests to one host.
	HostInterval time.Duration `yaml:"host_interval"`
	// HistoryRetention is how long hourly check statistics are kept.
	HistoryRetention time.Duration `yaml:"history_retention"`
	// PrimaryBaseURL is the monitored service's base URL, e.g.
	// https://your-bot.up.railway.app; it seeds the default checks.
	PrimaryBaseURL string `yaml:"primary_base_url" env:"PRIMARY_BASE_URL"`
	// DefaultRules turns on the checklist's alert thresholds.
	DefaultRules bool `yaml:"default_rules"`
	// Rules are more alert rules; one named like a default rule replaces it.
	Rules []Rule `yaml:"rules"`
	// List is the checks.
	List []Check `yaml:"list"`
}

// Rule is an alert rule: when any of When holds for For on a check that
// Checks matches, it fires; it resolves after RecoverFor without.
type Rule struct {
	Name     string   `yaml:"name"`
	Summary  string   `yaml:"summary"`
	Severity string   `yaml:"severity"`
	Checks   []string `yaml:"checks"`
	// When are conditions like "status >= crit" or "response_ms > 5000".
	When          []string      `yaml:"when"`
	For           time.Duration `yaml:"for"`
	RecoverFor    time.Duration `yaml:"recover_for"`
	EscalateAfter time.Duration `yaml:"escalate_after"`
}

// Check is one check: a name, an optional group, its cadence, and exactly
// one of the type sections.
type Check struct {
	Name     string        `yaml:"name"`
	Group    string        `yaml:"group"`
	Interval time.Duration `yaml:"interval"`
	Timeout  time.Duration `yaml:"timeout"`

	HTTP     *HTTPCheck     `yaml:"http"`
	TCP      *TCPCheck      `yaml:"tcp"`
	Telegram *TelegramCheck `yaml:"telegram"`
	MongoDB  *MongoDBCheck  `yaml:"mongodb"`
	Postgres *PostgresCheck `yaml:"postgres"`
	Railway  *RailwayCheck  `yaml:"railway"`
	Logs     *LogsCheck     `yaml:"logs"`
	Events   *EventsCheck   `yaml:"events"`
}

// Type returns the name of the check's type section, or "" when it has
// none (more than one is a validation problem).
func (c *Check) Type() string {
	for _, t := range c.types() {
		if t.set {
			return t.name
		}
	}
	return ""
}

type typeSection struct {
	name string
	set  bool
}

func (c *Check) types() []typeSection {
	return []typeSection{
		{"http", c.HTTP != nil}, {"tcp", c.TCP != nil}, {"telegram", c.Telegram != nil},
		{"mongodb", c.MongoDB != nil}, {"postgres", c.Postgres != nil}, {"railway", c.Railway != nil},
		{"logs", c.Logs != nil}, {"events", c.Events != nil},
	}
}

// HTTPCheck requests a URL and judges status, body, JSON, time and TLS.
type HTTPCheck struct {
	URL     string            `yaml:"url"`
	Method  string            `yaml:"method"`
	Headers map[string]string `yaml:"headers"`
	// HeadersEnv maps a header to the environment variable holding its
	// value (e.g. Authorization: PRIMARY_AUTH_HEADER), for secret headers.
	HeadersEnv   map[string]string `yaml:"headers_env"`
	SecretHeader map[string]string `yaml:"-"`
	Body         string            `yaml:"body"`
	ExpectStatus []int             `yaml:"expect_status"`
	// Verdict reads a plain-text body as HEALTHY (ok), DEGRADED - ... (warn)
	// or UNHEALTHY - ... (crit).
	Verdict bool `yaml:"verdict"`
	// JSONCrit and JSONWarn are conditions on the JSON body, like
	// "status == healthy"; a failing one makes the run crit or warn.
	JSONCrit        []string      `yaml:"json_crit"`
	JSONWarn        []string      `yaml:"json_warn"`
	MaxResponseTime time.Duration `yaml:"max_response_time"`
	TLSWarnDays     int           `yaml:"tls_warn_days"`
	TLSCritDays     int           `yaml:"tls_crit_days"`
	MaxBodyBytes    int64         `yaml:"max_body_bytes"`
	MaxRedirects    int           `yaml:"max_redirects"`
}

// TCPCheck connects to host:port.
type TCPCheck struct {
	Address   string        `yaml:"address"`
	WarnAfter time.Duration `yaml:"warn_after"`
}

// TelegramCheck asks the Bot API about the monitored bot.
type TelegramCheck struct {
	APIURL string `yaml:"api_url"`
	// TokenEnv names the environment variable holding the monitored
	// bot's token; Token is its value.
	TokenEnv          string        `yaml:"token_env"`
	Token             string        `yaml:"-"`
	ExpectWebhookURL  string        `yaml:"expect_webhook_url"`
	MaxPendingUpdates int           `yaml:"max_pending_updates"`
	LastErrorWithin   time.Duration `yaml:"last_error_within"`
}

// MongoDBCheck pings the monitored service's MongoDB and optionally counts
// recent documents.
type MongoDBCheck struct {
	URIEnv        string        `yaml:"uri_env"`
	URI           string        `yaml:"-"`
	Database      string        `yaml:"database"`
	PingWarnAfter time.Duration `yaml:"ping_warn_after"`
	Count         *MongoCount   `yaml:"count"`
}

// MongoCount counts documents whose TimeField is within Window.
type MongoCount struct {
	Collection string        `yaml:"collection"`
	TimeField  string        `yaml:"time_field"`
	Window     time.Duration `yaml:"window"`
	WarnAbove  int64         `yaml:"warn_above"`
	CritAbove  int64         `yaml:"crit_above"`
}

// PostgresCheck connects to PostgreSQL (e.g. Supabase) and runs select 1.
type PostgresCheck struct {
	URLEnv    string        `yaml:"url_env"`
	URL       string        `yaml:"-"`
	WarnAfter time.Duration `yaml:"warn_after"`
}

// RailwayCheck reads a Railway service's CPU, memory and deployment.
type RailwayCheck struct {
	APIURL         string        `yaml:"api_url"`
	TokenEnv       string        `yaml:"token_env"`
	Token          string        `yaml:"-"`
	TokenKind      string        `yaml:"token_kind"`
	ProjectID      string        `yaml:"project_id"`
	ServiceID      string        `yaml:"service_id"`
	EnvironmentID  string        `yaml:"environment_id"`
	Window         time.Duration `yaml:"window"`
	CPUWarnPercent float64       `yaml:"cpu_warn_percent"`
	CPUCritPercent float64       `yaml:"cpu_crit_percent"`
	MemWarnPercent float64       `yaml:"memory_warn_percent"`
	MemCritPercent float64       `yaml:"memory_crit_percent"`
}

// LogsCheck scans a log source for the checklist's pattern classes. The
// source is exactly one of Command (run without a shell; "{since}" in an
// argument becomes the window, e.g. 1h), File or URL.
type LogsCheck struct {
	Command []string `yaml:"command"`
	// Env lists variables passed to the command ("NAME" passes opsbot's
	// value, e.g. RAILWAY_TOKEN); nothing else of opsbot's environment is.
	Env          []string          `yaml:"env"`
	File         string            `yaml:"file"`
	URL          string            `yaml:"url"`
	HeadersEnv   map[string]string `yaml:"headers_env"`
	SecretHeader map[string]string `yaml:"-"`
	Window       time.Duration     `yaml:"window"`
	// Classes are added to the default pattern classes; one with a default
	// class's name replaces it.
	Classes []LogClass `yaml:"classes"`
	// Thresholds replace the defaults (rate_limit > 50 warns, error rate
	// > 10% warns) when any are given.
	Thresholds  []LogThreshold `yaml:"thresholds"`
	MinRequests int            `yaml:"min_requests"`
}

// LogClass is a named pattern (a Go regular expression).
type LogClass struct {
	Name          string `yaml:"name"`
	Pattern       string `yaml:"pattern"`
	CaseSensitive bool   `yaml:"case_sensitive"`
}

// LogThreshold judges a class count or a metric (error_rate_percent,
// processing_ms_p95, ...); 0 means no limit.
type LogThreshold struct {
	Metric    string  `yaml:"metric"`
	WarnAbove float64 `yaml:"warn_above"`
	CritAbove float64 `yaml:"crit_above"`
}

// EventsCheck receives the monitored service's signed events on
// POST /webhook/bot-events (on HTTP_ADDR) and judges the recent ones.
type EventsCheck struct {
	// SecretEnv names the variable holding the HMAC-SHA256 secret.
	SecretEnv              string        `yaml:"secret_env"`
	Secret                 string        `yaml:"-"`
	Window                 time.Duration `yaml:"window"`
	FileFailureWarnPercent float64       `yaml:"file_failure_warn_percent"`
	MinFiles               int           `yaml:"min_files"`
	SecurityWarnAbove      int           `yaml:"security_warn_above"`
	// Silence warns when no event has arrived for this long; 0 = never.
	Silence time.Duration `yaml:"silence"`
}
