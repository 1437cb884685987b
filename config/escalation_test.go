package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestEscalationDefaultsAreTheChecklistsMatrix(t *testing.T) {
	want := Escalation{
		Levels: []EscalationLevel{
			{Name: "Automated response", After: 0},
			{Name: "Technical lead", After: 5 * time.Minute},
			{Name: "Senior architect + security officer", After: 30 * time.Minute},
			{Name: "Vendor support", After: 2 * time.Hour},
		},
		ReopenWindow:      30 * time.Minute,
		ResolveOnRecovery: true,
		Snooze:            time.Hour,
		Tick:              15 * time.Second,
		Storm:             Storm{Window: 30 * time.Second, Threshold: 3},
		Action: Action{
			Type:    "",
			Timeout: 60 * time.Second,
			Railway: ActionRailway{APIURL: "https://backboard.railway.com/graphql/v2", TokenEnv: "RAILWAY_TOKEN"},
			HTTP:    ActionHTTP{Method: "POST"},
		},
		OutboxRetention: 168 * time.Hour,
	}
	if got := Default().Escalation; !reflect.DeepEqual(got, want) {
		t.Errorf("Default().Escalation =\n%+v\nwant\n%+v", got, want)
	}
	// Default hands out fresh slices: changing one Config's matrix must not
	// change the next one's.
	Default().Escalation.Levels[1].Name = "changed"
	if Default().Escalation.Levels[1].Name != "Technical lead" {
		t.Error("Default shares the levels slice between calls")
	}
	if err := validConfig().Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}

// fullEscalationYAML sets every escalation key to a value other than its
// default.
const fullEscalationYAML = `
escalation:
  levels:
    - name: Bot restarts itself
      notify: ["@oncall_bot"]
      after: 0s
    - name: On-call engineer
      notify: ["@alice_ops", 123456789, "987654321"]
      after: 2m
    - name: Everyone
      notify: ["@Bob_the_lead"]
      after: 1h
  reopen_window: 0s
  resolve_on_recovery: false
  snooze: 4h
  tick: 2s
  storm:
    window: 1m
    threshold: 0
  action:
    type: http
    timeout: 5s
    railway:
      api_url: http://railway.internal/graphql
      token_env: RW_DEPLOY_TOKEN
      token_kind: project
      service_id: svc-from-yaml
      environment_id: env-from-yaml
    command: ["/usr/local/bin/restart", "--service", "api"]
    http:
      url: https://hooks.example.org/restart?service=api
      method: PUT
      headers: {Content-Type: application/json}
      headers_env: {Authorization: RESTART_HOOK_AUTH}
      body: '{"reason": "opsbot"}'
  outbox_retention: 720h
`

func TestEscalationYAMLRoundTrip(t *testing.T) {
	env := map[string]string{
		"RESTART_HOOK_AUTH":      "Bearer hook-secret-1",
		"RW_DEPLOY_TOKEN":        "rw-secret-2",
		"RAILWAY_SERVICE_ID":     "svc-from-env",
		"RAILWAY_ENVIRONMENT_ID": "env-from-env",
	}
	cfg, err, _ := loadYAML(t, fullEscalationYAML, env)
	if err != nil {
		t.Fatal(err)
	}
	want := Escalation{
		Levels: []EscalationLevel{
			{Name: "Bot restarts itself", Notify: []string{"@oncall_bot"}, After: 0},
			{Name: "On-call engineer", Notify: []string{"@alice_ops", "123456789", "987654321"}, After: 2 * time.Minute},
			{Name: "Everyone", Notify: []string{"@Bob_the_lead"}, After: time.Hour},
		},
		ReopenWindow:      0,
		ResolveOnRecovery: false,
		Snooze:            4 * time.Hour,
		Tick:              2 * time.Second,
		Storm:             Storm{Window: time.Minute, Threshold: 0},
		Action: Action{
			Type:    ActionTypeHTTP,
			Timeout: 5 * time.Second,
			// The file's ids win over RAILWAY_*; the token is not read
			// because the action is not railway.
			Railway: ActionRailway{APIURL: "http://railway.internal/graphql", TokenEnv: "RW_DEPLOY_TOKEN", TokenKind: "project",
				ServiceID: "svc-from-yaml", EnvironmentID: "env-from-yaml"},
			Command: []string{"/usr/local/bin/restart", "--service", "api"},
			HTTP: ActionHTTP{
				URL:          "https://hooks.example.org/restart?service=api",
				Method:       "PUT",
				Headers:      map[string]string{"Content-Type": "application/json"},
				HeadersEnv:   map[string]string{"Authorization": "RESTART_HOOK_AUTH"},
				SecretHeader: map[string]string{"Authorization": "Bearer hook-secret-1"},
				Body:         `{"reason": "opsbot"}`,
			},
		},
		OutboxRetention: 720 * time.Hour,
	}
	if !reflect.DeepEqual(cfg.Escalation, want) {
		t.Fatalf("escalation =\n%+v\nwant\n%+v", cfg.Escalation, want)
	}

	// Written back out as YAML (secrets are yaml:"-") and loaded again, it
	// is the same section.
	out, err := yaml.Marshal(map[string]any{"escalation": cfg.Escalation})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "hook-secret-1") {
		t.Fatalf("marshalled YAML holds a secret:\n%s", out)
	}
	again, err, _ := loadYAML(t, string(out), env)
	if err != nil {
		t.Fatalf("marshalled YAML does not load: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(again.Escalation, want) {
		t.Errorf("after a round trip through\n%s\nescalation =\n%+v\nwant\n%+v", out, again.Escalation, want)
	}
}

func TestEscalationLevelsFromYAMLReplaceTheDefaults(t *testing.T) {
	t.Run("a shorter list", func(t *testing.T) {
		cfg, err, _ := loadYAML(t, `
escalation:
  levels:
    - name: Restart
    - name: Lead
      notify: ["@lead_person"]
      after: 10m
`, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []EscalationLevel{
			{Name: "Restart"},
			{Name: "Lead", Notify: []string{"@lead_person"}, After: 10 * time.Minute},
		}
		if !reflect.DeepEqual(cfg.Escalation.Levels, want) {
			t.Errorf("levels = %+v, want %+v (no default level may survive or merge in)", cfg.Escalation.Levels, want)
		}
	})
	t.Run("a level without after does not inherit the default's", func(t *testing.T) {
		// Level 2 of the defaults is after 5m; a level 2 written without
		// after is 0, which is not later than level 1.
		_, err, _ := loadYAML(t, "escalation:\n  levels:\n    - name: a\n    - name: b\n", nil)
		wantProblems(t, err, "escalation.levels[1].after: 0s must be later than level 1's 0s")
	})
	t.Run("an empty key keeps the defaults", func(t *testing.T) {
		cfg, err, _ := loadYAML(t, "escalation:\n  levels:\n  snooze: 2h\n", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(cfg.Escalation.Levels, Default().Escalation.Levels) || cfg.Escalation.Snooze != 2*time.Hour {
			t.Errorf("escalation = %+v", cfg.Escalation)
		}
	})
	t.Run("an empty list is no levels", func(t *testing.T) {
		_, err, _ := loadYAML(t, "escalation:\n  levels: []\n", nil)
		wantProblems(t, err, "escalation.levels: needs 1 to 4 levels, level 1 first, got 0")
	})
}

func TestEscalationProblemsHaveTheirPaths(t *testing.T) {
	_, err, _ := loadYAML(t, `
escalation:
  levels:
    - name: ""
      after: 1m
    - name: Lead
      notify: ["@alice_ops", "@ALICE_OPS", "0", "-1001234567890"]
      after: 30s
    - name: `+strings.Repeat("x", 65)+`
      notify: ["bob", "@abc", "@has-dash", "99999999999999999999"]
      after: 30s
    - name: Boss
      after: -1m
    - name: Fifth
      after: 3h
  reopen_window: -1s
  snooze: 169h
  tick: 500ms
  storm: {window: -1s, threshold: -2}
  action:
    type: restart
    timeout: 0s
  outbox_retention: 23h
`, nil)
	wantProblems(t, err,
		"escalation.levels: needs 1 to 4 levels, level 1 first, got 5",
		`escalation.levels[0].name: must be set, like "Technical lead"`,
		"escalation.levels[0].after: must be 0 for level 1 (it acts as soon as the incident opens), got 1m",
		`escalation.levels[1].notify[1]: "@ALICE_OPS" is listed twice (also escalation.levels[1].notify[0])`,
		`escalation.levels[1].notify[2]: "0" is not a Telegram user id`,
		`escalation.levels[1].notify[3]: "-1001234567890" looks like a chat id`,
		"escalation.levels[1].after: 30s must be later than level 1's 1m (each level starts after the one before)",
		"escalation.levels[2].name: ",
		`escalation.levels[2].notify[0]: "bob" is neither an @username (5-32 letters, digits or _) nor a numeric Telegram user id`,
		`escalation.levels[2].notify[1]: "@abc" is neither an @username`,
		`escalation.levels[2].notify[2]: "@has-dash" is neither an @username`,
		`escalation.levels[2].notify[3]: "99999999999999999999" is not a Telegram user id`,
		"escalation.levels[2].after: 30s must be later than level 2's 30s",
		"escalation.levels[3].after: must not be negative, got -1m",
		"escalation.reopen_window: must be at least 0s, got -1s; 0 means never reopen",
		"escalation.snooze: must be above 0 and at most 168h (7 days), got 169h",
		"escalation.tick: must be at least 1s, got 500ms",
		"escalation.storm.window: must be at least 0s, got -1s",
		"escalation.storm.threshold: must be 0 or more (0 or 1 turns grouping off), got -2",
		`escalation.action.type: "restart" is not an action type (allowed: railway, command, http, none; or leave it empty for railway when RAILWAY_TOKEN, RAILWAY_SERVICE_ID and RAILWAY_ENVIRONMENT_ID are set, else none)`,
		"escalation.action.timeout: must be above 0, got 0s",
		"escalation.outbox_retention: must be at least 24h, got 23h",
	)
	if p := problemsOf(t, err)[7]; !strings.Contains(p.Message, "is 65 characters; at most 64") {
		t.Errorf("long name: %s", p)
	}
}

func TestEscalationActionProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want []string
	}{
		{"railway without credentials names the variables", `
escalation:
  action:
    type: railway
    railway: {api_url: "ftp://x", token_kind: personal}
`, nil, []string{
			`escalation.action.railway.api_url: "ftp://x" is not an absolute http(s) URL`,
			"escalation.action.railway.token_env: RAILWAY_TOKEN is not set",
			`escalation.action.railway.token_kind: "personal" is not a token kind (allowed: account, workspace, team, project)`,
			"escalation.action.railway.service_id: must be set, here or in RAILWAY_SERVICE_ID",
			"escalation.action.railway.environment_id: must be set, here or in RAILWAY_ENVIRONMENT_ID",
		}},
		{"railway with a custom variable that is unset", `
escalation:
  action:
    type: railway
    railway: {token_env: MY_RW_TOKEN}
`, map[string]string{"RAILWAY_TOKEN": "not-this-one", "RAILWAY_SERVICE_ID": "s", "RAILWAY_ENVIRONMENT_ID": "e"}, []string{
			"escalation.action.railway.token_env: MY_RW_TOKEN is not set",
		}},
		{"railway with no variable named", `
escalation:
  action:
    type: railway
    railway: {token_env: "", service_id: s, environment_id: e}
`, nil, []string{
			"escalation.action.railway.token_env: must name the environment variable that holds the Railway API token (default RAILWAY_TOKEN)",
		}},
		{"command without argv", "escalation:\n  action:\n    type: command\n", nil, []string{
			"escalation.action.command: must be set when type is command",
		}},
		{"command with an empty program", "escalation:\n  action:\n    type: command\n    command: [\"\", \"--force\"]\n", nil, []string{
			"escalation.action.command[0]: must name the program to run",
		}},
		{"http without a url", "escalation:\n  action:\n    type: http\n", nil, []string{
			"escalation.action.http.url: must be set when type is http",
		}},
		{"http details", `
escalation:
  action:
    type: http
    http:
      url: "ftp://user:pw@hooks.example.org/x?key=k"
      method: post
      headers: {"Bad Header": x, X-Ok: "a"}
      headers_env: {Authorization: HOOK_AUTH, X-Ok: OTHER, X-Empty: ""}
`, nil, []string{
			`escalation.action.http.url: "ftp://hooks.example.org/x" is not an absolute http(s) URL`,
			`escalation.action.http.method: "post" is not an HTTP method`,
			`escalation.action.http.headers.Bad Header: "Bad Header" is not a header name`,
			"escalation.action.http.headers_env.Authorization: HOOK_AUTH is not set",
			"escalation.action.http.headers_env.X-Empty: must name the environment variable",
			"escalation.action.http.headers_env.X-Ok: is also in headers",
		}},
		{"the other types' sections are not checked", `
escalation:
  action:
    type: none
    railway: {api_url: "nope", token_kind: nope}
    http: {url: "nope", method: nope, headers_env: {A: UNSET_VAR}}
`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err, _ := loadYAML(t, tt.yaml, tt.env)
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

func TestEscalationActionTypeResolution(t *testing.T) {
	railwayEnv := map[string]string{
		"RAILWAY_TOKEN":          "rw-token-value",
		"RAILWAY_SERVICE_ID":     "svc-1",
		"RAILWAY_ENVIRONMENT_ID": "env-1",
	}
	without := func(name string) map[string]string {
		m := map[string]string{}
		for k, v := range railwayEnv {
			if k != name {
				m[k] = v
			}
		}
		return m
	}
	tests := []struct {
		name                 string
		yaml                 string
		env                  map[string]string
		wantType, wantToken  string
		wantService, wantEnv string
	}{
		{"no Railway variables", "", nil, ActionTypeNone, "", "", ""},
		{"all three Railway variables", "", railwayEnv, ActionTypeRailway, "rw-token-value", "svc-1", "env-1"},
		{"no token", "", without("RAILWAY_TOKEN"), ActionTypeNone, "", "svc-1", "env-1"},
		{"no service id", "", without("RAILWAY_SERVICE_ID"), ActionTypeNone, "", "", "env-1"},
		{"no environment id", "", without("RAILWAY_ENVIRONMENT_ID"), ActionTypeNone, "", "svc-1", ""},
		{"blank counts as unset", "", map[string]string{"RAILWAY_TOKEN": "  \n", "RAILWAY_SERVICE_ID": "svc-1", "RAILWAY_ENVIRONMENT_ID": "env-1"},
			ActionTypeNone, "", "svc-1", "env-1"},
		{"values are trimmed", "", map[string]string{"RAILWAY_TOKEN": "rw-token-value\n", "RAILWAY_SERVICE_ID": " svc-1 ", "RAILWAY_ENVIRONMENT_ID": "env-1\n"},
			ActionTypeRailway, "rw-token-value", "svc-1", "env-1"},
		{"ids from the file and the token from another variable",
			"escalation:\n  action:\n    railway: {token_env: DEPLOY_TOKEN, service_id: svc-y, environment_id: env-y}\n",
			map[string]string{"DEPLOY_TOKEN": "deploy-token-value", "RAILWAY_SERVICE_ID": "svc-1"},
			ActionTypeRailway, "deploy-token-value", "svc-y", "env-y"},
		{"an explicit none wins over the credentials", "escalation:\n  action:\n    type: none\n", railwayEnv,
			ActionTypeNone, "", "svc-1", "env-1"},
		{"an explicit command wins over the credentials", "escalation:\n  action:\n    type: command\n    command: [/bin/true]\n", railwayEnv,
			ActionTypeCommand, "", "svc-1", "env-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err, _ := loadYAML(t, tt.yaml, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			a := cfg.Escalation.Action
			if a.Type != tt.wantType || a.Railway.Token != tt.wantToken ||
				a.Railway.ServiceID != tt.wantService || a.Railway.EnvironmentID != tt.wantEnv {
				t.Errorf("action: type %q token %q service %q environment %q; want %q %q %q %q",
					a.Type, a.Railway.Token, a.Railway.ServiceID, a.Railway.EnvironmentID,
					tt.wantType, tt.wantToken, tt.wantService, tt.wantEnv)
			}
		})
	}
}

func TestEscalationSecrets(t *testing.T) {
	const (
		railwaySecret = "rw-s3cr3t-token-value"
		headerSecret  = "Bearer h3ader-s3cr3t-value"
	)
	t.Run("railway token", func(t *testing.T) {
		cfg, err, _ := loadYAML(t, "escalation:\n  action:\n    railway: {token_env: DEPLOY_TOKEN}\n", map[string]string{
			"DEPLOY_TOKEN": railwaySecret, "RAILWAY_SERVICE_ID": "s", "RAILWAY_ENVIRONMENT_ID": "e",
		})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Escalation.Action.Railway.Token != railwaySecret {
			t.Fatalf("token = %q", cfg.Escalation.Action.Railway.Token)
		}
		if !slices.Contains(cfg.Secrets(), railwaySecret) {
			t.Errorf("Secrets() = %q lacks the Railway token", cfg.Secrets())
		}
		r := cfg.Redacted()
		if r.Escalation.Action.Railway.Token != "[redacted]" || cfg.Escalation.Action.Railway.Token != railwaySecret {
			t.Errorf("Redacted token %q, original %q", r.Escalation.Action.Railway.Token, cfg.Escalation.Action.Railway.Token)
		}
	})
	t.Run("secret headers", func(t *testing.T) {
		cfg, err, _ := loadYAML(t, `
escalation:
  action:
    type: http
    http:
      url: https://hooks.example.org/restart
      headers_env: {Authorization: HOOK_AUTH, X-Other: HOOK_OTHER}
`, map[string]string{"HOOK_AUTH": headerSecret + "\n", "HOOK_OTHER": "other-s3cr3t"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"Authorization": headerSecret, "X-Other": "other-s3cr3t"}
		if got := cfg.Escalation.Action.HTTP.SecretHeader; !reflect.DeepEqual(got, want) {
			t.Fatalf("SecretHeader = %q, want %q", got, want)
		}
		for _, s := range want {
			if !slices.Contains(cfg.Secrets(), s) {
				t.Errorf("Secrets() = %q lacks %q", cfg.Secrets(), s)
			}
		}
		r := cfg.Redacted()
		if r.Escalation.Action.HTTP.SecretHeader["Authorization"] != "[redacted]" ||
			cfg.Escalation.Action.HTTP.SecretHeader["Authorization"] != headerSecret {
			t.Errorf("Redacted headers %q, original %q", r.Escalation.Action.HTTP.SecretHeader, cfg.Escalation.Action.HTTP.SecretHeader)
		}
	})
	t.Run("secrets of an unused type are not read", func(t *testing.T) {
		cfg, err, _ := loadYAML(t, "escalation:\n  action:\n    type: none\n    http: {headers_env: {Authorization: HOOK_AUTH}}\n",
			map[string]string{"HOOK_AUTH": headerSecret, "RAILWAY_TOKEN": railwaySecret})
		if err != nil {
			t.Fatal(err)
		}
		if a := cfg.Escalation.Action; a.Railway.Token != "" || a.HTTP.SecretHeader != nil {
			t.Errorf("unused secrets were read: %+v", a)
		}
	})

	problems := []struct {
		name string
		yaml string
		env  map[string]string
		want []string
	}{
		{"token in the file", "escalation:\n  action:\n    railway:\n      token: " + railwaySecret + "\n", nil, []string{
			"escalation.action.railway.token: secrets are read from the environment only: put the name of the variable that holds it in escalation.action.railway.token_env and remove this key from the file",
		}},
		{"bad token kind next to a token", "escalation:\n  action:\n    type: railway\n    railway: {token_kind: personal}\n",
			map[string]string{"RAILWAY_TOKEN": railwaySecret, "RAILWAY_SERVICE_ID": "s", "RAILWAY_ENVIRONMENT_ID": "e"}, []string{
				`escalation.action.railway.token_kind: "personal" is not a token kind (allowed: account, workspace, team, project)`,
			}},
		{"secret header with a line break", "escalation:\n  action:\n    type: http\n    http: {url: \"https://h.example.org\", headers_env: {Authorization: HOOK_AUTH}}\n",
			map[string]string{"HOOK_AUTH": "Bearer\n" + headerSecret}, []string{
				"escalation.action.http.headers_env.Authorization: HOOK_AUTH holds a line break, which a header cannot carry (the value is not shown because it is a secret)",
			}},
		{"secret in the url", "escalation:\n  action:\n    type: http\n    http: {url: \"ftp://u:" + railwaySecret + "@h.example.org/?k=" + railwaySecret + "\"}\n", nil, []string{
			`escalation.action.http.url: "ftp://h.example.org/" is not an absolute http(s) URL`,
		}},
	}
	for _, tt := range problems {
		t.Run(tt.name, func(t *testing.T) {
			_, err, _ := loadYAML(t, tt.yaml, tt.env)
			wantProblems(t, err, tt.want...)
			if strings.Contains(err.Error(), railwaySecret) || strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("a problem repeats a secret: %v", err)
			}
		})
	}
}

func TestEscalationUnknownKeys(t *testing.T) {
	_, err, _ := loadYAML(t, `
escalation:
  level: []
  storm: {treshold: 2}
  action:
    railway: {servce_id: x}
`, nil)
	wantProblems(t, err,
		"escalation.level: unknown key (allowed: levels, reopen_window, resolve_on_recovery, snooze, tick, storm, action, outbox_retention); did you mean levels?",
		"escalation.storm.treshold: unknown key (allowed: window, threshold); did you mean threshold?",
		"escalation.action.railway.servce_id: unknown key (allowed: api_url, token_env, token_kind, service_id, environment_id); did you mean service_id?",
	)
}
