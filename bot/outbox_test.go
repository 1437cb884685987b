package bot_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/bot"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

var _ bot.OutboxStore = (*storage.Outbox)(nil)
var _ bot.MessageAPI = (*tgbot.Bot)(nil)

var (
	opsGroup = telegramtest.Chat{ID: -1001, Type: telegramtest.ChatSupergroup, Title: "Ops"}
	alice    = telegramtest.Chat{ID: 42, Type: telegramtest.ChatPrivate, Title: "Alice"}
)

// outboxEnv is a store, a strict fake Bot API and a fake clock shared by both.
type outboxEnv struct {
	t     *testing.T
	fake  *telegramtest.Server
	db    *storage.Store
	store *storage.Outbox
	clock *clockwork.FakeClock
	api   *tgbot.Bot
	base  time.Time
	n     int
}

func newOutboxEnv(t *testing.T, opts ...telegramtest.Option) *outboxEnv {
	t.Helper()
	clock := clockwork.NewFakeClockAt(time.Now().UTC().Truncate(time.Millisecond))
	fake := telegramtest.New(t, append([]telegramtest.Option{telegramtest.WithClock(clock.Now)}, opts...)...)
	fake.AddChat(opsGroup)
	fake.AddChat(alice)
	api, err := tgbot.New(fake.Token(), tgbot.WithServerURL(fake.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	db := storagetest.Open(t)
	return &outboxEnv{t: t, fake: fake, db: db, store: db.Outbox(), clock: clock, api: api, base: clock.Now()}
}

// enqueue stores m with a CreatedAt after every earlier one.
func (e *outboxEnv) enqueue(m storage.Message) bool {
	e.t.Helper()
	e.n++
	if m.CreatedAt.IsZero() {
		m.CreatedAt = e.base.Add(time.Duration(e.n) * time.Millisecond)
	}
	created, err := e.store.Enqueue(e.t.Context(), m)
	if err != nil {
		e.t.Fatal(err)
	}
	return created
}

func (e *outboxEnv) send(key string, chat int64, html string) {
	e.t.Helper()
	e.enqueue(storage.Message{Key: key, ChatID: chat, Kind: storage.KindSend, HTML: html})
}

// start runs a sender until the test ends or stop is called. The fake
// clock moves only while the sender waits for it, so waits of seconds or
// minutes pass at once.
func (e *outboxEnv) start(owner string) (*bot.OutboxSender, func()) {
	e.t.Helper()
	s, err := bot.NewOutboxSender(bot.OutboxOptions{Store: e.store, API: e.api, Clock: e.clock, Owner: owner})
	if err != nil {
		e.t.Fatal(err)
	}
	return s, e.run(s)
}

// run runs s, which must wait on e.clock, as start does, and returns stop.
func (e *outboxEnv) run(s *bot.OutboxSender) func() {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.Run(ctx); err != nil {
			e.t.Errorf("Run: %v", err)
		}
	})
	wg.Go(func() {
		for ctx.Err() == nil {
			if e.clock.BlockUntilContext(ctx, 1) != nil {
				return
			}
			e.clock.Advance(250 * time.Millisecond)
		}
	})
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); wg.Wait() }) }
	e.t.Cleanup(stop)
	return stop
}

// texts returns the texts in chat, oldest first.
func (e *outboxEnv) texts(chat int64) []string {
	var out []string
	for _, m := range e.fake.Messages(chat) {
		out = append(out, m.Text)
	}
	return out
}

// waitTexts waits until chat holds n messages; progress, not the whole
// run, must come within the fake's wait timeout.
func (e *outboxEnv) waitTexts(chat int64, n int) []string {
	e.t.Helper()
	for {
		have := len(e.texts(chat))
		if have >= n {
			return e.texts(chat)
		}
		e.fake.WaitFor(e.t, fmt.Sprintf("message %d of %d in chat %d", have+1, n, chat), func() bool {
			return len(e.texts(chat)) > have
		})
	}
}

func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s %03d", prefix, i)
	}
	return out
}

func sameStrings(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d messages, want %d:\n%q", len(got), len(want), got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("message %d = %q, want %q (all: %q)", i, got[i], want[i], got)
		}
	}
}

// drained stops the sender, which finishes and records the message in
// flight, and checks that nothing is left pending.
func (e *outboxEnv) drained(stop func()) {
	e.t.Helper()
	stop()
	p, err := e.store.Pending(e.t.Context(), 0)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(p) != 0 {
		e.t.Fatalf("%d messages still pending, first %+v", len(p), p[0])
	}
}

func TestOutboxDeliversPendingOnStartInOrder(t *testing.T) {
	e := newOutboxEnv(t)
	want := numbered("page", 10)
	for i, text := range want {
		e.send(fmt.Sprintf("p%03d", i), opsGroup.ID, text)
		e.send(fmt.Sprintf("a%03d", i), alice.ID, "dm "+text)
	}
	_, stop := e.start("one")
	sameStrings(t, e.waitTexts(opsGroup.ID, 10), want)
	dms := e.waitTexts(alice.ID, 10)
	for i := range dms {
		if dms[i] != "dm "+want[i] {
			t.Fatalf("private chat out of order: %q", dms)
		}
	}
	e.drained(stop)
}

func TestOutboxDuplicateEnqueueSendsOnce(t *testing.T) {
	e := newOutboxEnv(t)
	m := storage.Message{Key: "incident-7-page", ChatID: opsGroup.ID, Kind: storage.KindSend, HTML: "<b>DB down</b>"}
	if !e.enqueue(m) {
		t.Fatal("first Enqueue did not create")
	}
	if e.enqueue(m) {
		t.Fatal("second Enqueue created a duplicate")
	}
	s, _ := e.start("one")
	e.waitTexts(opsGroup.ID, 1)
	e.enqueue(m) // a producer replaying after the send
	e.send("marker", opsGroup.ID, "marker")
	s.Notify()
	sameStrings(t, e.waitTexts(opsGroup.ID, 2), []string{"<b>DB down</b>", "marker"})
}

func TestOutbox429StormLosesNothing(t *testing.T) {
	e := newOutboxEnv(t)
	e.fake.Fail("sendMessage", 5, telegramtest.Fault{Status: 429, RetryAfter: 1})
	want := numbered("alert", 8)
	for i, text := range want {
		e.send(fmt.Sprintf("k%03d", i), alice.ID, text)
	}
	e.start("one")
	sameStrings(t, e.waitTexts(alice.ID, 8), want)
	calls := e.fake.CallsTo("sendMessage")
	if len(calls) != 8+5 {
		t.Fatalf("sendMessage calls = %d, want 13 (8 + 5 refused)", len(calls))
	}
	// Each retry waited out retry_after on the sender's clock.
	for i := 1; i < 6; i++ {
		if gap := calls[i].Time.Sub(calls[i-1].Time); gap < time.Second {
			t.Fatalf("retry %d came %v after a 429 with retry_after 1", i, gap)
		}
	}
}

func TestOutbox429InOneChatDoesNotBlockAnother(t *testing.T) {
	e := newOutboxEnv(t)
	e.send("g1", opsGroup.ID, "group one")
	e.send("g2", opsGroup.ID, "group two")
	e.send("a1", alice.ID, "alice one")
	e.fake.Fail("sendMessage", 1, telegramtest.Fault{Status: 429, RetryAfter: 30})
	e.start("one")
	e.waitTexts(alice.ID, 1)
	if got := e.texts(opsGroup.ID); len(got) != 0 {
		t.Fatalf("group got %q while paused by retry_after", got)
	}
	sameStrings(t, e.waitTexts(opsGroup.ID, 2), []string{"group one", "group two"})
}

func TestOutboxServerErrorsBackOffAndFinalErrorsGiveUp(t *testing.T) {
	e := newOutboxEnv(t)
	e.fake.Fail("sendMessage", 3, telegramtest.Fault{Status: 502})
	e.send("k1", alice.ID, "first")
	e.send("gone", 999, "to an unknown chat") // 400 chat not found
	e.send("k2", alice.ID, "second")
	_, stop := e.start("one")
	sameStrings(t, e.waitTexts(alice.ID, 2), []string{"first", "second"})
	e.drained(stop)
	var calls []telegramtest.Call // to alice: the 502s may also hit the unknown chat
	for _, c := range e.fake.CallsTo("sendMessage") {
		if fmt.Sprint(c.Params["chat_id"]) == fmt.Sprint(alice.ID) {
			calls = append(calls, c)
		}
	}
	var gaps []time.Duration
	for i := 1; i < len(calls) && calls[i-1].Status == 502; i++ {
		gaps = append(gaps, calls[i].Time.Sub(calls[i-1].Time))
	}
	if len(gaps) < 2 || gaps[0] < time.Second || gaps[1] < 2*time.Second || len(gaps) > 2 && gaps[2] < 4*time.Second {
		t.Fatalf("backoff after 502s = %v, want gaps of at least 1s, 2s, 4s", gaps)
	}
}

func TestOutboxStaysUnderGroupLimit(t *testing.T) {
	e := newOutboxEnv(t, telegramtest.WithRateLimits(true))
	want := numbered("flood", 200)
	for i, text := range want {
		e.send(fmt.Sprintf("f%03d", i), opsGroup.ID, text)
	}
	e.start("one")
	sameStrings(t, e.waitTexts(opsGroup.ID, 200), want)
	if n := e.fake.RateLimited(); n != 0 {
		t.Fatalf("Telegram answered 429 %d times", n)
	}
}

func TestOutboxCoalescesEditsOfACard(t *testing.T) {
	e := newOutboxEnv(t)
	kb := []byte(`{"inline_keyboard":[[{"text":"Acknowledge","callback_data":"ack:7"}]]}`)
	e.enqueue(storage.Message{Key: "inc7", ChatID: opsGroup.ID, Kind: storage.KindSend, Card: "inc7", HTML: "open", Keyboard: kb})
	for i, text := range []string{"acked by alice", "escalated to L2", "resolved"} {
		e.enqueue(storage.Message{Key: fmt.Sprintf("inc7-edit%d", i), ChatID: opsGroup.ID, Kind: storage.KindEdit, Card: "inc7", HTML: text})
	}
	e.send("marker", opsGroup.ID, "marker")
	_, stop := e.start("one")
	msgs := e.waitTexts(opsGroup.ID, 2)
	e.fake.WaitCall(t, "editMessageText", nil)
	e.drained(stop)
	sameStrings(t, msgs, []string{"resolved", "marker"})
	if n := len(e.fake.CallsTo("editMessageText")); n != 1 {
		t.Fatalf("editMessageText called %d times, want 1 (the newest)", n)
	}
	if got := e.fake.Messages(opsGroup.ID)[0]; len(got.ReplyMarkup) != 0 {
		t.Fatalf("edit without a keyboard kept %v", got.ReplyMarkup)
	}
}

func TestOutboxKeyboardAndNotModified(t *testing.T) {
	e := newOutboxEnv(t)
	kb := []byte(`{"inline_keyboard":[[{"text":"Acknowledge","callback_data":"ack:7"}]]}`)
	e.enqueue(storage.Message{Key: "inc7", ChatID: opsGroup.ID, Kind: storage.KindSend, Card: "inc7", HTML: "open", Keyboard: kb})
	e.enqueue(storage.Message{Key: "same", ChatID: opsGroup.ID, Kind: storage.KindEdit, Card: "inc7", HTML: "open", Keyboard: kb})
	e.send("after", opsGroup.ID, "after")
	_, stop := e.start("one")
	msgs := e.waitTexts(opsGroup.ID, 2)
	sameStrings(t, msgs, []string{"open", "after"})
	if _, ok := e.fake.Messages(opsGroup.ID)[0].Button("ack:7"); !ok {
		t.Fatal("card lost its keyboard")
	}
	e.drained(stop)
}

func TestOutboxRestartRepeatsNothing(t *testing.T) {
	e := newOutboxEnv(t)
	want := numbered("msg", 30)
	for i, text := range want {
		e.send(fmt.Sprintf("r%03d", i), alice.ID, text)
	}
	_, stop := e.start("first")
	e.waitTexts(alice.ID, 10)
	stop()
	if n := len(e.texts(alice.ID)); n == 30 {
		t.Log("first sender finished before it was stopped")
	}
	e.start("second")
	sameStrings(t, e.waitTexts(alice.ID, 30), want)
	if n := len(e.fake.CallsTo("sendMessage")); n != 30 {
		t.Fatalf("sendMessage called %d times, want 30", n)
	}
}

func TestSplitMessage(t *testing.T) {
	long := ""
	for len(long) < 9000 {
		long += "line of text\n"
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	parts := bot.SplitMessage(storage.Message{Key: "k", ChatID: 1, Kind: storage.KindSend, Card: "c", HTML: long, Keyboard: []byte("{}")}, now)
	if len(parts) != 3 {
		t.Fatalf("got %d parts", len(parts))
	}
	for i, p := range parts {
		if len([]rune(p.HTML)) > 4096 {
			t.Fatalf("part %d has %d characters", i, len([]rune(p.HTML)))
		}
		if i > 0 && !p.CreatedAt.After(parts[i-1].CreatedAt) {
			t.Fatalf("part %d not after part %d", i, i-1)
		}
	}
	if parts[0].Key != "k" || parts[1].Key != "k#2" || parts[2].Key != "k#3" {
		t.Fatalf("keys %q %q %q", parts[0].Key, parts[1].Key, parts[2].Key)
	}
	if parts[0].Card != "c" || parts[1].Card != "" || parts[0].Keyboard != nil || parts[2].Keyboard == nil {
		t.Fatal("card belongs on the first part, keyboard on the last")
	}
}
