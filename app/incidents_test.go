package app_test

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/checks/railway/railwaytest"
	"github.com/opsbot/opsbot/config"
)

// incidentConfig monitors one failing target with a rule that fires on
// the first failure, and names people for levels 2 and 3.
func incidentConfig(t *testing.T, tg *telegramtest.Server, db *target) *config.Config {
	t.Helper()
	cfg := testConfig(t, tg, t.TempDir())
	cfg.Checks.List = []config.Check{{Name: "db", Interval: 5 * time.Second, Timeout: 2 * time.Second, HTTP: &config.HTTPCheck{URL: db.srv.URL + "/health", Verdict: true}}}
	cfg.Checks.Rules = []config.Rule{{Name: "db-down", Summary: "db failing", Severity: "critical", Checks: []string{"db"}, When: []string{"status >= crit"}}}
	cfg.Telegram.OpsThreadID = 77 // the ops group's incidents topic
	cfg.Escalation.Levels[1].Notify = []string{"@lead_person"}
	cfg.Escalation.Levels[2].Notify = []string{"@architect", "1002"}
	cfg.Auth.Admins = []int64{alice.ID}
	cfg.Auth.Operators = []int64{bob.ID}
	cfg.Auth.Viewers = []int64{mallory.ID}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// card waits for the bot's card of id whose text contains want.
func card(t *testing.T, tg *telegramtest.Server, id, want string) telegramtest.Message {
	t.Helper()
	return tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool {
		return m.From.ID == tg.BotUser().ID && strings.Contains(m.Text, id) && strings.Contains(m.Text, want)
	})
}

func answered(t *testing.T, tg *telegramtest.Server, q string) (string, bool) {
	t.Helper()
	var text string
	var alert bool
	tg.WaitFor(t, "answerCallbackQuery "+q, func() bool {
		var ok bool
		text, alert, ok = tg.Answered(q)
		return ok
	})
	return text, alert
}

func TestAFailurePagesACardAndItsButtonsWork(t *testing.T) {
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	db := newTarget(t, 503, "UNHEALTHY - Critical functionality impaired")
	start(t, incidentConfig(t, tg, db), app.Options{})

	first := card(t, tg, "INC-1", "db")
	if first.ThreadID != 77 {
		t.Errorf("card posted in thread %d, want the configured topic 77", first.ThreadID)
	}
	if _, ok := first.Button("inc:a:INC-1"); !ok {
		t.Fatalf("card without [Acknowledge]: %+v", first.ReplyMarkup)
	}
	for _, data := range []string{"inc:e:INC-1", "inc:r:INC-1", "inc:s:INC-1"} {
		if _, ok := first.Button(data); !ok {
			t.Errorf("card without button %s: %+v", data, first.ReplyMarkup)
		}
	}

	status := command(t, tg, opsChat, mallory, "/status")
	mustContain(t, "/status", status.Text, "incidents: 1 open, 1 not acknowledged; oldest <b>INC-1</b>")

	// A viewer cannot act: a show_alert refusal, and the card stays.
	q := tg.PressButton(mallory, first, "inc:a:INC-1")
	if text, alert := answered(t, tg, q); !alert || text == "" {
		t.Errorf("viewer's press answered %q alert=%v, want a show_alert refusal", text, alert)
	}

	// An operator escalates: the card shows L2 and a new message, a reply
	// to the card, rings level 2.
	q = tg.PressButton(bob, first, "inc:e:INC-1")
	if text, _ := answered(t, tg, q); !strings.Contains(text, "INC-1") {
		t.Errorf("escalate toast %q", text)
	}
	page := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ReplyTo == first.ID })
	mustContain(t, "L2 page", page.Text, "@lead_person", "INC-1")
	if page.ThreadID != 77 {
		t.Errorf("page posted in thread %d, want 77", page.ThreadID)
	}
	tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == first.ID && strings.Contains(m.Text, "L2") })

	// Snooze, then acknowledge: the card is edited in place each time.
	q = tg.PressButton(alice, first, "inc:s:INC-1")
	answered(t, tg, q)
	snoozed := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool {
		return m.ID == first.ID && strings.Contains(strings.ToLower(m.Text), "snoozed")
	})
	q = tg.PressButton(alice, snoozed, "inc:a:INC-1")
	answered(t, tg, q)
	acked := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool {
		return m.ID == first.ID && strings.Contains(m.Text, "@alice")
	})
	if _, ok := acked.Button("inc:a:INC-1"); ok {
		t.Errorf("an acknowledged card still offers [Acknowledge]: %+v", acked.ReplyMarkup)
	}

	// Two people resolve at once: one outcome, both told.
	qs := []string{tg.PressButton(alice, acked, "inc:r:INC-1"), tg.PressButton(bob, acked, "inc:r:INC-1")}
	var toasts []string
	for _, q := range qs {
		text, _ := answered(t, tg, q)
		toasts = append(toasts, text)
	}
	joined := strings.Join(toasts, " | ")
	if strings.Count(joined, "already resolved") != 1 {
		t.Errorf("toasts %q, want one resolution and one 'already resolved'", joined)
	}
	done := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool {
		return m.ID == first.ID && len(m.ReplyMarkup) == 0
	})
	mustContain(t, "resolved card", strings.ToLower(done.Text), "resolved")

	// The commands agree.
	list := command(t, tg, opsChat, alice, "/incidents")
	mustContain(t, "/incidents", list.Text, "No open incidents")
	status = command(t, tg, opsChat, mallory, "/status")
	mustContain(t, "/status after", status.Text, "✅ incidents: none open")
	show := command(t, tg, opsChat, mallory, "/incident INC-1")
	mustContain(t, "/incident", show.Text, "INC-1", "@bob", "@alice")
	unknown := command(t, tg, opsChat, alice, "/ack INC-99")
	mustContain(t, "/ack unknown", unknown.Text, "No incident INC-99")
	usage := command(t, tg, opsChat, alice, "/ack")
	mustContain(t, "/ack usage", usage.Text, "/ack")

	// Exactly one card and one page were posted.
	var posted int
	for _, m := range tg.Messages(opsChat.ID) {
		if m.From.ID == tg.BotUser().ID && m.ReplyTo == 0 && strings.Contains(m.Text, "INC-1") {
			posted++
		}
	}
	if posted != 1 {
		t.Errorf("%d cards posted for INC-1, want 1", posted)
	}
}

// With Railway credentials, level 1 restarts the service's latest
// deployment once, and the outcome shows on the card.
func TestLevelOneRestartsTheRailwayDeploymentOnce(t *testing.T) {
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	rw := railwaytest.New(t)
	rw.SetDeployments("svc-1", "env-1", railwaytest.Deployment{ID: "d-7f3c1a2b", Status: "CRASHED", CreatedAt: time.Now().Add(-time.Hour)})
	db := newTarget(t, 503, "UNHEALTHY")
	cfg := incidentConfig(t, tg, db)
	cfg.Escalation.Action.Type = config.ActionTypeRailway
	cfg.Escalation.Action.Railway.APIURL = rw.URL()
	cfg.Escalation.Action.Railway.Token = rw.Token()
	cfg.Escalation.Action.Railway.ServiceID = "svc-1"
	cfg.Escalation.Action.Railway.EnvironmentID = "env-1"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	start(t, cfg, app.Options{})

	edited := card(t, tg, "INC-1", "restarted Railway deployment")
	mustContain(t, "card after the restart", edited.Text, "restarted Railway deployment d-7f3c1a (was CRASHED)")
	if got := rw.Restarts(); len(got) != 1 || got[0] != "d-7f3c1a2b" {
		t.Errorf("restarts = %v, want exactly one of d-7f3c1a2b", got)
	}
	show := command(t, tg, opsChat, alice, "/incident INC-1")
	mustContain(t, "/incident", show.Text, "restart")
}

// A command or an HTTP call as level 1's action: run once, its outcome on
// the card.
func TestLevelOneCommandAndHTTPActions(t *testing.T) {
	var calls atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer hook-secret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte("restart queued"))
	}))
	t.Cleanup(hook.Close)
	echo, err := exec.LookPath("echo")
	if err != nil {
		t.Skip("no echo program")
	}
	for _, tc := range []struct {
		name   string
		set    func(*config.Action)
		expect string
	}{
		{"command", func(a *config.Action) {
			a.Type, a.Command = config.ActionTypeCommand, []string{echo, "service restarted"}
		}, "command succeeded: service restarted"},
		{"http", func(a *config.Action) {
			a.Type, a.HTTP.URL, a.HTTP.Method = config.ActionTypeHTTP, hook.URL+"/restart", "POST"
			a.HTTP.SecretHeader = map[string]string{"Authorization": "Bearer hook-secret"}
		}, "http succeeded: HTTP 200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := telegramtest.New(t)
			tg.AddChat(opsChat)
			cfg := incidentConfig(t, tg, newTarget(t, 503, "UNHEALTHY"))
			tc.set(&cfg.Escalation.Action)
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			start(t, cfg, app.Options{})
			edited := card(t, tg, "INC-1", "Action: ")
			tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == edited.ID && strings.Contains(m.Text, "succeeded") })
			final, _ := tg.Message(opsChat.ID, edited.ID)
			mustContain(t, tc.name+" action on the card", final.Text, tc.expect)
			if strings.Contains(final.Text, "hook-secret") {
				t.Errorf("the card shows the secret header: %s", final.Text)
			}
		})
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the HTTP action was called %d times, want once", n)
	}
}
