package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/opsbot/opsbot/bot"
	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// memAudit keeps audit entries in memory and passes each to the real audit
// log too, so that an outcome storage refuses fails the test.
type memAudit struct {
	t    *testing.T
	real bot.AuditRecorder

	mu      sync.Mutex
	entries []storage.AuditEntry
	changed chan struct{}
}

func (a *memAudit) Record(ctx context.Context, e storage.AuditEntry) error {
	if err := a.real.Record(ctx, e); err != nil {
		a.t.Errorf("storage refused audit entry %+v: %v", e, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, e)
	close(a.changed)
	a.changed = make(chan struct{})
	return nil
}

// waitUser waits until user has n audit entries and returns them.
func (a *memAudit) waitUser(user int64, n int) []storage.AuditEntry {
	a.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		a.mu.Lock()
		var mine []storage.AuditEntry
		for _, e := range a.entries {
			if e.UserID == user {
				mine = append(mine, e)
			}
		}
		changed := a.changed
		a.mu.Unlock()
		if len(mine) >= n {
			return mine
		}
		select {
		case <-changed:
		case <-deadline:
			a.t.Fatalf("user %d: %d audit entries, want %d", user, len(mine), n)
		}
	}
}

type limitEnv struct {
	t     *testing.T
	fake  *telegramtest.Server
	clock *clockwork.FakeClock
	audit *memAudit
}

var (
	carol = telegramtest.User{ID: 501, FirstName: "Carol", Username: "carol"}
	dave  = telegramtest.User{ID: 502, FirstName: "Dave", Username: "dave"}
)

// newLimitEnv runs a Bot (no roles configured: everybody in opsGroup is an
// admin) with /ping, which answers "pong" with a "tap:1" button, until the
// test ends.
func newLimitEnv(t *testing.T) *limitEnv {
	t.Helper()
	clock := clockwork.NewFakeClockAt(time.Now().UTC().Truncate(time.Millisecond))
	fake := telegramtest.New(t, telegramtest.WithClock(clock.Now))
	fake.AddChat(opsGroup)
	reg, err := commands.NewRegistry(commands.Command{
		Name: "ping", Description: "answers pong", Usage: "/ping", MinRole: commands.RoleViewer,
		Handle: func(context.Context, commands.Request) (commands.Reply, error) {
			return commands.Reply{HTML: "pong", Keyboard: [][]render.Button{{{Text: "Tap", CallbackData: "tap:1"}}}}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.AddAction(commands.Action{Name: "tap", MinRole: commands.RoleViewer,
		Handle: func(context.Context, commands.Press) (commands.Outcome, error) {
			return commands.Outcome{Toast: "tapped"}, nil
		}}); err != nil {
		t.Fatal(err)
	}
	audit := &memAudit{t: t, real: storagetest.Open(t).Audit(), changed: make(chan struct{})}
	b, err := bot.New(bot.Options{
		Token: fake.Token(), APIURL: fake.URL(), Clock: clock, PollTimeout: 2 * time.Second,
		Access:   bot.Access{Chats: []int64{opsGroup.ID}},
		Registry: reg, Audit: audit, Metrics: bot.NewMetrics(prometheus.NewRegistry()),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := b.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return &limitEnv{t: t, fake: fake, clock: clock, audit: audit}
}

// count returns how many bot messages in opsGroup have text.
func (e *limitEnv) count(text string) int {
	n := 0
	for _, m := range e.fake.Messages(opsGroup.ID) {
		if m.From.IsBot && m.Text == text {
			n++
		}
	}
	return n
}

// commands sends n /ping from u and waits until all are audited; had is
// how many entries u had before.
func (e *limitEnv) pings(u telegramtest.User, n, had int) []storage.AuditEntry {
	e.t.Helper()
	for range n {
		e.fake.SendText(opsGroup, u, "/ping")
	}
	return e.audit.waitUser(u.ID, had+n)[had:]
}

func outcomes(es []storage.AuditEntry) string {
	var s []string
	for _, e := range es {
		o := e.Outcome
		if e.Detail != "" {
			o += "(" + e.Detail + ")"
		}
		s = append(s, o)
	}
	return strings.Join(s, " ")
}

// The burst is 5 and a token comes back every 60s/16 = 3.75s.
const slowDown4s = "Slow down: too many commands; try again in 4s."

func TestUserCommandLimit(t *testing.T) {
	e := newLimitEnv(t)

	// Six at once: five answered, the sixth told to slow down.
	got := e.pings(carol, 6, 0)
	want := "ok ok ok ok ok denied(rate_limited)"
	if outcomes(got) != want {
		t.Errorf("outcomes %s, want %s", outcomes(got), want)
	}
	if n := e.count("pong"); n != 5 {
		t.Errorf("%d pongs, want 5", n)
	}
	if n := e.count(slowDown4s); n != 1 {
		t.Errorf("%d %q replies, want 1", n, slowDown4s)
	}
	if got[5].Kind != storage.AuditKindCommand || got[5].Action != "ping" || got[5].ChatID != opsGroup.ID {
		t.Errorf("refused command audited as %+v", got[5])
	}

	// Still flooding: refused, audited, but no more replies.
	got = e.pings(carol, 3, 6)
	if want := "denied(rate_limited) denied(rate_limited) denied(rate_limited)"; outcomes(got) != want {
		t.Errorf("outcomes %s, want %s", outcomes(got), want)
	}
	if n := e.count(slowDown4s); n != 1 {
		t.Errorf("%d slow-down replies during the flood, want 1", n)
	}
	if n := e.count("pong"); n != 5 {
		t.Errorf("%d pongs, want 5", n)
	}

	// Another user is not affected.
	if got := e.pings(dave, 1, 0); outcomes(got) != "ok" {
		t.Errorf("dave: outcomes %s, want ok", outcomes(got))
	}
	if n := e.count("pong"); n != 6 {
		t.Errorf("%d pongs, want 6", n)
	}

	// A token comes back after 3.75s.
	e.clock.Advance(3750 * time.Millisecond)
	if got := e.pings(carol, 1, 9); outcomes(got) != "ok" {
		t.Errorf("after 3.75s: outcomes %s, want ok", outcomes(got))
	}

	// A minute later the bucket is full again, and a new flood gets a new
	// (single) reply.
	e.clock.Advance(time.Minute)
	got = e.pings(carol, 7, 10)
	if want := "ok ok ok ok ok denied(rate_limited) denied(rate_limited)"; outcomes(got) != want {
		t.Errorf("a minute later: outcomes %s, want %s", outcomes(got), want)
	}
	if n := e.count(slowDown4s); n != 2 {
		t.Errorf("%d slow-down replies, want 2", n)
	}
	if n := e.count("pong"); n != 12 {
		t.Errorf("%d pongs, want 12", n)
	}
}

func TestUserCommandLimitButtons(t *testing.T) {
	e := newLimitEnv(t)
	e.pings(dave, 1, 0)
	pong := e.fake.WaitMessage(t, opsGroup.ID, func(m telegramtest.Message) bool { return m.Text == "pong" })

	// Dave has used one token: four presses pass, the fifth and sixth are
	// refused with a toast each.
	var ids []string
	for range 6 {
		ids = append(ids, e.fake.PressButton(dave, pong, "tap:1"))
	}
	got := e.audit.waitUser(dave.ID, 7)[1:]
	if want := "ok ok ok ok denied(rate_limited) denied(rate_limited)"; outcomes(got) != want {
		t.Errorf("press outcomes %s, want %s", outcomes(got), want)
	}
	for i, id := range ids {
		text, alert, ok := e.fake.Answered(id)
		want := "tapped"
		if i >= 4 {
			want = slowDown4s
		}
		if !ok || text != want || alert {
			t.Errorf("press %d answered %v with %q (alert %v), want %q", i, ok, text, alert, want)
		}
	}
	if e := got[4]; e.Kind != storage.AuditKindCallback || e.Action != "tap:1" {
		t.Errorf("refused press audited as %+v", e)
	}
	// Presses and commands share the bucket: a command is refused too,
	// and carol is not affected.
	if got := e.pings(dave, 1, 7); outcomes(got) != "denied(rate_limited)" {
		t.Errorf("command after presses: %s", outcomes(got))
	}
	if got := e.pings(carol, 1, 0); outcomes(got) != "ok" {
		t.Errorf("carol: %s", outcomes(got))
	}

	// Later, presses work again.
	e.clock.Advance(time.Minute)
	id := e.fake.PressButton(dave, pong, "tap:1")
	if got := e.audit.waitUser(dave.ID, 9)[8:]; outcomes(got) != "ok" {
		t.Errorf("press a minute later: %s", outcomes(got))
	}
	if text, _, _ := e.fake.Answered(id); text != "tapped" {
		t.Errorf("press a minute later answered %q", text)
	}
}
