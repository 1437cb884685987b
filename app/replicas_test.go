package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// replicaConfig is incidentConfig on a shared database, with a short lease.
func replicaConfig(t *testing.T, tg *telegramtest.Server, db *target, uri, database string) *config.Config {
	t.Helper()
	cfg := incidentConfig(t, tg, db)
	cfg.Storage.URI, cfg.Storage.Database = uri, database
	cfg.Storage.LeaseTTL = time.Second
	return cfg
}

// role is the role line of a replica's /readyz.
func role(t *testing.T, r *running) string {
	t.Helper()
	_, body := get(t, "http://"+r.app.HTTPAddr()+"/readyz")
	for line := range strings.SplitSeq(body, "\n") {
		if v, ok := strings.CutPrefix(line, "role: "); ok {
			return v
		}
	}
	t.Fatalf("/readyz without a role line: %q", body)
	return ""
}

func isLeader(t *testing.T, r *running) bool { return strings.HasPrefix(role(t, r), "leader") }

func conflicts(tg *telegramtest.Server) int {
	n := 0
	for _, c := range tg.CallsTo("getUpdates") {
		if c.Status == http.StatusConflict {
			n++
		}
	}
	return n
}

// Two replicas on one database: one leads (polls, checks, pages), the
// other stands by without polling; when the leader stops, the standby
// takes over, answers commands and pages nothing twice.
func TestTwoReplicasOneLeaderAndATakeover(t *testing.T) {
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	db := newTarget(t, 503, "UNHEALTHY - Critical functionality impaired")
	store, uri := storagetest.Shared(t)
	name := store.Database().Name()

	a := start(t, replicaConfig(t, tg, db, uri, name), app.Options{})
	card(t, tg, "INC-1", "db")
	b := start(t, replicaConfig(t, tg, db, uri, name), app.Options{})
	if !isLeader(t, a) || role(t, b) != "standby" {
		t.Fatalf("roles: a %q, b %q; want a leading and b standing by", role(t, a), role(t, b))
	}
	command(t, tg, opsChat, alice, "/help")

	if err := a.stop(); err != nil {
		t.Fatalf("the leader's Run returned %v", err)
	}
	tg.WaitFor(t, "b to take over", func() bool { return isLeader(t, b) })
	command(t, tg, opsChat, alice, "/status")

	cards := 0
	for _, m := range tg.Messages(opsChat.ID) {
		if m.From.ID == tg.BotUser().ID && m.ReplyTo == 0 && strings.Contains(m.Text, "INC-") {
			cards++
			if !strings.Contains(m.Text, "INC-1") {
				t.Errorf("a second incident after the takeover: %q", m.Text)
			}
		}
	}
	if cards != 1 {
		t.Errorf("%d cards; want the one of INC-1", cards)
	}
	if n := conflicts(tg); n != 0 {
		t.Errorf("%d getUpdates answered 409 Conflict: two replicas polled at once", n)
	}
}

// The database is unreachable while a check starts failing: the failure
// is paged at once, /readyz says why it is not ready, and once the
// database is back the incident is written and its card posted.
func TestAStoreOutagePagesDirectlyAndReadyzSaysWhy(t *testing.T) {
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	db := newTarget(t, 200, "HEALTHY")
	store, uri := storagetest.Shared(t)
	proxy := storagetest.NewProxy(t, uri)
	cfg := replicaConfig(t, tg, db, proxy.URI("serverSelectionTimeoutMS=500", "connectTimeoutMS=500", "heartbeatFrequencyMS=500"),
		store.Database().Name())
	r := start(t, cfg, app.Options{})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", r.logs)
		}
	})
	tg.WaitFor(t, "the leader's election", func() bool { return isLeader(t, r) })

	proxy.Cut()
	db.set(503, "UNHEALTHY - Critical functionality impaired")
	page := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "cannot reach its database")
	})
	mustContain(t, "the direct page", page.Text, "db", "db failing")
	code, body := get(t, "http://"+r.app.HTTPAddr()+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "storage: ") || !strings.Contains(body, "role: leader") {
		t.Fatalf("/readyz during the outage = %d %q; want 503 naming storage, still leading", code, body)
	}

	proxy.Restore()
	card(t, tg, "INC-1", "db")
	if code, body := get(t, "http://"+r.app.HTTPAddr()+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz after the outage = %d %q", code, body)
	}
}

// In webhook mode every replica takes updates: a command and a button
// press delivered to the standby are answered there, the change it makes
// reaches the card through the leader's outbox sender, and nobody polls.
func TestWebhookUpdatesAreTakenByEveryReplica(t *testing.T) {
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	db := newTarget(t, 503, "UNHEALTHY - Critical functionality impaired")
	store, uri := storagetest.Shared(t)
	hooked := func() *config.Config {
		cfg := replicaConfig(t, tg, db, uri, store.Database().Name())
		cfg.Telegram.WebhookURL, cfg.Telegram.WebhookSecret = "https://opsbot.example.com/telegram/webhook", "hook-secret-0123456789"
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	leader := start(t, hooked(), app.Options{})
	first := card(t, tg, "INC-1", "db")
	standby := start(t, hooked(), app.Options{})
	if role(t, standby) != "standby" {
		t.Fatalf("second replica: %q, want standby", role(t, standby))
	}
	endpoint := func(r *running) string { return "http://" + r.app.HTTPAddr() + "/telegram/webhook" }

	for _, r := range []*running{standby, leader} {
		sent := tg.SendText(opsChat, alice, "/help")
		if n := tg.Deliver(t, endpoint(r)); n != 1 {
			t.Fatalf("delivered %d updates; want 1", n)
		}
		tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ReplyTo == sent.ID })
	}

	q := tg.PressButton(bob, first, "inc:a:INC-1")
	if n := tg.Deliver(t, endpoint(standby)); n != 1 {
		t.Fatalf("delivered %d updates; want the press", n)
	}
	if text, _ := answered(t, tg, q); !strings.Contains(text, "INC-1") {
		t.Fatalf("the standby answered the press %q", text)
	}
	card(t, tg, "INC-1", "Acknowledged")
	if n := len(tg.CallsTo("getUpdates")); n != 0 {
		t.Errorf("%d getUpdates calls in webhook mode", n)
	}
}
