package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/config"
)

// target is a monitored service whose /health answer the test sets.
type target struct {
	mu     sync.Mutex
	status int
	body   string
	srv    *httptest.Server
}

func newTarget(t *testing.T, status int, body string) *target {
	tg := &target{status: status, body: body}
	tg.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		tg.mu.Lock()
		defer tg.mu.Unlock()
		w.WriteHeader(tg.status)
		_, _ = w.Write([]byte(tg.body))
	}))
	t.Cleanup(tg.srv.Close)
	return tg
}

func (tg *target) set(status int, body string) {
	tg.mu.Lock()
	tg.status, tg.body = status, body
	tg.mu.Unlock()
}

func TestHealthRunsTheChecksAndReRunsFromItsButton(t *testing.T) {
	tg := telegramtest.New(t)
	api := newTarget(t, 200, "HEALTHY")
	db := newTarget(t, 503, "UNHEALTHY - Critical functionality impaired")
	cfg := testConfig(t, tg, t.TempDir())
	cfg.Checks.List = []config.Check{
		{Name: "api", Group: "primary", HTTP: &config.HTTPCheck{URL: api.srv.URL + "/health", Verdict: true}},
		{Name: "db", Group: "primary", HTTP: &config.HTTPCheck{URL: db.srv.URL + "/health", Verdict: true}},
		{Name: "lonely", HTTP: &config.HTTPCheck{URL: api.srv.URL + "/health"}},
	}
	cfg.Checks.HostInterval = 0 // both targets are on 127.0.0.1
	cfg.Checks.Rules = []config.Rule{{Name: "db-down", Summary: "db failing", Severity: "critical", Checks: []string{"db"}, When: []string{"status >= crit"}}}
	var mu sync.Mutex
	var transitions []checks.Transition
	sink := checks.TransitionFunc(func(_ context.Context, tr checks.Transition) {
		mu.Lock()
		transitions = append(transitions, tr)
		mu.Unlock()
	})
	start(t, cfg, app.Options{Transitions: sink})

	asked := tg.SendText(opsChat, alice, "/health primary")
	msg := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool {
		return m.ReplyTo == asked.ID && strings.Contains(m.Text, "UNHEALTHY")
	})
	if msg.EditCount != 1 {
		t.Fatalf("the 'running' message was not edited into the result (edits %d)", msg.EditCount)
	}
	mustContain(t, "/health primary", msg.Text,
		"🔴 <b>UNHEALTHY - Critical functionality impaired</b> — 1 of 2 checks ok",
		"✅ <b>api</b> — HTTP 200 in",
		"🔴 <b>db</b> — HTTP 503 (want 200): UNHEALTHY - Critical functionality impaired",
	)
	if strings.Contains(msg.Text, "lonely") {
		t.Fatalf("a check outside the group ran:\n%s", msg.Text)
	}

	// The failure fired the rule (it has no hold), and /status shows it.
	status := command(t, tg, opsChat, alice, "/status")
	mustContain(t, "/status", status.Text, "✅ storage: ok", "✅ telegram: ok", "🚨 alert <b>db-down</b> on db: firing",
		"<b>Checks (3)</b>", "<b>db</b> — 0s ago: HTTP 503", "<b>lonely</b> — ")
	mu.Lock()
	if len(transitions) != 1 || transitions[0].Kind != checks.Fired || transitions[0].Check != "db" || transitions[0].Rule.Severity != checks.SeverityCritical {
		t.Fatalf("transitions %+v", transitions)
	}
	mu.Unlock()

	// The database recovers; [Re-run] edits the same message.
	db.set(200, "HEALTHY")
	q := tg.PressButton(bob, msg, "health:primary")
	again := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool {
		return m.ID == msg.ID && strings.Contains(m.Text, "<b>HEALTHY</b>")
	})
	mustContain(t, "re-run", again.Text, "2 of 2 checks ok")
	if text, _, _ := tg.Answered(q); text != "Checks run again." {
		t.Fatalf("toast %q", text)
	}

	// A degraded service is DEGRADED, in the checklist's words.
	api.set(200, "DEGRADED - Core functionality operational")
	reply := command(t, tg, opsChat, alice, "/health api")
	tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool {
		return m.ID == reply.ID && strings.Contains(m.Text, "⚠️ <b>DEGRADED - Core functionality operational</b> — 0 of 1 checks ok")
	})

	// Unknown names list what there is.
	reply = command(t, tg, opsChat, alice, "/health nosuch")
	final := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == reply.ID && m.EditCount == 1 })
	mustContain(t, "/health nosuch", final.Text, "No check or group called <code>nosuch</code>", "Checks: api, db, lonely", "Groups: primary")

	mu.Lock()
	defer mu.Unlock()
	if len(transitions) != 2 || transitions[1].Kind != checks.Resolved || transitions[1].Check != "db" {
		t.Fatalf("transitions %+v", transitions)
	}
	status = command(t, tg, opsChat, alice, "/status")
	mustContain(t, "/status after recovery", status.Text, "✅ alerts: none firing or pending")
}

func TestABadCheckStopsOpsbotBeforeItConnects(t *testing.T) {
	tg := telegramtest.New(t)
	cfg := testConfig(t, tg, t.TempDir())
	cfg.Checks.List = []config.Check{{Name: "api", HTTP: &config.HTTPCheck{URL: "https://x.example/health", JSONCrit: []string{"status = ok"}}}}
	cfg.Checks.Rules = []config.Rule{{Name: "r", Severity: "warning", When: []string{"latency > fast"}}}
	err := app.New(cfg, app.Options{}).Run(context.Background())
	var bad *config.Error
	if !asConfigError(err, &bad) || len(bad.Problems) != 2 {
		t.Fatalf("Run = %v", err)
	}
	mustContain(t, "problems", bad.Error(), "checks.list[0].http: ", "use == to compare", "checks.rules[0].when[0]: ")
	if n := len(tg.Calls()); n != 0 {
		t.Fatalf("Telegram was contacted %d times", n)
	}
}
