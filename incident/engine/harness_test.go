package engine_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/incident/actions"
	"github.com/opsbot/opsbot/incident/engine"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

const opsChat = -1001234567890

var t0 = time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)

// healthRule is the checklist's health check failure: critical, escalate
// after 15 minutes.
var healthRule = checks.Rule{
	Name: "health-check-failure", Summary: "health check failing", Severity: checks.SeverityCritical,
	For: 2 * time.Minute, EscalateAfter: 15 * time.Minute,
}

// outbox queues into the real outbox, as the app's adapter does.
type outbox struct{ o *storage.Outbox }

func (q outbox) Enqueue(ctx context.Context, m storage.Message) error {
	_, err := q.o.Enqueue(ctx, m)
	return err
}

type env struct {
	t       testing.TB
	store   *storage.Store
	clock   *clockwork.FakeClock
	actions atomic.Int32
	policy  incident.Policy
	storm   incident.StormPolicy
	// maintenance holds pages; nil holds none.
	maintenance engine.Suppressor
	// direct pages during a store outage; nil pages nothing then.
	direct engine.Direct
}

func newEnv(t testing.TB) *env {
	t.Helper()
	p := incident.DefaultPolicy()
	p.Levels[1].Notify = []string{"@tech_lead"}
	p.Levels[2].Notify = []string{"@architect", "424242"}
	p.Levels[3].Notify = []string{"@vendor_desk"}
	return &env{t: t, store: storagetest.Open(t), clock: clockwork.NewFakeClockAt(t0), policy: p,
		storm: incident.StormPolicy{Window: 30 * time.Second, Threshold: 3}}
}

// engine returns a new Engine (a new process) on the env's store.
func (e *env) engine() *engine.Engine {
	e.t.Helper()
	return e.engineWith(outbox{e.store.Outbox()})
}

func (e *env) logger() *slog.Logger { return storagetest.Logger(e.t) }

func (e *env) engineWith(out engine.Outbox) *engine.Engine {
	e.t.Helper()
	eng, err := engine.New(engine.Options{
		Store: e.store.Incidents(), Outbox: out, Counter: e.store.Counters(),
		Once: e.store.Once(), Silences: e.store.Silences(), Renderer: commands.Cards{Snooze: time.Hour},
		Actions: actions.Func(func(context.Context, incident.Incident, string) (string, error) {
			e.actions.Add(1)
			return "restarted deployment d-1", nil
		}),
		Policy: e.policy, Storm: e.storm, ResolveOnRecovery: true, Maintenance: e.maintenance, Direct: e.direct,
		ChatID: opsChat, CheckNames: []string{"health", "mongodb"},
		Clock: e.clock, Logger: storagetest.Logger(e.t),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return eng
}

// run starts eng's timers until the test ends, and waits until it sleeps.
func (e *env) run(eng *engine.Engine) (stop func()) {
	e.t.Helper()
	ctx, cancel := context.WithCancel(e.t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = eng.Run(ctx)
	}()
	e.settle()
	stop = func() { cancel(); <-done }
	e.t.Cleanup(stop)
	return stop
}

// settle waits until the engine's loop sleeps on the clock.
func (e *env) settle() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), 2*time.Minute)
	defer cancel()
	if err := e.clock.BlockUntilContext(ctx, 1); err != nil {
		e.t.Fatalf("engine loop never slept: %v", err)
	}
}

// advance moves the clock on and lets the loop do what came due.
func (e *env) advance(d time.Duration) {
	e.t.Helper()
	e.clock.Advance(d)
	e.settle()
}

// fired is the rule firing for check at the clock's now.
func (e *env) fired(check string) checks.Transition {
	now := e.clock.Now()
	return checks.Transition{Kind: checks.Fired, Rule: healthRule, Check: check, Since: now.Add(-2 * time.Minute),
		FiredAt: now, At: now, Duration: 2 * time.Minute,
		Last: checks.Result{Check: check, Status: checks.StatusCrit, Message: "GET /health: 503 Service Unavailable", ObservedAt: now}}
}

func (e *env) recovered(check string) checks.Transition {
	t := e.fired(check)
	t.Kind = checks.Resolved
	t.Last.Status, t.Last.Message = checks.StatusOK, "GET /health: 200"
	return t
}

// keys returns the keys of the outbox's unfinished messages, oldest
// first (edits of a card coalesced to the newest).
func (e *env) keys() []string {
	e.t.Helper()
	msgs, err := e.store.Outbox().Pending(e.t.Context(), 0)
	if err != nil {
		e.t.Fatal(err)
	}
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Key
	}
	return out
}

func (e *env) message(key string) storage.Message {
	e.t.Helper()
	msgs, err := e.store.Outbox().Pending(e.t.Context(), 0)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Key == key {
			return m
		}
	}
	e.t.Fatalf("no message %s in the outbox; have %v", key, e.keys())
	return storage.Message{}
}

func (e *env) incident(id string) incident.Incident {
	e.t.Helper()
	inc, err := e.store.Incidents().Get(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return inc
}

func withPrefix(keys []string, prefix string) []string {
	return slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return !strings.HasPrefix(k, prefix) })
}

func kinds(inc incident.Incident) []incident.Kind {
	out := make([]incident.Kind, len(inc.Timeline))
	for i, e := range inc.Timeline {
		out[i] = e.Kind
	}
	return out
}
