package telegramtest_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/bot/telegramtest"
)

// update is the part of an Update these tests look at.
type update struct {
	UpdateID int64 `json:"update_id"`
	Message  *struct {
		MessageID      int    `json:"message_id"`
		Text           string `json:"text"`
		ThreadID       int    `json:"message_thread_id"`
		IsTopicMessage bool   `json:"is_topic_message"`
		Entities       []struct {
			Type   string `json:"type"`
			Offset int    `json:"offset"`
			Length int    `json:"length"`
		} `json:"entities"`
	} `json:"message"`
	CallbackQuery *struct {
		ID      string `json:"id"`
		Data    string `json:"data"`
		Message struct {
			MessageID int    `json:"message_id"`
			Text      string `json:"text"`
		} `json:"message"`
	} `json:"callback_query"`
}

func getUpdates(t *testing.T, s *telegramtest.Server, body map[string]any) []update {
	t.Helper()
	a := call(t, s, "getUpdates", body)
	if !a.OK {
		t.Fatalf("getUpdates: %d %s", a.ErrorCode, a.Description)
	}
	var us []update
	if err := json.Unmarshal(a.Result, &us); err != nil {
		t.Fatal(err)
	}
	return us
}

func TestGetUpdatesOffsetAndLimit(t *testing.T) {
	s := telegramtest.New(t)
	for i := range 5 {
		s.SendText(opsGroup, alice, fmt.Sprint("msg ", i))
	}
	us := getUpdates(t, s, map[string]any{"limit": 2})
	if len(us) != 2 || us[0].Message.Text != "msg 0" || us[1].UpdateID != us[0].UpdateID+1 {
		t.Fatalf("first batch = %+v", us)
	}
	// Without an offset nothing is confirmed.
	if again := getUpdates(t, s, map[string]any{"limit": 2}); again[0].UpdateID != us[0].UpdateID {
		t.Errorf("unconfirmed updates were dropped")
	}
	us = getUpdates(t, s, map[string]any{"offset": us[1].UpdateID + 1})
	if len(us) != 3 || us[0].Message.Text != "msg 2" {
		t.Fatalf("after offset = %+v", us)
	}
	// A negative offset keeps the last -offset updates.
	us = getUpdates(t, s, map[string]any{"offset": -1})
	if len(us) != 1 || us[0].Message.Text != "msg 4" || s.PendingUpdates() != 1 {
		t.Fatalf("offset -1 = %+v", us)
	}
	if us := getUpdates(t, s, map[string]any{"offset": us[0].UpdateID + 1}); len(us) != 0 {
		t.Fatalf("after confirming all = %+v", us)
	}
}

func TestGetUpdatesLongPollWakesOnUpdate(t *testing.T) {
	s := telegramtest.New(t)
	got := make(chan []update, 1)
	go func() {
		got <- getUpdates(t, s, map[string]any{"timeout": 30})
	}()
	s.WaitFor(t, "the long poll to wait", s.Polling)
	start := time.Now()
	s.SendText(opsGroup, alice, "/ack@opsbot_test_bot 42")
	select {
	case us := <-got:
		if len(us) != 1 || us[0].Message.Text != "/ack@opsbot_test_bot 42" {
			t.Fatalf("updates = %+v", us)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("long poll answered after %v", time.Since(start))
		}
	case <-time.After(telegramtest.WaitTimeout):
		t.Fatal("long poll did not return")
	}
}

func TestGetUpdatesShortTimeoutExpires(t *testing.T) {
	s := telegramtest.New(t)
	if us := getUpdates(t, s, map[string]any{"timeout": 1}); len(us) != 0 {
		t.Fatalf("updates = %+v", us)
	}
}

func TestGetUpdatesConflict(t *testing.T) {
	s := telegramtest.New(t)
	first := make(chan answer, 1)
	go func() { first <- call(t, s, "getUpdates", map[string]any{"timeout": 30}) }()
	s.WaitFor(t, "the first poll to wait", s.Polling)

	second := make(chan answer, 1)
	go func() { second <- call(t, s, "getUpdates", map[string]any{"timeout": 30}) }()
	// As on Telegram, the newer request terminates the waiting one.
	wantError(t, <-first, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
	s.SendText(opsGroup, alice, "hello")
	wantOK(t, <-second)
}

func TestWebhook(t *testing.T) {
	s := telegramtest.New(t)
	wantOK(t, call(t, s, "setWebhook", map[string]any{"url": "https://opsbot.example/telegram", "secret_token": "s3cr3t-token", "allowed_updates": []string{"message"}}))
	w := s.Webhook()
	if w.URL != "https://opsbot.example/telegram" || w.SecretToken != "s3cr3t-token" || w.MaxConnections != 40 || len(w.AllowedUpdates) != 1 {
		t.Errorf("Webhook = %+v", w)
	}
	wantError(t, call(t, s, "getUpdates", map[string]any{}), 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")

	s.SendText(opsGroup, alice, "hi")
	a := call(t, s, "getWebhookInfo", map[string]any{})
	var info struct {
		URL     string `json:"url"`
		Pending int    `json:"pending_update_count"`
	}
	if err := json.Unmarshal(a.Result, &info); err != nil || info.URL != w.URL || info.Pending != 1 {
		t.Errorf("getWebhookInfo = %s", a.Result)
	}
	wantError(t, call(t, s, "setWebhook", map[string]any{"url": "https://opsbot.example:9000/x"}), 400, "ports 80, 88, 443 or 8443")
	wantError(t, call(t, s, "setWebhook", map[string]any{"url": "https://opsbot.example/x", "secret_token": "no spaces"}), 400, "secret token contains unallowed characters")

	wantOK(t, call(t, s, "deleteWebhook", map[string]any{"drop_pending_updates": true}))
	if w := s.Webhook(); w.URL != "" || w.PendingUpdateCount != 0 {
		t.Errorf("after deleteWebhook = %+v", w)
	}
	if us := getUpdates(t, s, map[string]any{}); len(us) != 0 {
		t.Errorf("dropped updates came back: %+v", us)
	}
}

func TestAllowedUpdatesFilter(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	getUpdates(t, s, map[string]any{"allowed_updates": []string{"callback_query"}})
	s.SendText(opsGroup, alice, "ignored")
	if n := s.PendingUpdates(); n != 0 {
		t.Errorf("a message update was queued despite allowed_updates: %d", n)
	}
}

func TestSendTextEntitiesAndTopics(t *testing.T) {
	forum := telegramtest.Chat{ID: -1007, Type: telegramtest.ChatSupergroup, Title: "Forum", IsForum: true}
	s := telegramtest.New(t)
	m := s.SendTextInTopic(forum, 12, alice, "see /status and /ack@opsbot_test_bot, not a/b or /x@y")
	if m.ThreadID != 12 {
		t.Errorf("ThreadID = %d", m.ThreadID)
	}
	us := getUpdates(t, s, map[string]any{})
	msg := us[0].Message
	if msg.ThreadID != 12 || !msg.IsTopicMessage {
		t.Errorf("topic fields = %+v", msg)
	}
	var cmds []string
	for _, e := range msg.Entities {
		cmds = append(cmds, fmt.Sprintf("%s@%d+%d", e.Type, e.Offset, e.Length))
	}
	// "/x@y" has a too-short username, so the command is just "/x".
	want := "bot_command@4+7 bot_command@16+20 bot_command@49+2"
	if got := strings.Join(cmds, " "); got != want {
		t.Errorf("entities = %s, want %s", got, want)
	}

	// The bot can answer in the topic.
	wantOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": forum.ID, "message_thread_id": 12, "text": "ok"}))
	if got := s.Messages(forum.ID); len(got) != 2 || got[1].ThreadID != 12 {
		t.Errorf("messages = %+v", got)
	}
}

func TestPressButtonCarriesCurrentMessage(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	kb := func(data string) map[string]any {
		return map[string]any{"inline_keyboard": []any{[]any{map[string]any{"text": "B", "callback_data": data}}}}
	}
	id := sentID(t, call(t, s, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "v1", "reply_markup": kb("one")}))
	old, _ := s.Message(opsGroup.ID, id)
	wantOK(t, call(t, s, "editMessageText", map[string]any{"chat_id": opsGroup.ID, "message_id": id, "text": "v2", "reply_markup": kb("two")}))

	q := s.PressButton(alice, old, "two") // old snapshot, current keyboard
	us := getUpdates(t, s, map[string]any{})
	cq := us[len(us)-1].CallbackQuery
	if cq == nil || cq.ID != q || cq.Data != "two" || cq.Message.Text != "v2" || cq.Message.MessageID != id {
		t.Fatalf("callback query = %+v", cq)
	}

	// The keyboard no longer has "one": PressButton fails the test.
	rec := &fatalRecorder{TB: t}
	s2 := telegramtest.New(rec)
	s2.AddChat(opsGroup)
	id = sentID(t, call(t, s2, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "v", "reply_markup": kb("two")}))
	m, _ := s2.Message(opsGroup.ID, id)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s2.PressButton(alice, m, "one")
	}()
	<-done
	if msg := rec.message(); !strings.Contains(msg, `has no button with callback_data "one"`) {
		t.Errorf("fatal = %q", msg)
	}
}

// fatalRecorder records Fatalf instead of failing the test.
type fatalRecorder struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.msg = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *fatalRecorder) message() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.msg
}
