package engine_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/bot/telegramtest"
)

// waitText waits for the bot's message in the ops group matching cond.
func (c *chat) wait(what string, cond func(telegramtest.Message) bool) telegramtest.Message {
	c.t.Helper()
	return c.tg.WaitMessage(c.t, opsChat, func(m telegramtest.Message) bool {
		return m.From.ID == c.tg.BotUser().ID && cond(m)
	})
}

// The whole matrix through Telegram on the checklist's times: the card at
// once, then a page replying to it at 15m, 30m and 2h, the card edited
// in place each time, and nothing more after level 4.
func TestPagesReachTelegramL1ToL4(t *testing.T) {
	c := newChat(t)
	c.policy.Levels[0].Action = ""
	eng, _ := c.process()

	eng.Transition(t.Context(), c.fired("health"))
	card := c.wait("card", func(m telegramtest.Message) bool { return strings.Contains(m.Text, "INC-1") && m.ReplyTo == 0 })
	if _, ok := card.Button("inc:a:INC-1"); !ok {
		t.Fatalf("card without buttons: %+v", card.ReplyMarkup)
	}
	for _, s := range []struct {
		after time.Duration
		level string
		who   string
	}{
		{15 * time.Minute, "L2", "@tech_lead"},
		{15 * time.Minute, "L3", "@architect"},
		{90 * time.Minute, "L4", "@vendor_desk"},
	} {
		c.step(s.after)
		page := c.wait(s.level+" page", func(m telegramtest.Message) bool { return m.ReplyTo == card.ID && strings.Contains(m.Text, s.who) })
		if !strings.Contains(page.Text, "INC-1") {
			t.Errorf("%s page %q does not name INC-1", s.level, page.Text)
		}
		c.wait(s.level+" card", func(m telegramtest.Message) bool { return m.ID == card.ID && strings.Contains(m.Text, s.level) })
	}
	c.step(24 * time.Hour)
	c.settleAll()
	if got := len(c.botMessages()); got != 4 {
		t.Errorf("bot posted %d messages, want the card and three pages", got)
	}
}

// Telegram answering 429 to sendMessage again and again: every card
// arrives after the waits it asked for, once, in the order they were made.
func TestA429StormLosesNothingAndKeepsOrder(t *testing.T) {
	c := newChat(t)
	c.policy.Levels[0].Action = ""
	c.storm.Threshold = 0
	eng, _ := c.process()
	c.tg.Fail("sendMessage", 8, telegramtest.Fault{Status: 429, RetryAfter: 5})

	for i := range 5 {
		eng.Transition(t.Context(), c.fired(fmt.Sprintf("check-%d", i)))
	}
	for range 200 {
		if len(c.botMessages()) == 5 {
			break
		}
		c.step(time.Second)
	}
	msgs := c.botMessages()
	if len(msgs) != 5 {
		t.Fatalf("%d of 5 cards arrived after the 429s", len(msgs))
	}
	for i, m := range msgs {
		if want := fmt.Sprintf("INC-%d", i+1); !strings.Contains(m.Text, want) {
			t.Errorf("card %d = %q, want %s (in order)", i, m.Text, want)
		}
	}
	if n := len(c.tg.CallsTo("sendMessage")); n != 5+8 {
		t.Errorf("sendMessage called %d times, want 5 deliveries + 8 refused", n)
	}
}

// A process that dies in the middle of an escalation and a new one on
// the same store and chat: the next level is paged on time, nothing
// already in the chat is sent again.
func TestRestartMidEscalationOverTelegram(t *testing.T) {
	c := newChat(t)
	c.policy.Levels[0].Action = ""
	eng, stop := c.process()
	eng.Transition(t.Context(), c.fired("health"))
	card := c.wait("card", func(m telegramtest.Message) bool { return strings.Contains(m.Text, "INC-1") })
	c.step(15 * time.Minute)
	c.wait("L2 page", func(m telegramtest.Message) bool {
		return m.ReplyTo == card.ID && strings.Contains(m.Text, "@tech_lead")
	})
	c.settleAll()
	stop()

	c.clock.Advance(5 * time.Minute) // down for five minutes
	c.process()
	c.step(10 * time.Minute) // 30m after the opening: L3
	c.wait("L3 page", func(m telegramtest.Message) bool {
		return m.ReplyTo == card.ID && strings.Contains(m.Text, "@architect")
	})
	c.settleAll()
	var cards, l2, l3 int
	for _, m := range c.botMessages() {
		switch {
		case m.ID == card.ID:
			cards++
		case strings.Contains(m.Text, "@tech_lead"):
			l2++
		case strings.Contains(m.Text, "@architect"):
			l3++
		}
	}
	if cards != 1 || l2 != 1 || l3 != 1 || len(c.botMessages()) != 3 {
		t.Errorf("messages: %d cards, %d L2 pages, %d L3 pages, %d in all; want one each", cards, l2, l3, len(c.botMessages()))
	}
}
