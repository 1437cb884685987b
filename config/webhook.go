package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// Environment variables of webhook mode.
const (
	envWebhookURL    = "WEBHOOK_URL"
	envWebhookSecret = "WEBHOOK_SECRET"
)

// webhookSecretRE is Telegram's rule for setWebhook's secret_token.
var webhookSecretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// webhookPathRE is what opsbot accepts as the webhook URL's path: it
// becomes a route of the HTTP server, so no pattern syntax ({...}) and no
// characters that need escaping.
var webhookPathRE = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+/?$`)

// reservedPaths are served by opsbot's HTTP server already.
var reservedPaths = []string{"/healthz", "/readyz", "/metrics", "/webhook/bot-events"}

// Webhook reports whether webhook mode is on (WEBHOOK_URL is set).
func (t *Telegram) Webhook() bool { return t.WebhookURL != "" }

// validateWebhook checks webhook mode: WEBHOOK_URL and WEBHOOK_SECRET are
// set both or neither, the secret follows Telegram's rule and the URL is
// one Telegram can call and opsbot can route.
func (t *Telegram) validateWebhook(path string, add addFunc) {
	urlPath := path + ".webhook_url"
	switch {
	case t.WebhookURL == "" && t.WebhookSecret == "":
		return
	case t.WebhookURL == "":
		add(urlPath, "not set, but "+envWebhookSecret+" is: set "+envWebhookURL+" (or "+urlPath+") too for webhook mode, or unset "+envWebhookSecret+" to use long polling")
		return
	case t.WebhookSecret == "":
		add(envWebhookSecret, "not set, but "+envWebhookURL+" is: webhook mode needs a secret of 1-256 characters A-Z, a-z, 0-9, _ and - "+
			"(Telegram sends it with every update, so that opsbot can refuse requests from anyone else); or unset "+envWebhookURL+" to use long polling")
	case !webhookSecretRE.MatchString(t.WebhookSecret):
		add(envWebhookSecret, fmt.Sprintf("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token), got %d characters; the value is not shown", len(t.WebhookSecret)))
	}
	if msg := webhookURLProblem(t.WebhookURL); msg != "" {
		add(urlPath, msg)
	}
}

// webhookURLProblem checks the public webhook URL, or returns "".
func webhookURLProblem(raw string) string {
	const example = "like https://opsbot.example.com/telegram/webhook"
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "is not an absolute URL; use an https URL " + example
	}
	local := isLocalHost(u.Hostname())
	switch {
	case u.Scheme == "http" && !local:
		return fmt.Sprintf("%s must be https (Telegram calls only https webhooks; http is allowed for localhost and 127.0.0.1 only, for tests)", quote(u.Redacted()))
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Sprintf("%s must be an https URL %s", quote(u.Redacted()), example)
	case u.User != nil:
		return "must not hold a user or password (the value is not shown)"
	case u.Fragment != "":
		return fmt.Sprintf("%s must not have a fragment", quote(u.Redacted()))
	}
	if port := u.Port(); !local && port != "" && port != "443" && port != "80" && port != "88" && port != "8443" {
		return fmt.Sprintf("%s: Telegram calls webhooks only on ports 443, 80, 88 and 8443; put a reverse proxy in front of HTTP_ADDR", quote(u.Redacted()))
	}
	p := strings.TrimSuffix(u.Path, "/")
	if !webhookPathRE.MatchString(u.Path) || strings.Contains(u.Path+"/", "/./") || strings.Contains(u.Path+"/", "/../") {
		return fmt.Sprintf("%s needs a path (opsbot serves the webhook at that path on HTTP_ADDR) made of letters, digits and . _ ~ - between slashes, %s", quote(u.Redacted()), example)
	}
	for _, r := range reservedPaths {
		if p == r {
			return fmt.Sprintf("%s: the path %s is taken by opsbot's own endpoint; choose another, %s", quote(u.Redacted()), r, example)
		}
	}
	return ""
}

func isLocalHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
