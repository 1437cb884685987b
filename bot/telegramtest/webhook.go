package telegramtest

import (
	"context"
	"net/url"
	"regexp"
	"slices"
)

// This file implements setWebhook, deleteWebhook and getWebhookInfo. The
// fake records the webhook and delivers updates to it only when a test
// calls Deliver; while a webhook is set, getUpdates answers 409 as
// Telegram does.

const defaultMaxConnections = 40

var secretTokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func setWebhook(s *Server, _ context.Context, p params) (any, *apiError) {
	raw := p.str("url")
	if raw == "" {
		s.clearWebhookLocked(p.bool("drop_pending_updates"))
		return true, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, badRequest("bad webhook: Failed to resolve host: Name or service not known")
	}
	if u.Scheme != "https" {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	switch u.Port() {
	case "", "443", "80", "88", "8443":
	default:
		return nil, badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
	}
	if p.has("secret_token") && !secretTokenRE.MatchString(p.str("secret_token")) {
		return nil, badRequest("bad webhook: secret token contains unallowed characters")
	}
	maxConn := defaultMaxConnections
	if p.has("max_connections") {
		maxConn = int(min(max(p.int("max_connections"), 1), 100))
	}
	w := WebhookInfo{URL: raw, SecretToken: p.str("secret_token"), MaxConnections: maxConn, IPAddress: p.str("ip_address")}
	if p.has("allowed_updates") {
		w.AllowedUpdates = stringList(p["allowed_updates"])
		s.state.updates.allowed = w.AllowedUpdates
	}
	s.state.webhook = w
	if p.bool("drop_pending_updates") {
		s.state.updates.pending = nil
	}
	return true, nil
}

func deleteWebhook(s *Server, _ context.Context, p params) (any, *apiError) {
	s.clearWebhookLocked(p.bool("drop_pending_updates"))
	return true, nil
}

func (s *Server) clearWebhookLocked(dropPending bool) {
	s.state.webhook = WebhookInfo{}
	if dropPending {
		s.state.updates.pending = nil
	}
}

func getWebhookInfo(s *Server, _ context.Context, _ params) (any, *apiError) {
	w := s.state.webhook
	j := map[string]any{
		"url":                    w.URL,
		"has_custom_certificate": false,
		"pending_update_count":   len(s.state.updates.pending),
	}
	if w.URL != "" {
		j["max_connections"] = w.MaxConnections
		if w.IPAddress != "" {
			j["ip_address"] = w.IPAddress
		}
		if w.AllowedUpdates != nil {
			j["allowed_updates"] = w.AllowedUpdates
		}
	}
	return j, nil
}

// Webhook returns the webhook as set by the last setWebhook (URL "" when
// none is set), with the current number of pending updates.
func (s *Server) Webhook() WebhookInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.state.webhook
	w.AllowedUpdates = slices.Clone(w.AllowedUpdates)
	w.PendingUpdateCount = len(s.state.updates.pending)
	return w
}
