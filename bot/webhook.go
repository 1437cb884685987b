package bot

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Webhook mode: with Options.WebhookURL set, Run registers the webhook with
// setWebhook instead of long polling, and Telegram POSTs each update to
// the handler that WebhookRoute returns (served by the app's HTTP server).
// Updates go through the same handling as polled ones (go-telegram/bot's
// ProcessUpdate, so b.handle) on Workers goroutines.

const (
	// maxWebhookBody bounds a webhook request's body; Telegram's updates
	// are far smaller.
	maxWebhookBody = 1 << 20
	// secretHeader carries setWebhook's secret_token in Telegram's requests.
	secretHeader = "X-Telegram-Bot-Api-Secret-Token"
	// webhookErrorWindow is how long a delivery error that getWebhookInfo
	// reports makes /readyz fail.
	webhookErrorWindow = 5 * time.Minute
)

// allowedUpdates are the update types opsbot handles, for getUpdates and
// setWebhook alike.
var allowedUpdates = []string{"message", "callback_query"}

// webhook is the state of webhook mode.
type webhook struct {
	url    string
	path   string
	secret [sha256.Size]byte // compared in constant time, hashed so that the length does not leak
	// updates hands accepted updates to the workers; closed (stopped)
	// once Run stops, after which requests get 503 and Telegram retries.
	updates    chan *models.Update
	stopped    chan struct{}
	stopOnce   sync.Once
	registered bool
}

func newWebhook(rawURL, secret string, workers int) (*webhook, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || u.Path == "" || u.Path == "/" {
		return nil, errors.New("bot: WebhookURL must be an absolute URL with a path")
	}
	if secret == "" {
		return nil, errors.New("bot: WebhookSecret is required with WebhookURL")
	}
	return &webhook{
		url:     rawURL,
		path:    u.Path,
		secret:  sha256.Sum256([]byte(secret)),
		updates: make(chan *models.Update, workers),
		stopped: make(chan struct{}),
	}, nil
}

func (h *webhook) stop() { h.stopOnce.Do(func() { close(h.stopped) }) }

// WebhookRoute returns the ServeMux pattern ("POST /path") and the handler
// for Telegram's webhook requests, or ok false in polling mode.
//
// The handler answers 401 to a request without the right
// X-Telegram-Bot-Api-Secret-Token (compared in constant time), 413 to a
// body over 1 MiB, 400 to a body that is not an update, 503 once the bot
// has stopped, and 200 once the update is queued for the workers (it does
// not wait for the command to run).
func (b *Bot) WebhookRoute() (pattern string, h http.Handler, ok bool) {
	if b.hook == nil {
		return "", nil, false
	}
	pattern = "POST " + b.hook.path
	if strings.HasSuffix(pattern, "/") {
		pattern += "{$}"
	}
	return pattern, http.HandlerFunc(b.serveWebhook), true
}

func (b *Bot) serveWebhook(w http.ResponseWriter, r *http.Request) {
	got := sha256.Sum256([]byte(r.Header.Get(secretHeader)))
	if subtle.ConstantTimeCompare(got[:], b.hook.secret[:]) != 1 {
		b.metric.Updates.WithLabelValues("webhook", "unauthorized").Inc()
		b.log.Warn("webhook request without the right secret token; refused", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			b.log.Warn("webhook request body too large; refused", "limit", maxWebhookBody)
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return
	}
	upd := new(models.Update)
	if err := json.Unmarshal(body, upd); err != nil || upd.ID <= 0 {
		b.log.Warn("webhook request is not an update; refused", "err", err)
		http.Error(w, "the body is not a Telegram update", http.StatusBadRequest)
		return
	}
	select {
	case <-b.hook.stopped:
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	default:
	}
	select {
	case b.hook.updates <- upd:
		w.WriteHeader(http.StatusOK)
	case <-b.hook.stopped:
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
	case <-r.Context().Done():
	}
}

// runWebhookWorkers handles queued webhook updates on Workers goroutines,
// like go-telegram/bot's own workers do for polled updates, until ctx ends.
func (b *Bot) runWebhookWorkers(ctx context.Context) {
	var wg sync.WaitGroup
	for range b.opts.Workers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case upd := <-b.hook.updates:
					b.api.ProcessUpdate(ctx, upd)
				}
			}
		})
	}
	wg.Wait()
}

// setWebhook points Telegram at our webhook, retrying what is worth it.
func (b *Bot) setWebhook(ctx context.Context) error {
	err := b.send.retry(ctx, "setWebhook", func() error {
		_, err := b.api.SetWebhook(ctx, &tgbot.SetWebhookParams{
			URL:            b.hook.url,
			SecretToken:    b.opts.WebhookSecret,
			AllowedUpdates: allowedUpdates,
		})
		return err
	})
	if err != nil {
		if errors.Is(err, tgbot.ErrorUnauthorized) {
			return ErrUnauthorized
		}
		return fmt.Errorf("setWebhook (check WEBHOOK_URL): %w", err)
	}
	b.mu.Lock()
	b.hook.registered = true
	b.mu.Unlock()
	return nil
}

// ReadyContext is Ready and, in webhook mode, also asks Telegram
// (getWebhookInfo) that the webhook is ours and delivering: the URL is
// WebhookURL and no delivery failed in the last five minutes.
func (b *Bot) ReadyContext(ctx context.Context) error {
	if err := b.Ready(); err != nil {
		return err
	}
	if b.hook == nil {
		return nil
	}
	b.mu.RLock()
	registered := b.hook.registered
	b.mu.RUnlock()
	if !registered {
		return errors.New("telegram: webhook not registered yet")
	}
	info, err := b.api.GetWebhookInfo(ctx)
	if err != nil {
		return fmt.Errorf("telegram: getWebhookInfo: %w", err)
	}
	if info.URL != b.hook.url {
		if info.URL == "" {
			return errors.New("telegram: no webhook is set (another instance may have deleted it to poll)")
		}
		return errors.New("telegram: the webhook points elsewhere (another instance may have set its own)")
	}
	if info.LastErrorDate > 0 {
		at := time.Unix(int64(info.LastErrorDate), 0)
		if b.clock.Since(at) < webhookErrorWindow {
			return fmt.Errorf("telegram: webhook delivery failed %s ago: %s", b.clock.Since(at).Round(time.Second), info.LastErrorMessage)
		}
	}
	return nil
}
