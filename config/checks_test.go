package config

import (
	"strings"
	"testing"
	"time"
)

func TestPrimaryBaseURLAloneGivesTheChecklistsDailyChecks(t *testing.T) {
	cfg, err := Load(fakeEnv(baseEnv(map[string]string{"PRIMARY_BASE_URL": "https://bot.example.org/"})))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cfg.Checks.List {
		got = append(got, c.Name+"="+c.Type())
	}
	if strings.Join(got, " ") != "health=http health-json=http healthcheck=http status-endpoint=http" {
		t.Fatalf("default checks: %v", got)
	}
	h := cfg.Checks.List[0].HTTP
	if h.URL != "https://bot.example.org/health" || !h.Verdict {
		t.Fatalf("health check %+v", h)
	}
	j := cfg.Checks.List[1].HTTP
	if j.URL != "https://bot.example.org/health/json" || len(j.JSONCrit) != 2 || len(j.JSONWarn) != 3 || j.MaxResponseTime != 5*time.Second {
		t.Fatalf("health-json check %+v", j)
	}
}

func TestPrimaryExtrasComeWithTheirVariables(t *testing.T) {
	cfg, err := Load(fakeEnv(baseEnv(map[string]string{
		"PRIMARY_BASE_URL":       "https://bot.example.org",
		"PRIMARY_BOT_TOKEN":      "999:monitored-bot-token",
		"PRIMARY_MONGODB_URI":    "mongodb://ops:pw@db.example.org/bot",
		"RAILWAY_TOKEN":          "rw-token",
		"RAILWAY_SERVICE_ID":     "svc",
		"RAILWAY_ENVIRONMENT_ID": "env",
	})))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]Check{}
	for _, c := range cfg.Checks.List {
		names[c.Name] = c
	}
	if names["telegram"].Telegram == nil || names["telegram"].Telegram.Token != "999:monitored-bot-token" {
		t.Fatalf("telegram check %+v", names["telegram"])
	}
	if names["mongodb"].MongoDB == nil || names["mongodb"].MongoDB.URI == "" || names["railway"].Railway.ServiceID != "svc" {
		t.Fatalf("checks %+v", names)
	}
	if _, ok := names["postgres"]; ok {
		t.Fatal("postgres check without PRIMARY_POSTGRES_URL")
	}
	secrets := strings.Join(cfg.Secrets(), " ")
	for _, s := range []string{"999:monitored-bot-token", "mongodb://ops:pw@db.example.org/bot", "rw-token"} {
		if !strings.Contains(secrets, s) {
			t.Errorf("Secrets() lacks %q", s)
		}
	}
}

func TestCheckListProblemsHaveTheirPaths(t *testing.T) {
	file := writeConfig(t, `
checks:
  list:
    - name: Bad Name
      http: {url: "ftp://x", expect_status: [99]}
    - name: dup
      tcp: {address: "nohost"}
    - name: dup
      telegram: {token_env: MISSING_TOKEN}
    - name: two
      http: {url: "https://a.example"}
      tcp: {address: "a.example:1"}
    - name: none
    - name: slow
      interval: 10s
      timeout: 30s
      postgres: {}
  rules:
    - name: r1
      severity: urgent
`)
	_, err := Load(fakeEnv(baseEnv(map[string]string{"OPSBOT_CONFIG": file})))
	wantProblems(t, err,
		`checks.rules[0].severity: "urgent" is not a severity`,
		`checks.rules[0].when: needs at least one condition`,
		`checks.list[0].name: "Bad Name" is not a check name`,
		`checks.list[0].http.url: "ftp://x" is not an absolute http(s) URL`,
		`checks.list[0].http.expect_status[0]: 99 is not an HTTP status`,
		`checks.list[1].tcp.address: "nohost" is not host:port`,
		`checks.list[2].name: "dup" is used twice (also checks.list[1])`,
		`checks.list[2].telegram.token_env: MISSING_TOKEN is not set`,
		`checks.list[3]: has http and tcp; a check has exactly one type`,
		`checks.list[4]: needs one type section`,
		`checks.list[5].timeout: 30s is longer than the interval 10s`,
		`checks.list[5].postgres.url_env: must name the environment variable`,
	)
}
