package config

import (
	"strings"
	"testing"
)

func TestRole(t *testing.T) {
	none := &Config{}
	if role, configured := none.Role(1); role != "" || configured {
		t.Errorf("no roles: Role(1) = %q, %v; want \"\", false", role, configured)
	}
	c := &Config{Auth: Auth{Admins: []int64{1}, Operators: []int64{2}, Viewers: []int64{3}}}
	for id, want := range map[int64]string{1: RoleAdmin, 2: RoleOperator, 3: RoleViewer, 4: ""} {
		if role, configured := c.Role(id); role != want || !configured {
			t.Errorf("Role(%d) = %q, %v; want %q, true", id, role, configured, want)
		}
	}
}

func TestRedacted(t *testing.T) {
	c := validConfig()
	c.Storage.URI = "mongodb+srv://user:hunter2@cluster0.example.net/opsbot?authSource=admin&tlsCertificateKeyFilePassword=x"
	c.Auth.Admins = []int64{1}
	r := c.Redacted()
	if r.Telegram.Token != "[redacted]" {
		t.Errorf("token = %q", r.Telegram.Token)
	}
	if r.Storage.URI != "mongodb+srv://cluster0.example.net/opsbot" {
		t.Errorf("uri = %q", r.Storage.URI)
	}
	if c.Telegram.Token != testToken || !strings.Contains(c.Storage.URI, "hunter2") {
		t.Error("Redacted changed the original")
	}
	r.Auth.Admins[0] = 99
	if c.Auth.Admins[0] != 1 {
		t.Error("Redacted shares slices with the original")
	}
	c.Storage.URI = "not a url at all: user:pw"
	if got := c.Redacted().Storage.URI; got != "[redacted]" {
		t.Errorf("unparsable uri = %q", got)
	}
	if got := Default().Redacted(); got.Telegram.Token != "" || got.Storage.URI != "" {
		t.Errorf("empty secrets should stay empty: %+v", got)
	}
}
