package config

import (
	"strings"
	"time"
)

// Defaults of the checks section.
const (
	defaultCheckInterval    = time.Minute
	defaultCheckTimeout     = 10 * time.Second
	defaultCheckWorkers     = 32
	defaultHostInterval     = time.Second
	defaultHistoryRetention = 62 * 24 * time.Hour // a month and the month before, for reports
)

// Environment variables that add the primary service's other checks to
// the default list; each holds a secret or an id.
const (
	EnvPrimaryBotToken     = "PRIMARY_BOT_TOKEN"
	EnvPrimaryMongoURI     = "PRIMARY_MONGODB_URI"
	EnvPrimaryPostgresURL  = "PRIMARY_POSTGRES_URL"
	EnvRailwayToken        = "RAILWAY_TOKEN"
	EnvRailwayServiceID    = "RAILWAY_SERVICE_ID"
	EnvRailwayEnvironment  = "RAILWAY_ENVIRONMENT_ID"
	EnvPrimaryEventsSecret = "PRIMARY_EVENTS_SECRET"
	envPrimaryBaseURL      = "PRIMARY_BASE_URL"
	defaultPrimaryJSONPath = "/health/json"
)

// primaryEnv lists the variables PrimaryChecks reads, for .env.example.
var primaryEnv = []string{EnvPrimaryBotToken, EnvPrimaryMongoURI, EnvPrimaryPostgresURL, EnvRailwayToken, EnvRailwayServiceID, EnvRailwayEnvironment, EnvPrimaryEventsSecret}

// PrimaryChecks returns the monitoring checklist's daily checks against
// the service at base: /health with its plain-text verdict, /health/json
// with the checklist's conditions, and the /healthcheck and /status
// aliases. The monitored bot, its MongoDB and PostgreSQL, and its Railway
// service are added when getenv has their variables. Names match the
// default rules: "health", "mongodb", "telegram".
func PrimaryChecks(base string, getenv func(string) (string, bool)) []Check {
	base = strings.TrimRight(base, "/")
	list := []Check{
		{Name: "health", Group: "primary", HTTP: &HTTPCheck{URL: base + "/health", Verdict: true}},
		{Name: "health-json", Group: "primary", HTTP: &HTTPCheck{
			URL: base + defaultPrimaryJSONPath,
			JSONCrit: []string{
				"status != unhealthy",
				"components.database.mongodb.status == connected",
			},
			JSONWarn: []string{
				"status == healthy",
				"metrics.error_rate_percent < 10",
				"metrics.average_response_time_ms < 5000",
			},
			MaxResponseTime: 5 * time.Second,
		}},
		{Name: "healthcheck", Group: "primary", Interval: 5 * time.Minute, HTTP: &HTTPCheck{URL: base + "/healthcheck"}},
		{Name: "status-endpoint", Group: "primary", Interval: 5 * time.Minute, HTTP: &HTTPCheck{URL: base + "/status"}},
	}
	set := func(name string) bool { v, ok := getenv(name); return ok && strings.TrimSpace(v) != "" }
	if set(EnvPrimaryBotToken) {
		list = append(list, Check{Name: "telegram", Group: "primary", Telegram: &TelegramCheck{TokenEnv: EnvPrimaryBotToken}})
	}
	if set(EnvPrimaryMongoURI) {
		list = append(list, Check{Name: "mongodb", Group: "primary", MongoDB: &MongoDBCheck{URIEnv: EnvPrimaryMongoURI}})
	}
	if set(EnvPrimaryPostgresURL) {
		list = append(list, Check{Name: "postgres", Group: "primary", Postgres: &PostgresCheck{URLEnv: EnvPrimaryPostgresURL}})
	}
	if set(EnvPrimaryEventsSecret) {
		list = append(list, Check{Name: "events", Group: "primary", Events: &EventsCheck{SecretEnv: EnvPrimaryEventsSecret}})
	}
	if set(EnvRailwayToken) && set(EnvRailwayServiceID) && set(EnvRailwayEnvironment) {
		sid, _ := getenv(EnvRailwayServiceID)
		eid, _ := getenv(EnvRailwayEnvironment)
		list = append(list, Check{Name: "railway", Group: "primary", Interval: 2 * time.Minute, Railway: &RailwayCheck{
			TokenEnv: EnvRailwayToken, ServiceID: strings.TrimSpace(sid), EnvironmentID: strings.TrimSpace(eid),
		}})
	}
	return list
}

// resolveSecrets reads the secrets the checks name by variable.
func (c *Checks) resolveSecrets(getenv func(string) (string, bool)) {
	get := func(name string) string {
		if name == "" {
			return ""
		}
		v, _ := getenv(name)
		return strings.TrimSpace(v)
	}
	for i := range c.List {
		ch := &c.List[i]
		switch {
		case ch.Telegram != nil:
			ch.Telegram.Token = get(ch.Telegram.TokenEnv)
		case ch.MongoDB != nil:
			ch.MongoDB.URI = get(ch.MongoDB.URIEnv)
		case ch.Postgres != nil:
			ch.Postgres.URL = get(ch.Postgres.URLEnv)
		case ch.Railway != nil:
			ch.Railway.Token = get(ch.Railway.TokenEnv)
		case ch.HTTP != nil:
			ch.HTTP.SecretHeader = headerSecrets(ch.HTTP.HeadersEnv, get)
		case ch.Logs != nil:
			ch.Logs.SecretHeader = headerSecrets(ch.Logs.HeadersEnv, get)
		case ch.Events != nil:
			ch.Events.Secret = get(ch.Events.SecretEnv)
		}
	}
}

// Secrets returns every secret value in c, for masking in logs.
func (c *Config) Secrets() []string {
	out := []string{c.Telegram.Token, c.Storage.URI, c.Telegram.WebhookSecret}
	for _, ch := range c.Checks.List {
		switch {
		case ch.Telegram != nil:
			out = append(out, ch.Telegram.Token)
		case ch.MongoDB != nil:
			out = append(out, ch.MongoDB.URI)
		case ch.Postgres != nil:
			out = append(out, ch.Postgres.URL)
		case ch.Railway != nil:
			out = append(out, ch.Railway.Token)
		case ch.HTTP != nil:
			for _, v := range ch.HTTP.SecretHeader {
				out = append(out, v)
			}
		case ch.Logs != nil:
			for _, v := range ch.Logs.SecretHeader {
				out = append(out, v)
			}
		case ch.Events != nil:
			out = append(out, ch.Events.Secret)
		}
	}
	return append(out, c.Escalation.secrets()...)
}

func headerSecrets(names map[string]string, get func(string) string) map[string]string {
	if len(names) == 0 {
		return nil
	}
	out := make(map[string]string, len(names))
	for h, env := range names {
		out[h] = get(env)
	}
	return out
}
