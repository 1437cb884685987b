package commands

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/storage"
)

type auditFunc func(ctx context.Context, limit int) ([]storage.AuditEntry, error)

func (f auditFunc) Recent(ctx context.Context, limit int) ([]storage.AuditEntry, error) {
	return f(ctx, limit)
}

func registry(t *testing.T, log AuditReader) *Registry {
	t.Helper()
	reg, err := NewRegistry(Start())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Command{Help(reg), WhoAmI(), Audit(log)} {
		if err := reg.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	return reg
}

func run(t *testing.T, reg *Registry, name, args string, role Role) (Reply, error) {
	t.Helper()
	c, ok := reg.Lookup(name)
	if !ok {
		t.Fatalf("no command %s", name)
	}
	return c.Handle(context.Background(), Request{Command: name, Args: args, ChatID: -100, UserID: 42, Username: "alice", Role: role})
}

func TestHelpListsWhatTheRoleMayRun(t *testing.T) {
	reg := registry(t, auditFunc(func(context.Context, int) ([]storage.AuditEntry, error) { return nil, nil }))
	admin, err := run(t, reg, "help", "", RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := run(t, reg, "help", "", RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(admin.HTML, "/audit") || strings.Contains(viewer.HTML, "/audit") {
		t.Fatalf("admin sees:\n%s\nviewer sees:\n%s", admin.HTML, viewer.HTML)
	}
	if !strings.Contains(viewer.HTML, "1 command needs a higher role") {
		t.Fatalf("viewer is not told about hidden commands:\n%s", viewer.HTML)
	}
	one, _ := run(t, reg, "help", "/AUDIT", RoleViewer)
	if !strings.Contains(one.HTML, "<code>/audit [1-50]</code>") || !strings.Contains(one.HTML, "<b>admin</b>") {
		t.Fatalf("help audit:\n%s", one.HTML)
	}
	missing, _ := run(t, reg, "help", "nope", RoleViewer)
	if !strings.Contains(missing.HTML, "No command /nope") {
		t.Fatalf("help nope:\n%s", missing.HTML)
	}
	if _, err := run(t, reg, "help", "a b", RoleViewer); !errors.Is(err, ErrUsage) {
		t.Fatalf("help a b: err = %v", err)
	}
}

func TestAuditShowsEntriesAndChecksItsArgument(t *testing.T) {
	var asked int
	log := auditFunc(func(_ context.Context, limit int) ([]storage.AuditEntry, error) {
		asked = limit
		return []storage.AuditEntry{{
			At: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), UserID: 7, Kind: "command", Action: "help", Outcome: "ok",
		}, {
			At: time.Date(2026, 11, 27, 8, 59, 0, 0, time.UTC), UserID: 8, Username: "<mallory>", Kind: "command", Action: "audit", Outcome: "denied", Detail: "needs admin",
		}}, nil
	})
	reg := registry(t, log)
	r, err := run(t, reg, "audit", "", RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if asked != auditDefault {
		t.Fatalf("asked for %d entries", asked)
	}
	for _, want := range []string{"2026-11-27 09:00:00", "7", "command help", "→ ok", "&lt;mallory&gt;", "(needs admin)"} {
		if !strings.Contains(r.HTML, want) {
			t.Fatalf("missing %q in\n%s", want, r.HTML)
		}
	}
	if _, err := run(t, reg, "audit", "25", RoleAdmin); err != nil || asked != 25 {
		t.Fatalf("audit 25: asked %d, err %v", asked, err)
	}
	for _, bad := range []string{"0", "51", "ten", "1 2"} {
		if _, err := run(t, reg, "audit", bad, RoleAdmin); !errors.Is(err, ErrUsage) {
			t.Fatalf("audit %q: err = %v", bad, err)
		}
	}
	failing := registry(t, auditFunc(func(context.Context, int) ([]storage.AuditEntry, error) { return nil, errors.New("db down") }))
	if _, err := run(t, failing, "audit", "", RoleAdmin); err == nil {
		t.Fatal("a storage error must reach the bot, which logs it")
	}
}

func TestWhoAmI(t *testing.T) {
	reg := registry(t, auditFunc(func(context.Context, int) ([]storage.AuditEntry, error) { return nil, nil }))
	r, err := run(t, reg, "whoami", "", RoleOperator)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<code>42</code>", "@alice", "<b>operator</b>", "<code>-100</code>"} {
		if !strings.Contains(r.HTML, want) {
			t.Fatalf("missing %q in\n%s", want, r.HTML)
		}
	}
	if _, err := run(t, reg, "whoami", "x", RoleOperator); !errors.Is(err, ErrUsage) {
		t.Fatalf("err = %v", err)
	}
}

func TestRegistryRejectsWiringMistakes(t *testing.T) {
	ok := Command{Name: "ok", Description: "fine", MinRole: RoleViewer, Handle: func(context.Context, Request) (Reply, error) { return Reply{}, nil }}
	bad := []Command{
		func() Command { c := ok; c.Name = "Bad-Name"; return c }(),
		func() Command { c := ok; c.Handle = nil; return c }(),
		func() Command { c := ok; c.Description = ""; return c }(),
		func() Command { c := ok; c.MinRole = RoleNone; return c }(),
	}
	for _, c := range bad {
		if _, err := NewRegistry(c); err == nil {
			t.Errorf("accepted %+v", c)
		}
	}
	if _, err := NewRegistry(ok, ok); err == nil {
		t.Error("accepted a duplicate")
	}
}
