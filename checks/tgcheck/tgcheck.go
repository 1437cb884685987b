// Package tgcheck checks a Telegram bot's health through the Bot API:
// getMe proves that the API is reachable and the token is valid, and
// getWebhookInfo shows the webhook, the updates waiting for delivery and
// Telegram's last error delivering to the webhook.
//
// It talks to the Bot API with net/http rather than a bot library: it needs
// two read-only methods, Telegram's own error codes and descriptions, and
// full control over what an error may quote (a library's errors carry the
// request URL, which holds the token). It never calls getUpdates, so it does
// not disturb a bot that polls.
package tgcheck

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// Checker checks one bot. It is safe for concurrent use.
type Checker struct {
	o Options
}

var _ checks.Checker = (*Checker)(nil)

// New returns a Checker for o, or an error naming the first invalid field.
func New(o Options) (checks.Checker, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Checker{o: o}, nil
}

// Check calls getMe, then getWebhookInfo. A failing getMe is critical, as
// is a webhook other than Options.ExpectWebhookURL; a failing
// getWebhookInfo, too many pending updates or a recent webhook error warn.
// Value is getMe's latency in milliseconds; Metrics hold getme_ms,
// pending_update_count and, when Telegram reports a webhook error,
// last_error_age_s.
func (c *Checker) Check(ctx context.Context) checks.Result {
	return checks.Timed(ctx, c.o.Timeout, c.o.Now, c.run)
}

func (c *Checker) run(ctx context.Context) checks.Result {
	start := time.Now()
	var me user
	if f := c.call(ctx, "getMe", &me); f != nil {
		return checks.Fail("%s", f.msg)
	}
	getMeMS := float64(time.Since(start).Microseconds()) / 1000
	r := checks.Result{
		Value:   getMeMS,
		Unit:    "ms",
		Metrics: map[string]float64{"getme_ms": getMeMS},
	}
	name := "bot " + fmt.Sprint(me.ID)
	if me.Username != "" {
		name = "@" + me.Username
	}

	var wh webhookInfo
	if f := c.call(ctx, "getWebhookInfo", &wh); f != nil {
		r.Status = checks.StatusWarn
		r.Message = name + " answers, but " + f.msg
		return r
	}
	r.Metrics["pending_update_count"] = float64(wh.PendingUpdateCount)

	var problems []string
	add := func(s checks.Status, problem string) {
		r.Status = checks.Worst(r.Status, s)
		problems = append(problems, problem)
	}
	if c.o.ExpectWebhookURL != "" && wh.URL != c.o.ExpectWebhookURL {
		add(checks.StatusCrit, webhookMismatch(wh.URL, c.o.ExpectWebhookURL))
	}
	if wh.PendingUpdateCount > c.o.MaxPendingUpdates {
		add(checks.StatusWarn, fmt.Sprintf("%d pending updates (warn above %d)", wh.PendingUpdateCount, c.o.MaxPendingUpdates))
	}
	if wh.LastErrorDate > 0 {
		age := max(c.o.Now().Sub(time.Unix(wh.LastErrorDate, 0)), 0)
		r.Metrics["last_error_age_s"] = age.Seconds()
		if age < c.o.LastErrorWithin {
			msg := c.sanitize(wh.LastErrorMessage)
			if msg == "" {
				msg = "no description"
			}
			add(checks.StatusWarn, fmt.Sprintf("webhook error %s ago: %s", roundAge(age), msg))
		}
	}

	if len(problems) > 0 {
		r.Message = name + ": " + strings.Join(problems, "; ")
		return r
	}
	mode := "no webhook"
	if wh.URL != "" {
		mode = "webhook set"
	}
	r.Message = fmt.Sprintf("%s ok: %s, %d pending updates", name, mode, wh.PendingUpdateCount)
	return r
}

// webhookMismatch describes a wrong webhook by its host only: a webhook
// URL's path often carries a secret (some bots put their token there).
func webhookMismatch(got, want string) string {
	wantHost := hostOf(want)
	switch gotHost := hostOf(got); {
	case got == "":
		return "no webhook set (want one at " + wantHost + ")"
	case gotHost != wantHost:
		return "webhook points to " + gotHost + " (want " + wantHost + ")"
	default:
		return "webhook URL on " + gotHost + " differs from the expected one"
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "an unparsable URL"
	}
	return u.Host
}

// roundAge renders an age for a message: "45s", "3m", "2h".
func roundAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	default:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
}
