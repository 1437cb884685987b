package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/commands"
)

func TestStartAndHelpInTheOpsGroup(t *testing.T) {
	tg := telegramtest.New(t)
	start(t, testConfig(t, tg, t.TempDir()), app.Options{})

	reply := command(t, tg, opsChat, alice, "/start")
	mustContain(t, "/start", reply.Text, "opsbot", "Your role: <b>admin</b>", "/help")
	if reply.ParseMode != "HTML" {
		t.Fatalf("parse mode %q", reply.ParseMode)
	}

	for _, text := range []string{"/help", "/help@" + tg.BotUser().Username, "/HELP@" + strings.ToUpper(tg.BotUser().Username)} {
		reply = command(t, tg, opsChat, alice, text)
		mustContain(t, text, reply.Text, "opsbot commands", "/start", "/whoami", "/audit [1-50]")
	}

	// In a forum topic the reply stays in the topic.
	sent := tg.SendTextInTopic(opsChat, 77, bob, "/help whoami")
	inTopic := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ReplyTo == sent.ID })
	if inTopic.ThreadID != 77 {
		t.Fatalf("reply in thread %d, want 77", inTopic.ThreadID)
	}
	mustContain(t, "/help whoami", inTopic.Text, "<code>/whoami</code>")

	// The command menu is registered with Telegram.
	var names []string
	for _, c := range tg.Commands() {
		names = append(names, c.Command)
	}
	if got := strings.Join(names, ","); got != "start,help,health,status,logs,incidents,incident,ack,resolve,escalate,oncall,silence,report,maint,checklist,whoami,audit" {
		t.Fatalf("setMyCommands got %s", got)
	}
}

func TestCommandsNotForUsAreLeftAlone(t *testing.T) {
	tg := telegramtest.New(t)
	start(t, testConfig(t, tg, t.TempDir()), app.Options{})

	other := tg.SendText(opsChat, alice, "/help@PrimaryBot")
	unknown := tg.SendText(opsChat, alice, "/restart") // another bot's command, no mention
	notFirst := tg.SendText(opsChat, alice, "please run /help")
	// Workers is 1: once this is answered, the three above have been handled.
	reply := command(t, tg, opsChat, alice, "/nosuch@"+tg.BotUser().Username)
	mustContain(t, "unknown command addressed to us", reply.Text, "Unknown command /nosuch", "/help")
	for _, m := range []telegramtest.Message{other, unknown, notFirst} {
		if r := repliesTo(tg, opsChat.ID, m.ID); len(r) != 0 {
			t.Fatalf("%q was answered: %q", m.Text, r[0].Text)
		}
	}
}

func TestUnknownUsersAreRefusedAndAudited(t *testing.T) {
	tg := telegramtest.New(t)
	cfg := testConfig(t, tg, t.TempDir())
	cfg.Auth.Admins = []int64{alice.ID}
	cfg.Auth.Operators = []int64{bob.ID}
	start(t, cfg, app.Options{})

	// Mallory has no role: a viewer in the ops group, refused an admin command.
	reply := command(t, tg, opsChat, mallory, "/audit")
	mustContain(t, "mallory /audit", reply.Text, "needs the admin role; you are a viewer")
	// A viewer may still read.
	command(t, tg, opsChat, mallory, "/whoami")

	// Outside the allowed chats, and in private without a role: silence.
	foreign := tg.SendText(elseChat, alice, "/help")
	dm := telegramtest.Chat{ID: mallory.ID, Type: telegramtest.ChatPrivate, Title: "Mallory"}
	private := tg.SendText(dm, mallory, "/help")

	// Alice (admin) reads the audit log; with one worker it is written by now.
	log := command(t, tg, opsChat, alice, "/audit 20")
	mustContain(t, "audit log", log.Text,
		"mallory <code>command audit</code> → denied (needs admin)",
		"mallory <code>command whoami</code> → ok",
		"alice <code>command help</code> → denied (chat not allowed)",
		"mallory <code>command help</code> → denied (private chat from a user without a role)",
	)
	if r := repliesTo(tg, elseChat.ID, foreign.ID); len(r) != 0 {
		t.Fatalf("answered in a chat that is not allowed: %q", r[0].Text)
	}
	for _, m := range tg.Messages(dm.ID) {
		if m.From.ID == tg.BotUser().ID {
			t.Fatalf("answered a private message from a user without a role: %q (to %d)", m.Text, private.ID)
		}
	}

	// A user with a role may use opsbot in private.
	aliceDM := telegramtest.Chat{ID: alice.ID, Type: telegramtest.ChatPrivate, Title: "Alice"}
	tg.SendText(aliceDM, alice, "/whoami")
	got := tg.WaitMessage(t, aliceDM.ID, func(m telegramtest.Message) bool { return m.From.ID == tg.BotUser().ID })
	mustContain(t, "alice in private", got.Text, "<b>admin</b>")
}

func TestAPanickingHandlerIsSurvived(t *testing.T) {
	tg := telegramtest.New(t)
	boom := commands.Command{
		Name: "boom", Description: "Panics", Usage: "/boom", MinRole: commands.RoleViewer,
		Handle: func(context.Context, commands.Request) (commands.Reply, error) {
			var m map[string]int
			m["x"]++ // a real nil-map panic
			return commands.Reply{}, nil
		},
	}
	r := start(t, testConfig(t, tg, t.TempDir()), app.Options{ExtraCommands: []commands.Command{boom}})

	reply := command(t, tg, opsChat, alice, "/boom")
	mustContain(t, "/boom", reply.Text, "Internal error while running /boom")
	if strings.Contains(reply.Text, "nil map") || strings.Contains(reply.Text, "goroutine") {
		t.Fatalf("panic details reached the chat: %q", reply.Text)
	}
	mustContain(t, "logs", r.logs.String(), "handler panicked", "assignment to entry in nil map", "e2e_test.go")

	// Still alive, and the panic is audited.
	log := command(t, tg, opsChat, alice, "/audit")
	mustContain(t, "audit", log.Text, "<code>command boom</code> → panic")
}

func TestWrongArgumentsGetTheUsageLine(t *testing.T) {
	tg := telegramtest.New(t)
	start(t, testConfig(t, tg, t.TempDir()), app.Options{})
	reply := command(t, tg, opsChat, alice, "/audit lots")
	if reply.Text != "Usage: <code>/audit [1-50]</code>" {
		t.Fatalf("got %q", reply.Text)
	}
}

func TestDataSurvivesARestart(t *testing.T) {
	tg := telegramtest.New(t)
	dir := t.TempDir()
	first := start(t, testConfig(t, tg, dir), app.Options{})
	command(t, tg, opsChat, bob, "/whoami")
	if err := first.stop(); err != nil {
		t.Fatalf("first run: %v", err)
	}

	start(t, testConfig(t, tg, dir), app.Options{})
	log := command(t, tg, opsChat, alice, "/audit")
	mustContain(t, "audit after restart", log.Text, "bob <code>command whoami</code> → ok")
}

func TestA429IsRetriedAfterRetryAfter(t *testing.T) {
	tg := telegramtest.New(t)
	var mu sync.Mutex
	var waits []time.Duration
	sleep := func(_ context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}
	start(t, testConfig(t, tg, t.TempDir()), app.Options{Sleep: sleep})
	tg.WaitCall(t, "getUpdates", nil) // connected: the next failures hit the reply
	tg.Fail("sendMessage", 2, telegramtest.Fault{Status: 429, RetryAfter: 7})

	reply := command(t, tg, opsChat, alice, "/whoami")
	mustContain(t, "reply after 429s", reply.Text, "<code>1001</code>")
	mu.Lock()
	defer mu.Unlock()
	if len(waits) != 2 || waits[0] != 7*time.Second || waits[1] != 7*time.Second {
		t.Fatalf("waited %v, want [7s 7s]", waits)
	}
}

func TestShutdownLetsInFlightRepliesFinish(t *testing.T) {
	tg := telegramtest.New(t)
	started, release := make(chan struct{}), make(chan struct{})
	slow := commands.Command{
		Name: "slow", Description: "Takes its time", Usage: "/slow", MinRole: commands.RoleViewer,
		Handle: func(ctx context.Context, _ commands.Request) (commands.Reply, error) {
			close(started)
			<-release
			return commands.Reply{HTML: render.NewHTML().Text("done").String()}, ctx.Err()
		},
	}
	r := start(t, testConfig(t, tg, t.TempDir()), app.Options{ExtraCommands: []commands.Command{slow}})
	sent := tg.SendText(opsChat, alice, "/slow")
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- r.stop() }()
	// Polling stops at once; the reply in flight is still delivered.
	tg.WaitFor(t, "polling to stop", func() bool { return !tg.Polling() })
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("Run: %v", err)
	}
	replies := repliesTo(tg, opsChat.ID, sent.ID)
	if len(replies) != 1 || replies[0].Text != "done" {
		t.Fatalf("replies %+v", replies)
	}
}

func TestKeyboardsPassTheStrictAPIAndEveryPressIsAnswered(t *testing.T) {
	tg := telegramtest.New(t)
	menu := commands.Command{
		Name: "menu", Description: "Shows buttons", Usage: "/menu", MinRole: commands.RoleViewer,
		Handle: func(context.Context, commands.Request) (commands.Reply, error) {
			return commands.Reply{
				HTML:     render.NewHTML().Bold("Pick one").String(),
				Keyboard: [][]render.Button{{{Text: "Old", CallbackData: "old:1"}, {Text: "Docs", URL: "https://example.org/runbook"}}},
			}, nil
		},
	}
	cfg := testConfig(t, tg, t.TempDir())
	cfg.Auth.Admins = []int64{alice.ID}
	start(t, cfg, app.Options{ExtraCommands: []commands.Command{menu}})

	msg := command(t, tg, opsChat, alice, "/menu")
	if b, ok := msg.Button("old:1"); !ok || b.Text != "Old" {
		t.Fatalf("keyboard %+v", msg.ReplyMarkup)
	}
	q := tg.PressButton(bob, msg, "old:1")
	tg.WaitFor(t, "the press to be answered", func() bool { _, _, ok := tg.Answered(q); return ok })
	if text, alert, _ := tg.Answered(q); text != "This button is no longer active." || alert {
		t.Fatalf("answer %q alert=%v", text, alert)
	}
	log := command(t, tg, opsChat, alice, "/audit")
	mustContain(t, "audit", log.Text, "bob <code>callback old:1</code> → unknown")
}

func TestButtonActionsAreAuthorisedAndEditInPlace(t *testing.T) {
	tg := telegramtest.New(t)
	var mu sync.Mutex
	count := 0
	counter := func(n int) commands.Reply {
		return commands.Reply{
			HTML:     render.NewHTML().Textf("Count: %d", n).String(),
			Keyboard: [][]render.Button{{{Text: "+1", CallbackData: commands.CallbackData("bump", "c1")}}},
		}
	}
	show := commands.Command{
		Name: "counter", Description: "Shows a counter", Usage: "/counter", MinRole: commands.RoleViewer,
		Placeholder: func(commands.Request) string { return "Counting…" },
		Handle: func(context.Context, commands.Request) (commands.Reply, error) {
			return counter(0), nil
		},
	}
	bump := commands.Action{
		Name: "bump", MinRole: commands.RoleOperator,
		Handle: func(_ context.Context, p commands.Press) (commands.Outcome, error) {
			if p.Arg != "c1" {
				return commands.Outcome{}, fmt.Errorf("unexpected arg %q", p.Arg)
			}
			mu.Lock()
			count++
			n := count
			mu.Unlock()
			r := counter(n)
			return commands.Outcome{Toast: fmt.Sprintf("Now %d", n), Edit: &r}, nil
		},
	}
	cfg := testConfig(t, tg, t.TempDir())
	cfg.Auth.Admins = []int64{alice.ID}
	start(t, cfg, app.Options{ExtraCommands: []commands.Command{show}, ExtraActions: []commands.Action{bump}})

	asked := tg.SendText(opsChat, alice, "/counter")
	msg := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ReplyTo == asked.ID && m.Text != "Counting…" })
	if msg.Text != "Count: 0" || msg.EditCount != 1 || len(repliesTo(tg, opsChat.ID, asked.ID)) != 1 {
		t.Fatalf("the placeholder was not edited into the result: %q (edits %d)", msg.Text, msg.EditCount)
	}

	// Bob is a viewer: refused with an alert, the message untouched.
	q := tg.PressButton(bob, msg, "bump:c1")
	tg.WaitFor(t, "bob's press answered", func() bool { _, _, ok := tg.Answered(q); return ok })
	if text, alert, _ := tg.Answered(q); !alert || !strings.Contains(text, "needs the operator role") {
		t.Fatalf("viewer got %q alert=%v", text, alert)
	}

	q = tg.PressButton(alice, msg, "bump:c1")
	edited := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == msg.ID && m.Text == "Count: 1" })
	if _, ok := edited.Button("bump:c1"); !ok {
		t.Fatal("the keyboard was lost in the edit")
	}
	if text, alert, _ := tg.Answered(q); text != "Now 1" || alert {
		t.Fatalf("alice got %q alert=%v", text, alert)
	}
	log := command(t, tg, opsChat, alice, "/audit")
	mustContain(t, "audit", log.Text, "bob <code>callback bump:c1</code> → denied (needs operator)", "alice <code>callback bump:c1</code> → ok")
}
