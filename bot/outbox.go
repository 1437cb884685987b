package bot

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/storage"
)

// OutboxStore is the outbox the OutboxSender delivers from; storage.Outbox
// implements it.
type OutboxStore interface {
	Pending(ctx context.Context, limit int) ([]storage.Message, error)
	Claim(ctx context.Context, key, owner string, now time.Time, lease time.Duration) (bool, error)
	MarkSent(ctx context.Context, key string, telegramMessageID int64, at time.Time) error
	MarkFailed(ctx context.Context, key, reason string, retryAt time.Time) error
	GiveUp(ctx context.Context, key, reason string, at time.Time) error
	CardMessage(ctx context.Context, card string) (chatID, messageID int64, ok bool, err error)
}

// MessageAPI is the part of the Bot API the OutboxSender calls;
// *github.com/go-telegram/bot.Bot implements it.
type MessageAPI interface {
	SendMessage(ctx context.Context, params *tgbot.SendMessageParams) (*models.Message, error)
	EditMessageText(ctx context.Context, params *tgbot.EditMessageTextParams) (*models.Message, error)
	DeleteMessage(ctx context.Context, params *tgbot.DeleteMessageParams) (bool, error)
	SendPhoto(ctx context.Context, params *tgbot.SendPhotoParams) (*models.Message, error)
}

// OutboxOptions configure an OutboxSender.
type OutboxOptions struct {
	Store   OutboxStore
	API     MessageAPI
	Limiter *RateLimiter // nil: Telegram's default limits on Clock
	Clock   clockwork.Clock
	Logger  *slog.Logger
	// Owner names this sender in its claims; default host-pid-random.
	Owner string
	// Lease is how long a claim holds a message (default 30s); a send and
	// its MarkSent must finish within it.
	Lease time.Duration
	// Poll is how often the sender looks for due messages without being
	// notified (default 5s): messages enqueued by other processes.
	Poll time.Duration
	// Batch bounds the messages read per pass (default 200).
	Batch int
	// MaxBackoff caps the wait after 5xx answers and network errors
	// (default 1m, so that pages resume within a minute of Telegram's
	// recovery); the first wait is 1s, doubling per attempt.
	MaxBackoff time.Duration
}

// OutboxSender delivers the outbox to Telegram: in order per chat, under
// the flood limits, honouring retry_after, backing off on 5xx and network
// errors, giving up on Telegram's other 4xx verdicts. It delivers whatever
// is pending when it starts. Run one per deployment (the leader): edits of
// a card must go out from one sender in order.
type OutboxSender struct {
	opts  OutboxOptions
	store OutboxStore
	api   MessageAPI
	limit *RateLimiter
	clock clockwork.Clock
	log   *slog.Logger
	wake  chan struct{}
}

// NewOutboxSender returns a sender; Run starts it.
func NewOutboxSender(opts OutboxOptions) (*OutboxSender, error) {
	if opts.Store == nil || opts.API == nil {
		return nil, errors.New("bot: outbox sender needs Store and API")
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Limiter == nil {
		opts.Limiter = NewRateLimiter(opts.Clock)
	}
	if opts.Owner == "" {
		opts.Owner = defaultOwner()
	}
	if opts.Lease <= 0 {
		opts.Lease = 30 * time.Second
	}
	if opts.Poll <= 0 {
		opts.Poll = 5 * time.Second
	}
	if opts.Batch <= 0 {
		opts.Batch = 200
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Minute
	}
	return &OutboxSender{
		opts: opts, store: opts.Store, api: opts.API, limit: opts.Limiter, clock: opts.Clock,
		log:  opts.Logger.With("component", "outbox", "owner", opts.Owner),
		wake: make(chan struct{}, 1),
	}, nil
}

func defaultOwner() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// Notify wakes the sender to look for due messages now; call it after
// Enqueue. It never blocks.
func (s *OutboxSender) Notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers messages until ctx ends. A message in flight when ctx ends
// is finished and recorded first, so a restart does not repeat it.
func (s *OutboxSender) Run(ctx context.Context) error {
	s.log.Info("outbox sender started")
	for {
		next, err := s.pass(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("outbox pass failed", "err", err)
			next = s.opts.Poll
		}
		if ctx.Err() != nil {
			return nil
		}
		if next == 0 {
			continue
		}
		t := s.clock.NewTimer(min(next, s.opts.Poll))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.wake:
		case <-t.Chan():
		}
		t.Stop()
	}
}

// refresh bounds how long a pass works from the list it read: messages
// enqueued without Notify (another process) wait at most this long.
const refresh = time.Minute

// pass reads the pending messages and delivers them, each chat's in order,
// waiting for tokens and retry times as it goes, until the list is done,
// nothing more can go before the next poll, Notify wakes it, or refresh
// has passed. It returns how long to wait before the next pass (0: at once).
func (s *OutboxSender) pass(ctx context.Context) (time.Duration, error) {
	msgs, err := s.store.Pending(ctx, s.opts.Batch)
	if err != nil {
		return 0, err
	}
	var chats []int64
	queues := map[int64][]storage.Message{}
	for _, m := range msgs {
		if _, ok := queues[m.ChatID]; !ok {
			chats = append(chats, m.ChatID)
		}
		queues[m.ChatID] = append(queues[m.ChatID], m)
	}
	started := s.clock.Now()
	delivered := false
	for {
		next, progressed, err := s.round(ctx, chats, queues)
		if err != nil || ctx.Err() != nil {
			return 0, err
		}
		if progressed {
			delivered = true
			continue
		}
		if len(msgs) == s.opts.Batch && !hasQueued(queues) && delivered {
			return 0, nil // read the next batch
		}
		if !hasQueued(queues) || next >= s.opts.Poll || s.clock.Since(started) >= refresh {
			return next, nil
		}
		t := s.clock.NewTimer(next)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, nil
		case <-s.wake:
			t.Stop()
			return 0, nil
		case <-t.Chan():
		}
	}
}

func hasQueued(queues map[int64][]storage.Message) bool {
	for _, q := range queues {
		if len(q) > 0 {
			return true
		}
	}
	return false
}

// round offers each chat's oldest message once and reports how long until
// one may go, and whether any was delivered.
func (s *OutboxSender) round(ctx context.Context, chats []int64, queues map[int64][]storage.Message) (time.Duration, bool, error) {
	next := s.opts.Poll
	progressed := false
	for _, chat := range chats {
		q := queues[chat]
		if len(q) == 0 {
			continue
		}
		if ctx.Err() != nil {
			return next, progressed, nil
		}
		m := q[0]
		now := s.clock.Now()
		if m.NotBefore.After(now) {
			next = min(next, m.NotBefore.Sub(now))
			continue
		}
		wait, global := s.limit.Reserve(chat)
		if wait > 0 {
			next = min(next, wait)
			if global {
				break
			}
			continue
		}
		ok, err := s.store.Claim(ctx, m.Key, s.opts.Owner, now, s.opts.Lease)
		if err != nil {
			return next, progressed, err
		}
		if !ok { // finished meanwhile, or another sender holds it: read again later
			queues[chat] = nil
			next = min(next, time.Second)
			continue
		}
		progressed = true
		m.Attempts++
		done, retryAt := s.deliver(ctx, m)
		switch {
		case done:
			queues[chat] = q[1:]
		case retryAt.IsZero(): // its outcome is unknown: leave the chat to the next read
			queues[chat] = nil
		default:
			q[0].Attempts, q[0].NotBefore = m.Attempts, retryAt
		}
	}
	return next, progressed, nil
}

// deliver sends claimed message m once and records the outcome. It reports
// whether m is finished, so that the chat's next message may go, or else
// when m is due again (zero when that could not be recorded).
func (s *OutboxSender) deliver(ctx context.Context, m storage.Message) (done bool, retryAt time.Time) {
	// The call and its record outlive ctx: a shutdown must not leave a
	// message sent but unrecorded.
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.Lease/2)
	defer cancel()
	log := s.log.With("key", m.Key, "chat", m.ChatID, "kind", m.Kind)

	sentID, err := s.call(callCtx, m)
	now := s.clock.Now()
	if err == nil {
		if err := s.store.MarkSent(callCtx, m.Key, sentID, now); err != nil {
			log.Error("message sent but not recorded; it may be repeated", "err", err)
			return false, time.Time{}
		}
		return true, time.Time{}
	}
	attempts := m.Attempts
	var tooMany *tgbot.TooManyRequestsError
	var migrated *tgbot.MigrateError
	var server *ServerError
	switch {
	case errors.As(err, &tooMany):
		wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
		log.Warn("telegram rate limit; chat paused", "retry_after", wait)
		return false, s.markFailed(callCtx, log, m, err, now.Add(wait))
	case errors.As(err, &migrated):
		log.Error("chat became a supergroup; update the chat id in the config",
			"migrate_to_chat_id", migrated.MigrateToChatID)
		s.giveUp(callCtx, log, m, err, now)
		return true, time.Time{}
	case errors.As(err, &server), !isTelegramVerdict(err):
		wait := min(time.Second<<min(attempts-1, 20), s.opts.MaxBackoff)
		log.Warn("telegram call failed; retrying", "attempt", attempts, "wait", wait, "err", err)
		return false, s.markFailed(callCtx, log, m, err, now.Add(wait))
	default:
		log.Error("telegram refused message; giving up", "err", err)
		s.giveUp(callCtx, log, m, err, now)
		return true, time.Time{}
	}
}

// isTelegramVerdict reports whether err is a 4xx answer from Telegram,
// which a retry does not change.
func isTelegramVerdict(err error) bool {
	return errors.Is(err, tgbot.ErrorBadRequest) || errors.Is(err, tgbot.ErrorForbidden) ||
		errors.Is(err, tgbot.ErrorUnauthorized) || errors.Is(err, tgbot.ErrorNotFound) ||
		errors.Is(err, tgbot.ErrorConflict) || errors.Is(err, errNoTarget)
}

var errNoTarget = errors.New("edit or delete has no message to target")

// markFailed records a failed attempt and returns retryAt, or zero when
// it could not be recorded.
func (s *OutboxSender) markFailed(ctx context.Context, log *slog.Logger, m storage.Message, cause error, retryAt time.Time) time.Time {
	if err := s.store.MarkFailed(ctx, m.Key, cause.Error(), retryAt); err != nil {
		log.Error("recording failed attempt", "err", err)
		return time.Time{}
	}
	return retryAt
}

func (s *OutboxSender) giveUp(ctx context.Context, log *slog.Logger, m storage.Message, cause error, at time.Time) {
	if err := s.store.GiveUp(ctx, m.Key, cause.Error(), at); err != nil {
		log.Error("recording given-up message", "err", err)
	}
}

// call makes the one Bot API call m stands for and returns the Telegram
// message id it produced or changed.
func (s *OutboxSender) call(ctx context.Context, m storage.Message) (int64, error) {
	var markup models.ReplyMarkup
	if len(m.Keyboard) > 0 {
		markup = json.RawMessage(m.Keyboard)
	}
	switch m.Kind {
	case storage.KindSend:
		params := &tgbot.SendMessageParams{
			ChatID:             m.ChatID,
			MessageThreadID:    int(m.ThreadID),
			Text:               m.HTML,
			ParseMode:          models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
			ReplyMarkup:        markup,
		}
		replyTo, err := s.replyTo(ctx, m)
		if err != nil {
			return 0, err // a storage error: retried with backoff
		}
		params.ReplyParameters = replyParameters(int(replyTo))
		msg, err := s.api.SendMessage(ctx, params)
		if err != nil {
			return 0, err
		}
		return int64(msg.ID), nil
	case storage.KindPhoto:
		params := &tgbot.SendPhotoParams{
			ChatID:          m.ChatID,
			MessageThreadID: int(m.ThreadID),
			Photo:           &models.InputFileUpload{Filename: "chart.png", Data: bytes.NewReader(m.Photo)},
			Caption:         m.HTML,
			ParseMode:       models.ParseModeHTML,
			ReplyMarkup:     markup,
		}
		msg, err := s.api.SendPhoto(ctx, params)
		if err != nil {
			return 0, err
		}
		return int64(msg.ID), nil
	case storage.KindEdit:
		chatID, id, err := s.target(ctx, m)
		if err != nil {
			return 0, err
		}
		_, err = s.api.EditMessageText(ctx, &tgbot.EditMessageTextParams{
			ChatID:             chatID,
			MessageID:          int(id),
			Text:               m.HTML,
			ParseMode:          models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
			ReplyMarkup:        markup,
		})
		if err != nil && strings.Contains(err.Error(), "message is not modified") {
			err = nil // it already says this
		}
		return id, err
	case storage.KindDelete:
		chatID, id, err := s.target(ctx, m)
		if err != nil {
			return 0, err
		}
		_, err = s.api.DeleteMessage(ctx, &tgbot.DeleteMessageParams{ChatID: chatID, MessageID: int(id)})
		if err != nil && strings.Contains(err.Error(), "message to delete not found") {
			err = nil // already gone
		}
		return id, err
	}
	return 0, fmt.Errorf("%w: unknown kind %q", errNoTarget, m.Kind)
}

// target is the Telegram message an edit or delete acts on: its card's
// message, else MessageID.
func (s *OutboxSender) target(ctx context.Context, m storage.Message) (chatID, messageID int64, err error) {
	if m.Card != "" {
		chatID, id, ok, err := s.store.CardMessage(ctx, m.Card)
		if err != nil {
			return 0, 0, err // a storage error: retried with backoff
		}
		if ok {
			return chatID, id, nil
		}
	}
	if m.MessageID != 0 {
		return m.ChatID, m.MessageID, nil
	}
	return 0, 0, fmt.Errorf("%w: card %q was never sent", errNoTarget, m.Card)
}

// replyTo is the message send m replies to, 0 for none: ReplyTo, else
// the message of ReplyToCard when that is in m's chat. A card never sent
// or shown elsewhere is no reason to hold the send back.
func (s *OutboxSender) replyTo(ctx context.Context, m storage.Message) (int64, error) {
	if m.ReplyTo != 0 || m.ReplyToCard == "" {
		return m.ReplyTo, nil
	}
	chatID, id, ok, err := s.store.CardMessage(ctx, m.ReplyToCard)
	if err != nil || !ok || chatID != m.ChatID {
		return 0, err
	}
	return id, nil
}

// SplitMessage turns m into the outbox messages to enqueue: one per piece
// of m.HTML at Telegram's 4096-character limit, keyed "<key>", "<key>#2",
// ..., created a millisecond apart so they keep their order, with the card
// and the reply on the first piece and the keyboard on the last. An edit
// keeps only its first piece (an edit cannot grow into several messages);
// the rest would need sends of their own.
func SplitMessage(m storage.Message, now time.Time) []storage.Message {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now
	}
	pieces := render.Split(m.HTML, render.MaxMessage)
	if m.Kind != storage.KindSend || len(pieces) <= 1 {
		if len(pieces) > 0 {
			m.HTML = pieces[0]
		}
		return []storage.Message{m}
	}
	out := make([]storage.Message, len(pieces))
	for i, p := range pieces {
		part := m
		part.HTML = p
		part.CreatedAt = m.CreatedAt.Add(time.Duration(i) * time.Millisecond)
		if !m.NotBefore.IsZero() {
			part.NotBefore = m.NotBefore.Add(time.Duration(i) * time.Millisecond)
		}
		if i > 0 {
			part.Key = m.Key + "#" + strconv.Itoa(i+1)
			// The first piece is the card, and the reply.
			part.Card, part.ReplyTo, part.ReplyToCard = "", 0, ""
		}
		if i < len(pieces)-1 {
			part.Keyboard = nil
		}
		out[i] = part
	}
	return out
}
