// Package engine turns the alert rules' transitions and people's commands
// into incident changes, and those changes into messages and actions.
//
// Every change follows one order: apply the command of package incident,
// decide how its effects are performed (plan: suppression, which card a
// page posts), commit the new revision with its effects in the store, and
// only then enqueue the messages in the outbox and start the actions. A
// crash after the commit loses nothing: Run performs the stored effects of
// every recent incident again at start, and their idempotency keys make
// the outbox drop what it already has. A crash before the commit loses the
// change itself, which the rules repeat (their transitions are at least
// once) and the escalation timers recompute.
package engine

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
)

// Store keeps incidents; storage.Incidents implements it.
type Store interface {
	Open(ctx context.Context, fp string, build func(seq int64) (incident.Incident, error)) (incident.Incident, bool, error)
	Get(ctx context.Context, id string) (incident.Incident, error)
	ByFingerprint(ctx context.Context, fp string) (incident.Incident, bool, error)
	LastResolved(ctx context.Context, fp string) (incident.Incident, bool, error)
	Update(ctx context.Context, prevRev int64, inc incident.Incident) error
	Unresolved(ctx context.Context) ([]incident.Incident, error)
	ByGroup(ctx context.Context, group string) ([]incident.Incident, error)
	List(ctx context.Context, filter storage.ListFilter) ([]incident.Incident, error)
}

// Outbox takes the messages to send; it splits long ones and wakes the
// sender. A message whose key it already holds is dropped.
type Outbox interface {
	Enqueue(ctx context.Context, m storage.Message) error
}

// Counter allocates storm numbers; storage.Counters implements it.
type Counter interface {
	Next(ctx context.Context, name string) (int64, error)
}

// Once claims a key once across processes; storage.Once implements it.
type Once interface {
	Claim(ctx context.Context, key string, at time.Time) (bool, error)
}

// Silences keeps /silence; storage.Silences implements it.
type Silences interface {
	Set(ctx context.Context, s storage.Silence) error
	Active(ctx context.Context, check string, now time.Time) (storage.Silence, bool, error)
	List(ctx context.Context, now time.Time) ([]storage.Silence, error)
	Delete(ctx context.Context, check string) (bool, error)
}

// Suppressor says whether a check's pages are held right now (a
// maintenance window) and why; ok false pages as usual.
type Suppressor interface {
	Suppressed(ctx context.Context, check string, at time.Time) (reason string, ok bool)
}

// ActionRunner performs level 1's automated action for inc and returns
// its outcome in a few words ("restarted deployment 7f3c…").
type ActionRunner interface {
	Run(ctx context.Context, inc incident.Incident, action string) (string, error)
}

// Renderer renders cards and pages; commands.Cards implements it.
type Renderer interface {
	Card(inc incident.Incident, now time.Time) (string, [][]render.Button)
	Page(inc incident.Incident, p incident.Page) string
	StormCard(id string, members []incident.Incident, now time.Time) (string, [][]render.Button)
	StormPage(id string, members []incident.Incident, p incident.Page) string
}

// Options configure an Engine. Store, Outbox, Counter, Once, Silences and
// Renderer are required.
type Options struct {
	Store    Store
	Outbox   Outbox
	Counter  Counter
	Once     Once
	Silences Silences
	Renderer Renderer
	// Actions runs level 1's action; nil records "no action configured".
	Actions ActionRunner
	// Maintenance holds pages during maintenance windows; nil holds none.
	Maintenance Suppressor
	// Direct pages a failure while the store is unreachable; nil pages it
	// only once the store is back.
	Direct Direct

	Policy            incident.Policy
	Storm             incident.StormPolicy
	ResolveOnRecovery bool
	// SnoozeFor is what the [Snooze] button snoozes for (default 1h).
	SnoozeFor time.Duration
	// ChatID and ThreadID are where cards and pages go.
	ChatID   int64
	ThreadID int64
	// CheckNames are the configured checks (for /silence).
	CheckNames []string
	// Poll is how often Run rescans for due timers when it knows of none
	// sooner (default 15s); changes made by other processes are seen then.
	Poll time.Duration
	// ActionTimeout bounds one automated action (default 60s).
	ActionTimeout time.Duration
	// Redeliver is how far back Run looks at start for incidents whose
	// last effects may not have reached the outbox (default 72h); keep it
	// well under the outbox's retention, which is how long it remembers
	// the keys it has sent.
	Redeliver time.Duration

	Clock  clockwork.Clock
	Logger *slog.Logger
}

// Engine is the incident engine. It implements checks.TransitionSink and
// commands.IncidentDesk.
type Engine struct {
	opts  Options
	store Store
	clock clockwork.Clock
	log   *slog.Logger

	storm     stormTracker
	backlog   backlog
	outage    outagePages // under mu
	round     sync.Mutex  // held by a round of timers, and by SyncStorms
	wake      chan struct{}
	stormWake chan struct{}

	mu       sync.Mutex
	nextWake time.Time                               // the earliest timer known; zero: none
	lastAt   time.Time                               // CreatedAt of the last message enqueued
	retry    map[string]bool                         // incidents whose effects failed to enqueue
	seen     map[string]bool                         // storm message keys queued by this process
	dirty    map[string]bool                         // storms whose card needs an edit
	members  map[string]map[string]incident.Incident // storm -> id -> newest revision

	actions sync.WaitGroup
	actx    context.Context // outlives a command's ctx; ends with Run
	stop    context.CancelFunc
}

// New returns an Engine; Run starts its timers.
func New(opts Options) (*Engine, error) {
	if opts.Store == nil || opts.Outbox == nil || opts.Counter == nil || opts.Once == nil ||
		opts.Silences == nil || opts.Renderer == nil {
		return nil, errors.New("engine: Store, Outbox, Counter, Once, Silences and Renderer are required")
	}
	if err := opts.Policy.Validate(); err != nil {
		return nil, err
	}
	if err := opts.Storm.Validate(); err != nil {
		return nil, err
	}
	if opts.SnoozeFor <= 0 {
		opts.SnoozeFor = time.Hour
	}
	if opts.Poll <= 0 {
		opts.Poll = 15 * time.Second
	}
	if opts.ActionTimeout <= 0 {
		opts.ActionTimeout = time.Minute
	}
	if opts.Redeliver <= 0 {
		opts.Redeliver = 72 * time.Hour
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	actx, stop := context.WithCancel(context.Background())
	return &Engine{
		opts: opts, store: opts.Store, clock: opts.Clock,
		log:       opts.Logger.With("component", "incidents"),
		wake:      make(chan struct{}, 1),
		stormWake: make(chan struct{}, 1),
		retry:     make(map[string]bool),
		seen:      make(map[string]bool),
		dirty:     make(map[string]bool),
		members:   make(map[string]map[string]incident.Incident),
		actx:      actx, stop: stop,
	}, nil
}

// Policy is the escalation policy new incidents snapshot.
func (e *Engine) Policy() incident.Policy { return e.opts.Policy }

// SnoozeFor is what the [Snooze] button snoozes for.
func (e *Engine) SnoozeFor() time.Duration { return e.opts.SnoozeFor }

// CheckNames are the configured checks.
func (e *Engine) CheckNames() []string { return e.opts.CheckNames }

// schedule makes Run wake at t if that is sooner than it planned. While
// Run is busy with a round (its planned wake has passed), the round may
// have read the incidents before this change: Run goes round once more.
func (e *Engine) schedule(t time.Time) {
	e.mu.Lock()
	sooner := e.nextWake.IsZero() || t.Before(e.nextWake) || !e.nextWake.After(e.clock.Now())
	if sooner {
		e.nextWake = t
	}
	e.mu.Unlock()
	if sooner {
		select {
		case e.wake <- struct{}{}:
		default:
		}
	}
}
