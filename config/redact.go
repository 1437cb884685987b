package config

import (
	"net/url"
	"slices"
)

// Redacted returns a copy of c that is safe to log: the bot token is
// replaced by "[redacted]", and the MongoDB URI keeps only its scheme, hosts
// and database (no user, password or options).
func (c *Config) Redacted() *Config {
	r := *c
	r.Telegram.AllowedChats = slices.Clone(c.Telegram.AllowedChats)
	r.Auth.Admins = slices.Clone(c.Auth.Admins)
	r.Auth.Operators = slices.Clone(c.Auth.Operators)
	r.Auth.Viewers = slices.Clone(c.Auth.Viewers)
	if r.Telegram.Token != "" {
		r.Telegram.Token = redacted
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
