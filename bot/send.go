package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/opsbot/opsbot/bot/render"
)

// maxRetryAfter caps how long one send waits on a 429 before giving up;
// the caller's context usually ends it sooner.
const maxRetryAfter = 2 * time.Minute

// sender sends messages with the retries go-telegram/bot leaves to us:
// 429 honouring retry_after, 5xx and network errors with backoff. Telegram's
// 4xx verdicts are final.
type sender struct {
	api         *tgbot.Bot
	log         *slog.Logger
	sleep       func(ctx context.Context, d time.Duration) error
	maxAttempts int
}

// outgoing is one reply to send.
type outgoing struct {
	ChatID   int64
	ThreadID int
	ReplyTo  int
	HTML     string
	Keyboard [][]render.Button
}

// send delivers o, split into several messages when it is longer than
// Telegram allows; the keyboard goes on the last one.
func (s *sender) send(ctx context.Context, o outgoing) ([]*models.Message, error) {
	pieces := render.Split(o.HTML, render.MaxMessage)
	sent := make([]*models.Message, 0, len(pieces))
	for i, p := range pieces {
		params := &tgbot.SendMessageParams{
			ChatID:             o.ChatID,
			MessageThreadID:    o.ThreadID,
			Text:               p,
			ParseMode:          models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
		}
		if i == 0 {
			params.ReplyParameters = replyParameters(o.ReplyTo)
		}
		if i == len(pieces)-1 {
			if kb := render.Keyboard(o.Keyboard); kb != nil {
				params.ReplyMarkup = kb
			}
		}
		var msg *models.Message
		err := s.retry(ctx, "sendMessage", func() error {
			var err error
			msg, err = s.api.SendMessage(ctx, params)
			return err
		})
		if err != nil {
			return sent, err
		}
		sent = append(sent, msg)
	}
	return sent, nil
}

// answer answers a callback query; every press must be answered or the
// user's client shows a spinner.
func (s *sender) answer(ctx context.Context, queryID, text string, alert bool) error {
	return s.retry(ctx, "answerCallbackQuery", func() error {
		_, err := s.api.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{
			CallbackQueryID: queryID, Text: text, ShowAlert: alert,
		})
		return err
	})
}

// retry runs call until it succeeds, fails for good, or ctx ends.
func (s *sender) retry(ctx context.Context, method string, call func() error) error {
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil {
			return nil
		}
		wait, again := retryable(err, backoff)
		if !again || attempt >= s.maxAttempts {
			return err
		}
		s.log.Warn("telegram call failed, retrying", "method", method, "attempt", attempt, "wait", wait, "err", err)
		if err := s.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: gave up waiting to retry: %w", method, err)
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

// retryable says whether err is worth another try and how long to wait.
func retryable(err error, backoff time.Duration) (time.Duration, bool) {
	var tooMany *tgbot.TooManyRequestsError
	var server *ServerError
	var migrated *tgbot.MigrateError
	switch {
	case errors.As(err, &migrated): // the group became a supergroup: config must change
		return 0, false
	case errors.As(err, &tooMany):
		wait := time.Duration(tooMany.RetryAfter) * time.Second
		if wait <= 0 {
			wait = time.Second
		}
		return min(wait, maxRetryAfter), true
	case errors.As(err, &server):
		return backoff, true
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return 0, false
	case errors.Is(err, tgbot.ErrorBadRequest), errors.Is(err, tgbot.ErrorForbidden),
		errors.Is(err, tgbot.ErrorUnauthorized), errors.Is(err, tgbot.ErrorNotFound),
		errors.Is(err, tgbot.ErrorConflict):
		return 0, false
	default: // network errors and garbled answers
		return backoff, true
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// edit replaces message id's text and keyboard with o's. Text longer than
// one message keeps its first piece in the edited message and sends the
// rest as new ones, the keyboard on the last. Telegram's "message is not
// modified" counts as success: the message already says this.
func (s *sender) edit(ctx context.Context, id int, o outgoing) error {
	pieces := render.Split(o.HTML, render.MaxMessage)
	params := &tgbot.EditMessageTextParams{
		ChatID:             o.ChatID,
		MessageID:          id,
		Text:               pieces[0],
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
	}
	if len(pieces) == 1 {
		if kb := render.Keyboard(o.Keyboard); kb != nil {
			params.ReplyMarkup = kb
		}
	}
	err := s.retry(ctx, "editMessageText", func() error {
		_, err := s.api.EditMessageText(ctx, params)
		if err != nil && strings.Contains(err.Error(), "message is not modified") {
			return nil
		}
		return err
	})
	if err != nil || len(pieces) == 1 {
		return err
	}
	rest := o
	rest.HTML = strings.Join(pieces[1:], "")
	rest.ReplyTo = id
	_, err = s.send(ctx, rest)
	return err
}

// document sends a file to o's chat and topic, replying to o.ReplyTo.
func (s *sender) document(ctx context.Context, o outgoing, name string, data []byte, caption string) error {
	return s.retry(ctx, "sendDocument", func() error {
		params := &tgbot.SendDocumentParams{
			ChatID:          o.ChatID,
			MessageThreadID: o.ThreadID,
			Document:        &models.InputFileUpload{Filename: name, Data: bytes.NewReader(data)},
			Caption:         render.Escape(caption),
			ParseMode:       models.ParseModeHTML,
			ReplyParameters: replyParameters(o.ReplyTo),
		}
		_, err := s.api.SendDocument(ctx, params)
		return err
	})
}

// photo sends an image to o's chat and topic, replying to o.ReplyTo.
func (s *sender) photo(ctx context.Context, o outgoing, name string, data []byte, caption string) error {
	return s.retry(ctx, "sendPhoto", func() error {
		params := &tgbot.SendPhotoParams{
			ChatID:          o.ChatID,
			MessageThreadID: o.ThreadID,
			Photo:           &models.InputFileUpload{Filename: name, Data: bytes.NewReader(data)},
			Caption:         render.Escape(caption),
			ParseMode:       models.ParseModeHTML,
			ReplyParameters: replyParameters(o.ReplyTo),
		}
		_, err := s.api.SendPhoto(ctx, params)
		return err
	})
}

// replyParameters replies to message id, or to nothing when id is 0; a
// reply whose message was deleted is sent anyway.
func replyParameters(id int) *models.ReplyParameters {
	if id == 0 {
		return nil
	}
	return &models.ReplyParameters{MessageID: id, AllowSendingWithoutReply: true}
}
