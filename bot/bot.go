// Package bot is opsbot's Telegram wiring: the API client, update routing
// (/cmd, /cmd args, /cmd@ThisBot), authorisation, audit, panic recovery,
// bounded concurrency, rendering and sending with retries. It knows nothing
// of checks or incidents; commands are handed to it in a Registry.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/storage"
)

// ErrUnauthorized means Telegram rejected the bot token: nothing will work
// until the token is fixed, so Run stops.
var ErrUnauthorized = errors.New("telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized); copy the token again from @BotFather")

// AuditRecorder records what users did.
type AuditRecorder interface {
	Record(ctx context.Context, e storage.AuditEntry) error
}

// Options configure a Bot.
type Options struct {
	Token           string
	APIURL          string
	Access          Access
	PollTimeout     time.Duration
	Workers         int
	HandlerTimeout  time.Duration
	ShutdownTimeout time.Duration
	// WebhookURL, with WebhookSecret, switches from long polling to a
	// webhook: Run calls setWebhook and updates arrive through the handler
	// of WebhookRoute. Empty means long polling.
	WebhookURL    string
	WebhookSecret string
	// PollAfter holds long polling back until it is closed: only the
	// leader of several replicas may poll, since Telegram allows one
	// getUpdates consumer. Run connects at once either way. nil polls at
	// once; webhook mode ignores it (every replica takes updates).
	PollAfter <-chan struct{}

	// UserLimit bounds each user's commands and button presses; zero is
	// DefaultUserLimit, a negative N turns the limit off.
	UserLimit Limit

	Registry *commands.Registry
	Audit    AuditRecorder
	Metrics  *Metrics
	Logger   *slog.Logger
	Clock    clockwork.Clock
	// Sleep waits between retries; nil waits for real.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Bot is opsbot's presence in Telegram.
type Bot struct {
	opts   Options
	api    *tgbot.Bot
	tr     *transport
	send   *sender
	auth   *authorizer
	log    *slog.Logger
	clock  clockwork.Clock
	reg    *commands.Registry
	audit  AuditRecorder
	metric *Metrics
	// userLimit is the per-user command limit.
	userLimit *userLimiter
	hook      *webhook // nil when polling

	mu       sync.RWMutex
	username string
	workCtx  context.Context
}

// New builds a Bot. It does not touch the network; Run does.
func New(opts Options) (*Bot, error) {
	if opts.Registry == nil || opts.Audit == nil || opts.Metrics == nil {
		return nil, errors.New("bot: Registry, Audit and Metrics are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	opts.Workers = max(opts.Workers, 1)
	if opts.PollTimeout < 2*time.Second {
		opts.PollTimeout = 30 * time.Second
	}
	if opts.HandlerTimeout <= 0 {
		opts.HandlerTimeout = 30 * time.Second
	}
	b := &Bot{
		opts:   opts,
		auth:   newAuthorizer(opts.Access),
		log:    opts.Logger.With("component", "bot"),
		clock:  opts.Clock,
		reg:    opts.Registry,
		audit:  opts.Audit,
		metric: opts.Metrics,
	}
	if opts.UserLimit == (Limit{}) {
		opts.UserLimit = DefaultUserLimit
	}
	b.userLimit = newUserLimiter(opts.Clock, opts.UserLimit)
	b.tr = &transport{next: http.DefaultTransport.(*http.Transport).Clone(), metrics: opts.Metrics, clock: opts.Clock}
	client := &http.Client{Transport: b.tr, Timeout: opts.PollTimeout + 15*time.Second}
	api, err := tgbot.New(opts.Token,
		tgbot.WithSkipGetMe(),
		tgbot.WithServerURL(strings.TrimRight(opts.APIURL, "/")),
		tgbot.WithHTTPClient(opts.PollTimeout, client),
		tgbot.WithNotAsyncHandlers(),
		tgbot.WithWorkers(opts.Workers),
		tgbot.WithUpdatesChannelCap(opts.Workers),
		tgbot.WithAllowedUpdates(allowedUpdates),
		tgbot.WithDefaultHandler(b.handle),
		tgbot.WithErrorsHandler(func(err error) { b.log.Warn("telegram", "err", err) }),
		tgbot.WithDebugHandler(func(string, ...any) {}),
	)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	b.api = api
	if opts.WebhookURL != "" {
		if b.hook, err = newWebhook(opts.WebhookURL, opts.WebhookSecret, opts.Workers); err != nil {
			return nil, err
		}
	}
	b.send = &sender{api: api, log: b.log, sleep: opts.Sleep, maxAttempts: 5}
	return b, nil
}

// Username is the bot's username, known once Run has called getMe.
func (b *Bot) Username() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.username
}

// Ready reports whether Telegram is reachable: getMe has succeeded and the
// latest Bot API call got an answer.
func (b *Bot) Ready() error {
	if b.Username() == "" {
		return errors.New("telegram: not connected yet")
	}
	if _, err := b.tr.status(); err != nil {
		return err
	}
	return nil
}

// Run connects to Telegram, registers the command menu and handles updates
// by long polling (or, with WebhookURL, registers the webhook and handles
// the updates its handler receives) until ctx ends; then it lets in-flight
// handlers finish their replies for up to ShutdownTimeout.
func (b *Bot) Run(ctx context.Context) error {
	if b.hook != nil {
		defer b.hook.stop() // whatever happens, webhook requests stop waiting for workers
	}
	if err := b.connect(ctx); err != nil {
		return err
	}
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	b.mu.Lock()
	b.workCtx = workCtx
	b.mu.Unlock()

	polled := make(chan struct{})
	if b.hook != nil {
		go func() {
			defer close(polled)
			b.runWebhookWorkers(ctx)
		}()
		b.log.Info("receiving updates by webhook", "username", b.Username(), "workers", b.opts.Workers, "path", b.hook.path)
	} else {
		go func() {
			defer close(polled)
			if b.opts.PollAfter != nil {
				b.log.Info("standing by: another replica polls for updates", "username", b.Username())
				select {
				case <-b.opts.PollAfter:
				case <-ctx.Done():
					return
				}
			}
			b.log.Info("polling for updates", "username", b.Username(), "workers", b.opts.Workers)
			b.api.Start(ctx)
		}()
	}
	<-ctx.Done()
	if b.hook != nil {
		b.hook.stop() // new webhook requests get 503: Telegram retries them later
	}

	drain := time.NewTimer(b.opts.ShutdownTimeout)
	defer drain.Stop()
	select {
	case <-polled:
	case <-drain.C:
		b.log.Warn("shutdown timeout: cancelling unfinished handlers", "timeout", b.opts.ShutdownTimeout)
		cancelWork()
		<-polled
	}
	return nil
}

// connect calls getMe until it succeeds, registers the webhook in webhook
// mode or makes sure no webhook stands in the way of polling, and registers
// the command menu.
func (b *Bot) connect(ctx context.Context) error {
	backoff := time.Second
	for {
		me, err := b.api.GetMe(ctx)
		if err == nil {
			b.mu.Lock()
			b.username = me.Username
			b.mu.Unlock()
			break
		}
		if errors.Is(err, tgbot.ErrorUnauthorized) || errors.Is(err, tgbot.ErrorNotFound) {
			return ErrUnauthorized
		}
		if ctx.Err() != nil {
			return nil
		}
		b.log.Warn("telegram not reachable, retrying", "err", err, "wait", backoff)
		if b.opts.Sleep(ctx, backoff) != nil {
			return nil
		}
		backoff = min(backoff*2, 30*time.Second)
	}
	if b.hook != nil {
		if err := b.setWebhook(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	} else if info, err := b.api.GetWebhookInfo(ctx); err != nil {
		b.log.Warn("getWebhookInfo failed", "err", err)
	} else if info.URL != "" {
		b.log.Warn("a webhook is set; deleting it so that polling works")
		if _, err := b.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("deleting the webhook: %w", err)
		}
	}
	if err := b.setCommands(ctx); err != nil {
		b.log.Warn("setMyCommands failed; the command menu may be stale", "err", err)
	}
	return nil
}

func (b *Bot) setCommands(ctx context.Context) error {
	var list []models.BotCommand
	for _, c := range b.reg.All() {
		list = append(list, models.BotCommand{Command: c.Name, Description: c.Description})
	}
	return b.send.retry(ctx, "setMyCommands", func() error {
		_, err := b.api.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: list})
		return err
	})
}

// NewOutboxSender returns an OutboxSender that calls Telegram through the
// Bot's own client, so its calls share the Bot's token, server URL and
// transport (API error metrics and the readiness /readyz reports). Unset
// Logger and Clock default to the Bot's; opts.API is replaced.
func (b *Bot) NewOutboxSender(opts OutboxOptions) (*OutboxSender, error) {
	opts.API = b.api
	if opts.Logger == nil {
		opts.Logger = b.opts.Logger
	}
	if opts.Clock == nil {
		opts.Clock = b.clock
	}
	return NewOutboxSender(opts)
}
