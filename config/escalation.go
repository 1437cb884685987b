package config

import (
	"strings"
	"time"
)

// Escalation configures incidents and the escalation matrix.
type Escalation struct {
	// Levels are the escalation matrix, level 1 first: 1 to 4 levels. A
	// levels list in the YAML file replaces the default matrix entirely.
	Levels []EscalationLevel `yaml:"levels"`
	// ReopenWindow is how long after resolving an incident a new failure
	// of the same check reopens it instead of opening a new one; 0 means
	// never reopen.
	ReopenWindow time.Duration `yaml:"reopen_window"`
	// ResolveOnRecovery makes a recovered check resolve its incident.
	ResolveOnRecovery bool `yaml:"resolve_on_recovery"`
	// Snooze is what the [Snooze] button snoozes an incident for.
	Snooze time.Duration `yaml:"snooze"`
	// Tick is how often the engine rescans for due timers when nothing is
	// known to be due.
	Tick time.Duration `yaml:"tick"`
	// Storm groups the incidents of many checks failing together.
	Storm Storm `yaml:"storm"`
	// Action is level 1's automated action.
	Action Action `yaml:"action"`
	// OutboxRetention is how long delivered messages are kept (the
	// outbox's idempotency memory).
	OutboxRetention time.Duration `yaml:"outbox_retention"`
}

// EscalationLevel is one row of the escalation matrix: who is notified, and
// how long after the incident opened.
type EscalationLevel struct {
	// Name is shown on the incident, like "Technical lead"; at most 64
	// characters.
	Name string `yaml:"name"`
	// Notify lists the people to mention: "@username" or a numeric
	// Telegram user id, as strings.
	Notify []string `yaml:"notify" want:"an @username or a numeric Telegram user id"`
	// After is the time from the incident's start to this level: 0 for
	// level 1, and strictly later than the level before for the others.
	After time.Duration `yaml:"after"`
}

// Storm groups incidents: when Threshold or more checks fail within
// Window, they become one incident.
type Storm struct {
	Window time.Duration `yaml:"window"`
	// Threshold is the number of failing checks that makes a storm; 0 or 1
	// turns grouping off.
	Threshold int `yaml:"threshold" want:"a number of checks (0 or 1 turns grouping off)"`
}

// Action types, the values of Action.Type after Load.
const (
	ActionTypeRailway = "railway"
	ActionTypeCommand = "command"
	ActionTypeHTTP    = "http"
	ActionTypeNone    = "none"
)

// Action is what level 1 does, once per incident.
type Action struct {
	// Type is what level 1 does once per incident: "railway" (restart the
	// latest deployment through Railway's public GraphQL API, deploymentRestart),
	// "command" (run a program, no shell), "http" (call a URL), or "none".
	// Default "": railway when Railway credentials are set (RAILWAY_TOKEN +
	// RAILWAY_SERVICE_ID + RAILWAY_ENVIRONMENT_ID, the same variables the
	// checks use — see config/checks_defaults.go), else none. Load resolves "" to the effective type.
	Type string `yaml:"type"`
	// Timeout bounds one run of the action.
	Timeout time.Duration `yaml:"timeout"`
	Railway ActionRailway `yaml:"railway"`
	// Command is the program and its arguments (argv), run without a
	// shell; required when Type is command.
	Command []string   `yaml:"command"`
	HTTP    ActionHTTP `yaml:"http"`
}

// ActionRailway restarts a Railway service's latest deployment.
type ActionRailway struct {
	// APIURL is Railway's public GraphQL endpoint.
	APIURL string `yaml:"api_url"`
	// TokenEnv names the environment variable holding the Railway API
	// token; Token is its value, read by Load (a secret).
	TokenEnv string `yaml:"token_env"`
	Token    string `yaml:"-"`
	// TokenKind is account, workspace, team or project; "" means account
	// (as RailwayCheck.TokenKind).
	TokenKind string `yaml:"token_kind"`
	// ServiceID and EnvironmentID default to RAILWAY_SERVICE_ID and
	// RAILWAY_ENVIRONMENT_ID when empty.
	ServiceID     string `yaml:"service_id"`
	EnvironmentID string `yaml:"environment_id"`
}

// ActionHTTP calls a URL.
type ActionHTTP struct {
	// URL is an absolute http or https URL; required when Type is http.
	URL    string `yaml:"url"`
	Method string `yaml:"method"`
	// Headers are sent as given; secret ones go in HeadersEnv.
	Headers map[string]string `yaml:"headers"`
	// HeadersEnv maps a header to the environment variable holding its
	// value (e.g. Authorization: RESTART_HOOK_AUTH), for secret headers;
	// SecretHeader holds the values, read by Load (secrets).
	HeadersEnv   map[string]string `yaml:"headers_env"`
	SecretHeader map[string]string `yaml:"-"`
	Body         string            `yaml:"body"`
}

// Defaults of the escalation section.
const (
	defaultReopenWindow    = 30 * time.Minute
	defaultSnooze          = time.Hour
	defaultEscalationTick  = 15 * time.Second
	defaultStormWindow     = 30 * time.Second
	defaultStormThreshold  = 3
	defaultActionTimeout   = 60 * time.Second
	defaultOutboxRetention = 7 * 24 * time.Hour
	defaultActionMethod    = "POST"
	// defaultRailwayAPIURL is checks/railway.DefaultURL, repeated because
	// config imports nothing of opsbot's.
	defaultRailwayAPIURL = "https://backboard.railway.com/graphql/v2"
)

// defaultEscalation returns the monitoring checklist's escalation matrix
// and the section's other defaults.
func defaultEscalation() Escalation {
	return Escalation{
		Levels: []EscalationLevel{
			{Name: "Automated response", After: 0},
			{Name: "Technical lead", After: 5 * time.Minute},
			{Name: "Senior architect + security officer", After: 30 * time.Minute},
			{Name: "Vendor support", After: 2 * time.Hour},
		},
		ReopenWindow:      defaultReopenWindow,
		ResolveOnRecovery: true,
		Snooze:            defaultSnooze,
		Tick:              defaultEscalationTick,
		Storm:             Storm{Window: defaultStormWindow, Threshold: defaultStormThreshold},
		Action: Action{
			Timeout: defaultActionTimeout,
			Railway: ActionRailway{APIURL: defaultRailwayAPIURL, TokenEnv: EnvRailwayToken},
			HTTP:    ActionHTTP{Method: defaultActionMethod},
		},
		OutboxRetention: defaultOutboxRetention,
	}
}

// resolve fills what Load derives from the environment: the Railway ids
// from RAILWAY_SERVICE_ID and RAILWAY_ENVIRONMENT_ID when the file leaves
// them empty, the effective action type when Type is "" (railway when the
// token, service id and environment id are all known, else none), and the
// secrets of the effective type only (the Railway token for railway, the
// secret headers for http).
func (e *Escalation) resolve(getenv func(string) (string, bool)) {
	get := func(name string) string {
		if name == "" {
			return ""
		}
		v, _ := getenv(name)
		return strings.TrimSpace(v)
	}
	a := &e.Action
	if a.Railway.ServiceID == "" {
		a.Railway.ServiceID = get(EnvRailwayServiceID)
	}
	if a.Railway.EnvironmentID == "" {
		a.Railway.EnvironmentID = get(EnvRailwayEnvironment)
	}
	token := get(a.Railway.TokenEnv)
	if a.Type == "" {
		a.Type = ActionTypeNone
		if token != "" && a.Railway.ServiceID != "" && a.Railway.EnvironmentID != "" {
			a.Type = ActionTypeRailway
		}
	}
	switch a.Type {
	case ActionTypeRailway:
		a.Railway.Token = token
	case ActionTypeHTTP:
		a.HTTP.SecretHeader = headerSecrets(a.HTTP.HeadersEnv, get)
	}
}

// secrets returns the section's secret values.
func (e *Escalation) secrets() []string {
	out := []string{e.Action.Railway.Token}
	for _, v := range e.Action.HTTP.SecretHeader {
		out = append(out, v)
	}
	return out
}
