package telegramtest_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/opsbot/opsbot/bot/telegramtest"
)

// These tests drive the fake with the real go-telegram/bot client.

var (
	opsGroup = telegramtest.Chat{ID: -1001234567890, Type: telegramtest.ChatSupergroup, Title: "Ops"}
	alice    = telegramtest.User{ID: 1001, FirstName: "Alice", Username: "alice"}
)

// button and keyboard carry only the fields we mean, unlike models.InlineKeyboardButton.
type button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

type keyboard struct {
	InlineKeyboard [][]button `json:"inline_keyboard"`
}

func newClient(t *testing.T, s *telegramtest.Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{
		bot.WithServerURL(s.URL()),
		bot.WithErrorsHandler(func(err error) { t.Logf("go-telegram/bot: %v", err) }),
	}, opts...)
	b, err := bot.New(s.Token(), opts...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

func TestClientGetMe(t *testing.T) {
	s := telegramtest.New(t)
	b := newClient(t, s) // bot.New calls getMe
	me, err := b.GetMe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != telegramtest.DefaultBotID || me.Username != telegramtest.DefaultBotUsername || !me.IsBot {
		t.Errorf("getMe = %+v", me)
	}
	if b.ID() != me.ID {
		t.Errorf("the default token's id %d differs from the bot user's id %d", b.ID(), me.ID)
	}
	if n := len(s.CallsTo("getMe")); n != 2 {
		t.Errorf("getMe calls = %d, want 2", n)
	}
}

func TestClientSendEditAndPress(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	b := newClient(t, s)
	ctx := t.Context()

	sent, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID:      opsGroup.ID,
		Text:        "<b>CRIT</b> health check failing &amp; 503",
		ParseMode:   models.ParseModeHTML,
		ReplyMarkup: keyboard{[][]button{{{Text: "Acknowledge", CallbackData: "ack:42"}}}},
	})
	if err != nil {
		t.Fatalf("sendMessage: %v", err)
	}
	if sent.Text != "CRIT health check failing & 503" || len(sent.Entities) != 1 || sent.Entities[0].Type != models.MessageEntityTypeBold {
		t.Errorf("sent message as the client sees it: text %q entities %+v", sent.Text, sent.Entities)
	}
	call := s.WaitCall(t, "sendMessage", nil)
	if call.Encoding != telegramtest.EncodingMultipart || call.Params["chat_id"] != opsGroup.ID {
		t.Errorf("call = %+v", call)
	}

	msgs := s.Messages(opsGroup.ID)
	if len(msgs) != 1 || msgs[0].Text != "<b>CRIT</b> health check failing &amp; 503" || msgs[0].ParseMode != "HTML" {
		t.Fatalf("messages = %+v", msgs)
	}
	if _, ok := msgs[0].Button("ack:42"); !ok {
		t.Fatalf("keyboard = %+v", msgs[0].ReplyMarkup)
	}

	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{
		ChatID: opsGroup.ID, MessageID: sent.ID, Text: "<b>ACK</b> by alice", ParseMode: models.ParseModeHTML,
	}); err != nil {
		t.Fatalf("editMessageText: %v", err)
	}
	edited := s.WaitMessage(t, opsGroup.ID, func(m telegramtest.Message) bool { return m.EditCount == 1 })
	if edited.Plain != "ACK by alice" || edited.ReplyMarkup != nil {
		t.Errorf("edited = %+v (editMessageText without reply_markup removes the keyboard)", edited)
	}

	// The same edit again changes nothing.
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{
		ChatID: opsGroup.ID, MessageID: sent.ID, Text: "<strong>ACK</strong> by alice", ParseMode: models.ParseModeHTML,
	})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("repeated edit: err = %v", err)
	}

	// Put a keyboard back, press it, answer the query.
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{
		ChatID: opsGroup.ID, MessageID: sent.ID, ReplyMarkup: keyboard{[][]button{{{Text: "Resolve", CallbackData: "resolve:42"}}}},
	}); err != nil {
		t.Fatalf("editMessageReplyMarkup: %v", err)
	}
	current, _ := s.Message(opsGroup.ID, sent.ID)
	queryID := s.PressButton(alice, current, "resolve:42")
	ok, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: queryID, Text: "Resolved"})
	if err != nil || !ok {
		t.Fatalf("answerCallbackQuery: %v %v", ok, err)
	}
	if text, alert, ok := s.Answered(queryID); !ok || text != "Resolved" || alert {
		t.Errorf("Answered = %q %v %v", text, alert, ok)
	}
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: queryID})
	if err == nil || !strings.Contains(err.Error(), "query is too old") {
		t.Errorf("second answer: err = %v", err)
	}

	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: opsGroup.ID, MessageID: sent.ID}); err != nil || !ok {
		t.Fatalf("deleteMessage: %v %v", ok, err)
	}
	if msgs := s.Messages(opsGroup.ID); len(msgs) != 0 {
		t.Errorf("messages after delete = %+v", msgs)
	}
}

func TestClientLibraryKeyboardIsRejected(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	b := newClient(t, s)

	// go-telegram/bot v1.19.0 serialises "copy_text":{"text":""} on every button.
	_, err := b.SendMessage(t.Context(), &bot.SendMessageParams{
		ChatID: opsGroup.ID,
		Text:   "page",
		ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "Acknowledge", CallbackData: "ack:1"}},
		}},
	})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "BUTTON_COPY_TEXT_INVALID") {
		t.Fatalf("models.InlineKeyboardMarkup: err = %v, want BUTTON_COPY_TEXT_INVALID", err)
	}
	if got := s.CallsTo("sendMessage")[0].Params["reply_markup"]; !strings.Contains(got.(string), `"copy_text":{"text":""}`) {
		t.Errorf("raw reply_markup = %v", got)
	}

	// The same keyboard carrying only text and callback_data is fine.
	if _, err := b.SendMessage(t.Context(), &bot.SendMessageParams{
		ChatID:      opsGroup.ID,
		Text:        "page",
		ReplyMarkup: keyboard{[][]button{{{Text: "Acknowledge", CallbackData: "ack:1"}}}},
	}); err != nil {
		t.Fatalf("hand-rolled keyboard: %v", err)
	}
}

func TestClientSetMyCommands(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	b := newClient(t, s)
	cmds := []models.BotCommand{{Command: "health", Description: "Run the health checks"}, {Command: "ack", Description: "Acknowledge an incident"}}
	if ok, err := b.SetMyCommands(t.Context(), &bot.SetMyCommandsParams{
		Commands: cmds,
		Scope:    &models.BotCommandScopeChat{ChatID: opsGroup.ID},
	}); err != nil || !ok {
		t.Fatalf("setMyCommands: %v %v", ok, err)
	}
	got := s.Commands()
	if len(got) != 2 || got[0].Command != "health" || got[1].Description != "Acknowledge an incident" ||
		got[0].Scope != (telegramtest.CommandScope{Type: "chat", ChatID: opsGroup.ID}) {
		t.Errorf("Commands = %+v", got)
	}
	list, err := b.GetMyCommands(t.Context(), &bot.GetMyCommandsParams{Scope: &models.BotCommandScopeChat{ChatID: opsGroup.ID}})
	if err != nil || len(list) != 2 {
		t.Errorf("getMyCommands = %+v, %v", list, err)
	}

	_, err = b.SetMyCommands(t.Context(), &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Health", Description: "x"}}})
	if err == nil || !strings.Contains(err.Error(), "BOT_COMMAND_INVALID") {
		t.Errorf("upper-case command: err = %v", err)
	}
}

func TestClientSendDocumentAndPhoto(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	b := newClient(t, s)
	report := []byte("date,checks\n2026-01-01,ok\n")
	doc, err := b.SendDocument(t.Context(), &bot.SendDocumentParams{
		ChatID:    opsGroup.ID,
		Document:  &models.InputFileUpload{Filename: "report.csv", Data: bytes.NewReader(report)},
		Caption:   "<i>Weekly report</i>",
		ParseMode: models.ParseModeHTML,
	})
	if err != nil {
		t.Fatalf("sendDocument: %v", err)
	}
	if doc.Document == nil || doc.Document.FileName != "report.csv" || doc.Document.FileSize != int64(len(report)) || doc.Caption != "Weekly report" {
		t.Errorf("document as the client sees it: %+v caption %q", doc.Document, doc.Caption)
	}
	call := s.WaitCall(t, "sendDocument", nil)
	up, ok := call.Params["document"].(telegramtest.UploadedFile)
	if !ok || up.Name != "report.csv" || up.Size != int64(len(report)) || !bytes.Equal(up.Data, report) || !bytes.Equal(call.Files["document"].Data, report) {
		t.Errorf("recorded upload = %+v", call.Params["document"])
	}
	m, _ := s.Message(opsGroup.ID, doc.ID)
	if m.Kind != "document" || m.File == nil || m.File.Name != "report.csv" || m.Caption != "<i>Weekly report</i>" || m.FileID != doc.Document.FileID {
		t.Errorf("stored = %+v", m)
	}

	// Resending by file_id works; a made-up file_id does not.
	if _, err := b.SendDocument(t.Context(), &bot.SendDocumentParams{ChatID: opsGroup.ID, Document: &models.InputFileString{Data: doc.Document.FileID}}); err != nil {
		t.Errorf("resend by file_id: %v", err)
	}
	if _, err := b.SendDocument(t.Context(), &bot.SendDocumentParams{ChatID: opsGroup.ID, Document: &models.InputFileString{Data: "made-up"}}); err == nil {
		t.Error("made-up file_id accepted")
	}

	var img bytes.Buffer
	if err := png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	photo, err := b.SendPhoto(t.Context(), &bot.SendPhotoParams{
		ChatID: opsGroup.ID,
		Photo:  &models.InputFileUpload{Filename: "chart.png", Data: bytes.NewReader(img.Bytes())},
	})
	if err != nil {
		t.Fatalf("sendPhoto: %v", err)
	}
	if len(photo.Photo) != 1 || photo.Photo[0].Width != 40 || photo.Photo[0].Height != 30 {
		t.Errorf("photo = %+v", photo.Photo)
	}
	_, err = b.SendPhoto(t.Context(), &bot.SendPhotoParams{
		ChatID: opsGroup.ID,
		Photo:  &models.InputFileUpload{Filename: "chart.png", Data: strings.NewReader("not an image")},
	})
	if err == nil || !strings.Contains(err.Error(), "IMAGE_PROCESS_FAILED") {
		t.Errorf("bogus photo: err = %v", err)
	}
}

func TestClientPollingRoundTrip(t *testing.T) {
	s := telegramtest.New(t)
	updates := make(chan *models.Update, 1)
	replied := make(chan error, 1)
	b := newClient(t, s, bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
		updates <- u
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "pong"})
		replied <- err
	}))
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { b.Start(ctx) })
	defer wg.Wait()
	defer cancel()

	// Wait until the client is long-polling, so the update wakes a waiting getUpdates.
	s.WaitFor(t, "a getUpdates call to be waiting", func() bool { return s.Polling() })
	sent := s.SendText(opsGroup, alice, "/health@opsbot_test_bot now")

	var u *models.Update
	select {
	case u = <-updates:
	case <-time.After(telegramtest.WaitTimeout):
		t.Fatal("no update reached the handler")
	}
	if u.Message == nil || u.Message.ID != sent.ID || u.Message.Text != "/health@opsbot_test_bot now" || u.Message.From.ID != alice.ID {
		t.Fatalf("update = %+v", u.Message)
	}
	if e := u.Message.Entities; len(e) != 1 || e[0].Type != models.MessageEntityTypeBotCommand || e[0].Offset != 0 || e[0].Length != len("/health@opsbot_test_bot") {
		t.Errorf("entities = %+v", e)
	}
	select {
	case err := <-replied:
		if err != nil {
			t.Fatalf("reply: %v", err)
		}
	case <-time.After(telegramtest.WaitTimeout):
		t.Fatal("the handler's reply did not return")
	}
	s.WaitMessage(t, opsGroup.ID, func(m telegramtest.Message) bool { return m.From.IsBot && m.Text == "pong" })
	s.WaitFor(t, "the update to be confirmed", func() bool { return s.PendingUpdates() == 0 })
}
