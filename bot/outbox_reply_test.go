package bot_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/opsbot/opsbot/bot"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/storage"
)

// sentMessage returns the message with text in chat, and the reply_parameters
// of the sendMessage call that sent it (nil without).
func (e *outboxEnv) sentMessage(chat int64, text string) (telegramtest.Message, map[string]any) {
	e.t.Helper()
	msg := e.fake.WaitMessage(e.t, chat, func(m telegramtest.Message) bool { return m.Text == text })
	call := e.fake.WaitCall(e.t, "sendMessage", func(c telegramtest.Call) bool { return c.Params["text"] == text })
	rp, _ := call.Params["reply_parameters"].(map[string]any)
	return msg, rp
}

// wantReply checks that the message with text in chat replies to message
// id (0: to none), as sent and as the fake shows it.
func (e *outboxEnv) wantReply(chat int64, text string, id int) {
	e.t.Helper()
	msg, rp := e.sentMessage(chat, text)
	if id == 0 {
		if rp != nil || msg.ReplyTo != 0 {
			e.t.Errorf("%q: reply_parameters %v, replies to %d; want no reply", text, rp, msg.ReplyTo)
		}
		return
	}
	if rp == nil || rp["message_id"] != int64(id) || rp["allow_sending_without_reply"] != true || msg.ReplyTo != id {
		e.t.Errorf("%q: reply_parameters %v, replies to %d; want message %d, allowing no reply", text, rp, msg.ReplyTo, id)
	}
}

func TestOutboxReplyToCard(t *testing.T) {
	e := newOutboxEnv(t)
	send := func(key string, chat int64, replyTo int64, card string) {
		e.enqueue(storage.Message{Key: key, ChatID: chat, Kind: storage.KindSend, HTML: key, ReplyTo: replyTo, ReplyToCard: card})
	}
	e.enqueue(storage.Message{Key: "card", ChatID: opsGroup.ID, Kind: storage.KindSend, Card: "INC-7", HTML: "INC-7 open"})
	send("plain", opsGroup.ID, 0, "")
	send("comment", opsGroup.ID, 0, "INC-7")
	send("unsent card", opsGroup.ID, 0, "INC-9")
	s, _ := e.start("one")
	card, _ := e.sentMessage(opsGroup.ID, "INC-7 open")
	plain, _ := e.sentMessage(opsGroup.ID, "plain")
	e.wantReply(opsGroup.ID, "comment", card.ID)
	e.wantReply(opsGroup.ID, "unsent card", 0)

	// Now that the card is sent: a card in another chat is no reply, and
	// an explicit ReplyTo wins over the card.
	send("elsewhere", alice.ID, 0, "INC-7")
	send("explicit", opsGroup.ID, int64(plain.ID), "INC-7")
	parts := bot.SplitMessage(storage.Message{Key: "long", ChatID: opsGroup.ID, Kind: storage.KindSend,
		HTML: strings.Repeat("line of text\n", 700), ReplyToCard: "INC-7"}, e.base.Add(time.Second))
	for _, m := range parts {
		e.enqueue(m)
	}
	s.Notify()
	e.wantReply(alice.ID, "elsewhere", 0)
	e.wantReply(opsGroup.ID, "explicit", plain.ID)
	var pieces []telegramtest.Message
	e.fake.WaitFor(t, "the long reply's pieces", func() bool {
		pieces = pieces[:0]
		for _, m := range e.fake.Messages(opsGroup.ID) {
			if strings.HasPrefix(m.Text, "line of text") {
				pieces = append(pieces, m)
			}
		}
		return len(pieces) == len(parts)
	})
	for i, p := range pieces {
		want := 0
		if i == 0 {
			want = card.ID
		}
		if p.ReplyTo != want {
			t.Errorf("long reply: piece %d of %d replies to %d, want %d (only the first replies, to the card)", i+1, len(pieces), p.ReplyTo, want)
		}
	}
}

func TestSplitMessageRepliesOnce(t *testing.T) {
	long := strings.Repeat("line of text\n", 700)
	parts := bot.SplitMessage(storage.Message{Key: "k", ChatID: 1, Kind: storage.KindSend, HTML: long, ReplyTo: 5, ReplyToCard: "INC-1"}, time.Now())
	if len(parts) < 2 {
		t.Fatalf("got %d parts, want several", len(parts))
	}
	for i, p := range parts {
		if replies := p.ReplyTo == 5 && p.ReplyToCard == "INC-1"; replies != (i == 0) {
			t.Errorf("part %d: ReplyTo %d, ReplyToCard %q; only the first part replies", i, p.ReplyTo, p.ReplyToCard)
		}
	}
}

// TestBotOutboxSender builds the sender from a Bot: it calls Telegram
// through the Bot's client (its transport counts the 502) and waits on the
// Bot's clock (the message is due a minute ahead on the fake clock).
func TestBotOutboxSender(t *testing.T) {
	e := newOutboxEnv(t)
	reg, err := commands.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	metrics := prometheus.NewRegistry()
	b, err := bot.New(bot.Options{
		Token: e.fake.Token(), APIURL: e.fake.URL(), Clock: e.clock,
		Registry: reg, Audit: e.db.Audit(), Metrics: bot.NewMetrics(metrics),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.NewOutboxSender(bot.OutboxOptions{}); err == nil {
		t.Error("NewOutboxSender without a Store succeeded")
	}
	s, err := b.NewOutboxSender(bot.OutboxOptions{Store: e.store, Owner: "bot"})
	if err != nil {
		t.Fatal(err)
	}
	e.fake.Fail("sendMessage", 1, telegramtest.Fault{Status: 502})
	e.enqueue(storage.Message{Key: "later", ChatID: alice.ID, Kind: storage.KindSend, HTML: "later", NotBefore: e.base.Add(time.Minute)})
	stop := e.run(s)
	e.waitTexts(alice.ID, 1)
	e.drained(stop)
	if at := e.fake.CallsTo("sendMessage")[0].Time; at.Before(e.base.Add(time.Minute)) {
		t.Errorf("sent at %v, before it was due at %v", at, e.base.Add(time.Minute))
	}
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(metrics, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	if want := `opsbot_telegram_api_errors_total{code="502",method="sendMessage"} 1`; !strings.Contains(string(body), want) {
		t.Errorf("metrics lack %s:\n%s", want, body)
	}
}
