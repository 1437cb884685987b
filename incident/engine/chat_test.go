package engine_test

import (
	"context"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/opsbot/opsbot/bot"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/incident/engine"
	"github.com/opsbot/opsbot/storage"
)

var opsGroup = telegramtest.Chat{ID: opsChat, Type: telegramtest.ChatSupergroup, Title: "ops"}

// splitOutbox queues as the app does: split at 4096, store, wake the sender.
type splitOutbox struct {
	o      *storage.Outbox
	now    func() time.Time
	notify func()
}

func (q splitOutbox) Enqueue(ctx context.Context, m storage.Message) error {
	for _, part := range bot.SplitMessage(m, q.now()) {
		if _, err := q.o.Enqueue(ctx, part); err != nil {
			return err
		}
	}
	q.notify()
	return nil
}

// chat is an env whose messages reach the strict fake Bot API through
// the outbox sender, everything on the env's fake clock.
type chat struct {
	*env
	tg *telegramtest.Server
}

func newChat(t testing.TB, opts ...telegramtest.Option) *chat {
	t.Helper()
	e := newEnv(t)
	tg := telegramtest.New(t, append([]telegramtest.Option{telegramtest.WithClock(e.clock.Now)}, opts...)...)
	tg.AddChat(opsGroup)
	return &chat{env: e, tg: tg}
}

// process starts one opsbot process's engine and sender; stop ends both.
func (c *chat) process() (eng *engine.Engine, stop func()) {
	c.t.Helper()
	api, err := tgbot.New(c.tg.Token(), tgbot.WithServerURL(c.tg.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		c.t.Fatal(err)
	}
	var sender *bot.OutboxSender
	eng = c.engineWith(splitOutbox{o: c.store.Outbox(), now: c.clock.Now, notify: func() {
		if sender != nil {
			sender.Notify()
		}
	}})
	sender, err = bot.NewOutboxSender(bot.OutboxOptions{Store: c.store.Outbox(), API: api, Clock: c.clock, Logger: c.logger()})
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(c.t.Context())
	done := make(chan struct{}, 2)
	go func() { _ = sender.Run(ctx); done <- struct{}{} }()
	go func() { _ = eng.Run(ctx); done <- struct{}{} }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
			<-done
		}
	}
	c.t.Cleanup(stop)
	c.settleAll()
	return eng, stop
}

// settleAll waits until the engine and the sender both sleep.
func (c *chat) settleAll() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.t.Context(), 2*time.Minute)
	defer cancel()
	if err := c.clock.BlockUntilContext(ctx, 2); err != nil {
		c.t.Fatalf("engine and sender never both slept: %v", err)
	}
}

// step moves the clock on once both sleep.
func (c *chat) step(d time.Duration) {
	c.t.Helper()
	c.settleAll()
	c.clock.Advance(d)
}

// bySender returns the bot's messages in the ops group, in order.
func (c *chat) botMessages() []telegramtest.Message {
	var out []telegramtest.Message
	for _, m := range c.tg.Messages(opsChat) {
		if m.From.ID == c.tg.BotUser().ID {
			out = append(out, m)
		}
	}
	return out
}
