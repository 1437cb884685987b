package config

import (
	"maps"
	"net/url"
	"slices"
)

// Redacted returns a copy of c that is safe to log: the bot token, the
// webhook secret and the escalation action's Railway token and secret
// header values are replaced by "[redacted]", and the MongoDB URI keeps only its scheme, hosts and
// database (no user, password or options).
func (c *Config) Redacted() *Config {
	r := *c
	r.Telegram.AllowedChats = slices.Clone(c.Telegram.AllowedChats)
	r.Auth.Admins = slices.Clone(c.Auth.Admins)
	r.Auth.Operators = slices.Clone(c.Auth.Operators)
	r.Auth.Viewers = slices.Clone(c.Auth.Viewers)
	r.Escalation = c.Escalation.redacted()
	if r.Telegram.Token != "" {
		r.Telegram.Token = redacted
	}
	if r.Telegram.WebhookSecret != "" {
		r.Telegram.WebhookSecret = redacted
	}
	if r.Storage.URI != "" {
		r.Storage.URI = redactURI(r.Storage.URI)
	}
	return &r
}

const redacted = "[redacted]"

func redactURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return redacted
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// redacted returns a copy of e that shares nothing with it and holds no
// secret.
func (e *Escalation) redacted() Escalation {
	r := *e
	r.Levels = slices.Clone(e.Levels)
	for i := range r.Levels {
		r.Levels[i].Notify = slices.Clone(e.Levels[i].Notify)
	}
	a := &r.Action
	a.Command = slices.Clone(e.Action.Command)
	a.HTTP.Headers = maps.Clone(e.Action.HTTP.Headers)
	a.HTTP.HeadersEnv = maps.Clone(e.Action.HTTP.HeadersEnv)
	a.HTTP.SecretHeader = maps.Clone(e.Action.HTTP.SecretHeader)
	for k, v := range a.HTTP.SecretHeader {
		if v != "" {
			a.HTTP.SecretHeader[k] = redacted
		}
	}
	if a.Railway.Token != "" {
		a.Railway.Token = redacted
	}
	return r
}
