package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/opsbot/opsbot/bot"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/storage"
)

const outageLength = 2 * time.Minute

// maxBackoff is the sender's default cap on the wait after a 5xx.
const maxBackoff = time.Minute

// outageFaults are the Bot API's answers during the outage, in turn: 5xx
// answers and 429s with retry_after from 5 to 30 s.
func outageFaults() []telegramtest.Fault {
	return []telegramtest.Fault{
		{Status: http.StatusInternalServerError},
		{Status: http.StatusTooManyRequests, RetryAfter: 5},
		{Status: http.StatusBadGateway},
		{Status: http.StatusServiceUnavailable},
		{Status: http.StatusTooManyRequests, RetryAfter: 30},
		{Status: http.StatusBadGateway},
		{Status: http.StatusTooManyRequests, RetryAfter: 12},
	}
}

// TestOutboxSurvivesATwoMinuteOutage queues 30 messages for three chats,
// before and during two minutes of fake time in which the Bot API answers
// every call with 500, 502, 503 or 429 (retry_after 5-30 s), plus edits of
// the cards sent before it. Afterwards every message is delivered once, in
// each chat's order, the newest edit of each card is applied to its
// message, nothing went through in the window, and the sender neither
// hammered the API during the outage nor dawdled after it.
func TestOutboxSurvivesATwoMinuteOutage(t *testing.T) {
	e := newOutboxEnv(t, telegramtest.WithRateLimits(true))
	devGroup := telegramtest.Chat{ID: -1002, Type: telegramtest.ChatSupergroup, Title: "Dev"}
	e.fake.AddChat(devGroup)
	chats := []int64{opsGroup.ID, alice.ID, devGroup.ID}
	store := &passCounter{Outbox: e.store, passes: make(chan struct{}, 1)}
	s := e.botSender(t, store)

	// Before the outage: each chat gets its incident card.
	want := map[int64][]string{} // each chat's texts, in order, as they must end
	cardOf := map[int64]string{}
	order := map[string][]string{} // each chat's messages as callID names them, in the order queued
	queued := func(chat int64, method, text string) {
		order[fmt.Sprint(chat)] = append(order[fmt.Sprint(chat)], method+" "+text)
	}
	for i, chat := range chats {
		card := fmt.Sprintf("INC-%d", i+1)
		cardOf[chat] = card
		e.enqueue(storage.Message{Key: card, ChatID: chat, Kind: storage.KindSend, Card: card, HTML: card + " open"})
		want[chat] = append(want[chat], card+" open")
		queued(chat, "sendMessage", card+" open")
	}
	d := e.drive(t, s, store)
	d.until(t, "the cards", func() bool { return e.delivered(want) })

	// The outage starts now, and half the messages are queued as it does.
	from := e.clock.Now()
	until := from.Add(outageLength)
	e.fake.FailDuring(telegramtest.AnyMethod, from, until, outageFaults()...)
	n := 0
	queue := func(count int) func() {
		return func() {
			for range count {
				chat := chats[n%len(chats)]
				text := fmt.Sprintf("msg %02d", n)
				e.send(fmt.Sprintf("m%02d", n), chat, text)
				want[chat] = append(want[chat], text)
				queued(chat, "sendMessage", text)
				n++
			}
		}
	}
	edit := func(chat int64, rev int, text string) func() {
		return func() {
			card := cardOf[chat]
			e.enqueue(storage.Message{Key: fmt.Sprintf("%s/card/%d", card, rev), ChatID: chat, Kind: storage.KindEdit, Card: card, HTML: text})
			want[chat][0] = text
			queued(chat, "editMessageText", text)
		}
	}
	d.at(from, queue(15))
	// The rest while it lasts, with edits of the cards, two of one of them.
	d.at(from.Add(20*time.Second), queue(5), edit(opsGroup.ID, 2, "INC-1 acknowledged by alice"))
	d.at(from.Add(45*time.Second), queue(4), edit(devGroup.ID, 2, "INC-3 escalated to L2"))
	d.at(from.Add(70*time.Second), queue(3), edit(opsGroup.ID, 3, "INC-1 resolved after 3 min"))
	d.at(from.Add(110*time.Second), queue(3))
	d.until(t, "30 messages and the edits", func() bool { return n == 30 && e.delivered(want) })
	d.stop()
	e.drained(func() {})

	// In order, once each, edits on the right messages.
	for _, chat := range chats {
		sameStrings(t, e.texts(chat), want[chat])
	}
	var sent, edits, failed []telegramtest.Call
	for _, c := range e.fake.Calls() {
		switch {
		case !c.OK():
			failed = append(failed, c)
		case c.Method == "sendMessage":
			sent = append(sent, c)
		case c.Method == "editMessageText":
			edits = append(edits, c)
		default:
			t.Errorf("unexpected call %s", c.Method)
		}
	}
	if len(sent) != 33 {
		t.Errorf("%d sendMessage calls succeeded, want 33: the cards and 30 messages, once each", len(sent))
	}
	if len(edits) != 2 {
		t.Errorf("%d edits succeeded, want 2: the newest of each edited card", len(edits))
	}
	for _, c := range edits {
		chat := c.Params["chat_id"].(int64)
		card := e.fake.Messages(chat)[0]
		if c.Params["message_id"] != int64(card.ID) || c.Params["text"] != card.Text || card.EditCount != 1 {
			t.Errorf("edit %v: the card in chat %d is message %d, %q, edited %d times", c.Params, chat, card.ID, card.Text, card.EditCount)
		}
	}
	if e.fake.Messages(alice.ID)[0].EditCount != 0 {
		t.Error("a card nobody edited was edited")
	}

	// Nothing went through in the window, and everything failed in it.
	for _, c := range slices.Concat(sent, edits) {
		if !c.Time.Before(from) && c.Time.Before(until) {
			t.Errorf("%s %v succeeded at %s, inside the outage", c.Method, c.Params["text"], c.Time.Sub(from))
		}
	}
	for _, c := range failed {
		if c.Time.Before(from) || !c.Time.Before(until) {
			t.Errorf("%s failed at %s, outside the outage: %s", c.Method, c.Time.Sub(from), c.Response)
		}
	}

	// Each chat's calls: only its oldest unfinished message is tried, a
	// retry waits what the answer asked (retry_after after a 429; after a
	// 5xx 1 s, doubling with each attempt), and a message that went
	// through is not tried again.
	perChat := map[string]int{}
	resumed := map[string]time.Duration{} // each chat's first delivery after the outage
	var lastOK time.Time
	for chat, calls := range callsByChat(e.fake.Calls()) {
		attempt := 1
		for i, c := range calls {
			switch {
			case !c.OK():
				perChat[chat]++
			case c.Time.After(lastOK):
				lastOK = c.Time
			}
			if _, ok := resumed[chat]; !ok && c.OK() && !c.Time.Before(until) {
				resumed[chat] = c.Time.Sub(until)
			}
			if i == 0 {
				continue
			}
			prev, id, prevID := calls[i-1], callID(c), callID(calls[i-1])
			switch {
			case id == prevID && !prev.OK():
				attempt++
				wait := min(time.Second<<(attempt-2), maxBackoff)
				if prev.Status == http.StatusTooManyRequests {
					wait = time.Duration(retryAfter(prev)) * time.Second
				}
				if gap := c.Time.Sub(prev.Time); gap < wait {
					t.Errorf("chat %s: attempt %d at %s of %s came %s after %d %s, want %s", chat, attempt, c.Time.Sub(from), id, gap, prev.Status, prev.Response, wait)
				}
			case id != prevID && prev.OK() && slices.Index(order[chat], id) > slices.Index(order[chat], prevID):
				// The next one. (The older edit of INC-1, superseded, is
				// never tried: it waits behind messages held by the outage.)
				attempt = 1
			default:
				t.Errorf("chat %s: %s (%d) at %s after %s (%d): out of order, or again", chat, id, c.Status, c.Time.Sub(from), prevID, prev.Status)
			}
		}
	}
	// Few in all, in every chat: with waits doubling from 1 s, 7 tries of
	// one message fill two minutes.
	for chat, n := range perChat {
		if n < 3 || n > 12 {
			t.Errorf("chat %s: %d failed calls in %s, want 3 to 12: retrying with backoff, neither hammering nor giving up", chat, n, outageLength)
		}
	}
	if len(perChat) != len(chats) {
		t.Errorf("failed calls in %d chats, want all %d: %v", len(perChat), len(chats), perChat)
	}
	if n := e.fake.RateLimited(); n != 0 {
		t.Errorf("the backlog drew %d real 429s: the sender outran Telegram's limits", n)
	}
	// Every chat resumes within the backoff cap after the outage, and the
	// backlog then drains under the flood limits in well under a minute.
	for chat, d := range resumed {
		if d > maxBackoff {
			t.Errorf("chat %s resumed %s after the outage; want within the %s cap", chat, d, maxBackoff)
		}
	}
	if late := lastOK.Sub(until); late > maxBackoff+time.Minute {
		t.Errorf("the backlog drained %s after the outage", late)
	}
	t.Logf("outage of %s: %d failed calls (by chat %v); after it, the chats resumed %v and the last message went out %s after it ended",
		outageLength, len(failed), perChat, resumed, lastOK.Sub(until))
}

// callsByChat groups calls by their chat_id, as text: a call refused
// before validation has its parameters as text.
func callsByChat(calls []telegramtest.Call) map[string][]telegramtest.Call {
	out := map[string][]telegramtest.Call{}
	for _, c := range calls {
		chat := fmt.Sprint(c.Params["chat_id"])
		out[chat] = append(out[chat], c)
	}
	return out
}

// callID names the outbox message a call stands for.
func callID(c telegramtest.Call) string {
	return c.Method + " " + fmt.Sprint(c.Params["text"])
}

// retryAfter is the retry_after of a 429 answer, else 0.
func retryAfter(c telegramtest.Call) int {
	var a struct {
		Parameters struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if c.Status != http.StatusTooManyRequests || json.Unmarshal(c.Response, &a) != nil {
		return 0
	}
	return a.Parameters.RetryAfter
}

// delivered reports whether every chat holds exactly its wanted texts.
func (e *outboxEnv) delivered(want map[int64][]string) bool {
	for chat, texts := range want {
		if !slices.Equal(e.texts(chat), texts) {
			return false
		}
	}
	return true
}

// botSender is the sender opsbot runs, built from a Bot: its transport
// turns 5xx answers into *bot.ServerError.
func (e *outboxEnv) botSender(t *testing.T, store bot.OutboxStore) *bot.OutboxSender {
	t.Helper()
	reg, err := commands.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Options{
		Token: e.fake.Token(), APIURL: e.fake.URL(), Clock: e.clock,
		Registry: reg, Audit: e.db.Audit(), Metrics: bot.NewMetrics(prometheus.NewRegistry()),
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.NewOutboxSender(bot.OutboxOptions{Store: store, Owner: "leader"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// passCounter is the outbox, telling the driver when the sender starts a
// pass (reads Pending).
type passCounter struct {
	*storage.Outbox
	passes chan struct{}
}

func (p *passCounter) Pending(ctx context.Context, limit int) ([]storage.Message, error) {
	select {
	case p.passes <- struct{}{}:
	default:
	}
	return p.Outbox.Pending(ctx, limit)
}

// driver runs a sender and moves the fake clock in steps of 250 ms, only
// while the sender waits on it, doing what is due at each step first.
type driver struct {
	e      *outboxEnv
	s      *bot.OutboxSender
	store  *passCounter
	events []driverEvent
	stop   func()
}

type driverEvent struct {
	at time.Time
	do []func()
}

func (e *outboxEnv) drive(t *testing.T, s *bot.OutboxSender, store *passCounter) *driver {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	var once sync.Once
	d := &driver{e: e, s: s, store: store, stop: func() { once.Do(func() { cancel(); wg.Wait() }) }}
	t.Cleanup(d.stop)
	return d
}

// at does each of do when the clock reaches at, then wakes the sender, as
// a producer would.
func (d *driver) at(at time.Time, do ...func()) {
	d.events = append(d.events, driverEvent{at: at, do: do})
	slices.SortStableFunc(d.events, func(a, b driverEvent) int { return a.at.Compare(b.at) })
}

// until moves the clock until done reports true, failing the test when
// the sender stops waiting on the clock for telegramtest.WaitTimeout of
// real time, or after 15 minutes of fake time. The clock moves only while the
// sender waits on it: after a wake-up, once the sender has read the outbox
// again and so stopped the timer it waited on.
func (d *driver) until(t *testing.T, what string, done func() bool) {
	t.Helper()
	const step = 250 * time.Millisecond
	limit := d.e.clock.Now().Add(15 * time.Minute)
	for !done() {
		ctx, cancel := context.WithTimeout(context.Background(), telegramtest.WaitTimeout)
		err := d.e.clock.BlockUntilContext(ctx, 1)
		cancel()
		if err != nil {
			t.Fatalf("waiting for %s: the sender stopped waiting on the clock", what)
		}
		now := d.e.clock.Now()
		if now.After(limit) {
			t.Fatalf("waiting for %s: not done after 15 minutes of fake time", what)
		}
		if len(d.events) > 0 && !d.events[0].at.After(now) {
			for len(d.events) > 0 && !d.events[0].at.After(now) {
				for _, f := range d.events[0].do {
					f()
				}
				d.events = d.events[1:]
			}
			select {
			case <-d.store.passes: // an old pass's
			default:
			}
			d.s.Notify()
			select {
			case <-d.store.passes:
			case <-time.After(telegramtest.WaitTimeout):
				t.Fatalf("waiting for %s: Notify did not wake the sender", what)
			}
			continue
		}
		d.e.clock.Advance(step)
	}
}
