// Package app wires opsbot together and owns its lifetime: main.go and the
// end-to-end tests start the same Run.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/bot"
	"github.com/opsbot/opsbot/checklist"
	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/incident/engine"
	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/scheduler"
	"github.com/opsbot/opsbot/storage"
)

// Options are what tests may replace; the zero value is production.
type Options struct {
	Logger *slog.Logger
	Clock  clockwork.Clock
	// Sleep waits between Telegram retries; nil waits for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// ExtraCommands are added to the built-in commands (for extensions and
	// tests).
	ExtraCommands []commands.Command
	// ExtraActions are added to the built-in button actions.
	ExtraActions []commands.Action
	// Transitions receives the alert rules' transitions (fired, resolved)
	// instead of the incident engine, when set.
	Transitions checks.TransitionSink
	// Maintenance holds pages during maintenance windows; nil holds none.
	Maintenance engine.Suppressor
}

// App is one opsbot process.
type App struct {
	cfg         *config.Config
	log         *slog.Logger
	clock       clockwork.Clock
	sleep       func(ctx context.Context, d time.Duration) error
	extra       []commands.Command
	actions     []commands.Action
	transitions checks.TransitionSink
	maintenance engine.Suppressor
	started     time.Time
	// activeMaintenance describes the active windows for /status.
	activeMaintenance func(ctx context.Context, now time.Time) ([]string, error)

	ready    chan struct{}
	mu       sync.Mutex
	httpAddr string
	reg      *commands.Registry
}

// New returns an App for a validated cfg.
func New(cfg *config.Config, opts Options) *App {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	return &App{cfg: cfg, log: opts.Logger, clock: opts.Clock, sleep: opts.Sleep, extra: opts.ExtraCommands, actions: opts.ExtraActions, transitions: opts.Transitions, maintenance: opts.Maintenance, ready: make(chan struct{})}
}

// Ready is closed once the store is open, the HTTP server listens and the
// bot has been started.
func (a *App) Ready() <-chan struct{} { return a.ready }

// Registry is the commands and button actions, known once Ready.
func (a *App) Registry() *commands.Registry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.reg
}

// HTTPAddr is the address the HTTP server listens on, known once Ready.
func (a *App) HTTPAddr() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.httpAddr
}

// Run starts opsbot and blocks until ctx ends or something fatal happens.
// Everything started is stopped in reverse order before it returns.
//
// Every replica serves HTTP, answers commands taken by webhook and keeps
// the store's event counts. The leader (see scheduler.Leader) alone runs
// the checks, the rules, the escalation timers, the outbox sender, the
// schedules, the pruning and long polling; a replica starts those when it
// is elected, and Run returns scheduler.ErrLostLeadership when another
// replica takes the lease over, so that the process comes back as a
// standby.
func (a *App) Run(ctx context.Context) (err error) {
	var cleanups []func()
	defer func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}()

	a.started = a.clock.Now()
	// Everything that can be wrong with the config is found before
	// anything is contacted: the checks are built first.
	set, err := buildChecks(&a.cfg.Checks)
	if err != nil {
		return err
	}
	cleanups = append(cleanups, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		set.close(ctx)
	})

	metrics, storageErrors := newMetrics()
	store, err := a.openStore(ctx, storageErrors)
	if err != nil {
		return err
	}
	cleanups = append(cleanups, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := store.Close(ctx); err != nil {
			a.log.Warn("closing storage", "err", err)
		}
	})

	// The lease is given back once the leader's duties have stopped (the
	// cleanups run in reverse), so that the next leader never overlaps
	// with them, and before the store closes.
	var leader *scheduler.Leader
	cleanups = append(cleanups, func() {
		if leader != nil {
			leader.Release()
		}
	})
	// Goroutines of every replica, and those of the leader's duties.
	var bg sync.WaitGroup
	bgCtx, stopBG := context.WithCancel(ctx)
	cleanups = append(cleanups, func() { stopBG(); bg.Wait() })
	if set.eventTee != nil {
		bg.Go(func() { set.eventTee.flushLoop(bgCtx, a.clock, store.EventCounts(), a.log) })
	}

	var sender atomic.Pointer[bot.OutboxSender]
	queue := outboxQueue{outbox: store.Outbox(), now: a.clock.Now, notify: func() {
		if s := sender.Load(); s != nil {
			s.Notify()
		}
	}}
	planner, err := a.planner(store)
	if err != nil {
		return err
	}
	cal := planner.Calendar()
	cal.OnError = func(err error) { a.log.Warn("reading maintenance windows; paging anyway", "err", err) }
	a.activeMaintenance = activeWindows(cal)
	var hold engine.Suppressor = cal
	if a.maintenance != nil {
		hold = a.maintenance
	}
	var direct atomic.Pointer[bot.Bot]
	eng, err := a.newEngine(store, set.names(), queue, hold, lateBot{&direct})
	if err != nil {
		return err
	}

	var duties func(ctx context.Context) error // the leader's, built below
	leader, err = scheduler.NewLeader(scheduler.LeaderOptions{
		Lease: store.Lease(leaseName, a.cfg.Storage.LeaseTTL), Holder: replicaID(store.Embedded()), TTL: a.cfg.Storage.LeaseTTL,
		Clock: a.clock, Logger: a.log,
		OnElected: func(ctx context.Context, _ int64) error { return duties(ctx) },
	})
	if err != nil {
		return err
	}
	var sink checks.TransitionSink = eng
	if a.transitions != nil {
		sink = a.transitions
	}
	history := &historyBuffer{}
	bg.Go(func() { history.flushLoop(bgCtx, a.clock, store.History(), a.log) })
	runner, eval, err := a.newChecks(set, store, sink, leader, history)
	if err != nil {
		return err
	}
	cleanups = append(cleanups, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := runner.Stop(ctx); err != nil {
			a.log.Warn("stopping checks", "err", err)
		}
	})

	var b *bot.Bot
	probes := []commands.Probe{
		{Name: "storage", Check: store.Ping},
		{Name: "telegram", Check: func(context.Context) error { return b.Ready() }},
	}
	var logs commands.LogScanner = noLogs{}
	if set.logs != nil {
		set.logs.now = a.clock.Now
		logs = set.logs
	}
	emergencies := maint.EmergencyDesk{Store: store.Emergencies(), Windows: planner}
	rep := a.reporter(store, runner.Names)
	rep.Sources.Checklist = store.Checklists()
	rep.Sources.Maintenance = maintenanceDone{cal}
	lists := checklist.Desk{Store: store.Checklists(), Lists: checklistLists(a.cfg.Checklists),
		Verifier: resultVerifier{last: runner.Last, maxAge: time.Hour}}
	reg, err := a.commands(store, commands.Checks{Runner: runner, Groups: set.groups, HasLogs: set.logs != nil}, logs, probes, eval.States, eng,
		[]commands.Command{commands.Report(rep, a.clock.Now), commands.Maint(planner, a.clock.Now, emergencies), commands.Checklist(lists, a.clock.Now)},
		[]commands.Action{commands.ChecklistButton(lists, a.clock.Now), commands.EmergencyButton(emergencies, a.clock.Now)})
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.reg = reg
	a.mu.Unlock()
	b, err = bot.New(bot.Options{
		Token: a.cfg.Telegram.Token, APIURL: a.cfg.Telegram.APIURL,
		Access:      bot.Access{Chats: a.chats(), Roles: a.roles()},
		PollTimeout: a.cfg.Telegram.PollTimeout, Workers: a.cfg.Bot.Workers,
		HandlerTimeout: a.cfg.Bot.HandlerTimeout, ShutdownTimeout: a.cfg.Bot.ShutdownTimeout,
		WebhookURL: a.cfg.Telegram.WebhookURL, WebhookSecret: a.cfg.Telegram.WebhookSecret,
		PollAfter: leader.Elected(),
		UserLimit: userLimit(a.cfg.Bot.UserCommandsPerMinute),
		Registry:  reg, Audit: store.Audit(), Metrics: bot.NewMetrics(metrics),
		Logger: a.log, Clock: a.clock, Sleep: a.sleep,
	})
	if err != nil {
		return err
	}

	direct.Store(b)

	// Only the leader sends, so a claim only has to outlast a takeover: a
	// message a dead leader had claimed goes out soon after the next one
	// is elected (twice the lease, 30s by default).
	out, err := b.NewOutboxSender(bot.OutboxOptions{Store: store.Outbox(), Clock: a.clock, Logger: a.log,
		Lease: 2 * a.cfg.Storage.LeaseTTL})
	if err != nil {
		return err
	}
	sender.Store(out)
	sched, err := a.schedule(cal, queue, rep, a.checklistJob(lists, queue), leader.Elector())
	if err != nil {
		return err
	}
	if err := sched.Add(scheduler.Job{Name: "emergency-deadlines", Cron: "* * * * *",
		Run: a.emergencyJob(store.Emergencies(), emergencies.Steps(), queue)}); err != nil {
		return err
	}
	cleanups = append(cleanups, func() {
		if err := sched.Stop(); err != nil {
			a.log.Warn("stopping the scheduler", "err", err)
		}
	})
	duties = func(ctx context.Context) error {
		// The rules resume from the held states the last leader saved.
		if err := eval.Load(ctx); err != nil {
			return fmt.Errorf("rules: loading held states: %w", err)
		}
		if err := runner.Start(bgCtx); err != nil {
			return fmt.Errorf("checks: %w", err)
		}
		a.log.Info("checks running", "checks", len(set.specs), "rules", len(set.rules))
		bg.Go(func() { _ = out.Run(bgCtx) })
		bg.Go(func() { _ = eng.Run(bgCtx) })
		sched.Start()
		a.prune(bgCtx, &bg, store, set.eventTee != nil)
		return nil
	}

	srv, err := a.serveHTTP(metrics, set, b, store, leader)
	if err != nil {
		return err
	}
	cleanups = append(cleanups, srv.stop)

	close(a.ready)
	return a.runReplica(ctx, b, leader)
}

// runReplica runs the bot and the leader campaign side by side until ctx
// ends or either fails. Both have returned when it returns, so no duty
// starts during the cleanups.
func (a *App) runReplica(ctx context.Context, b *bot.Bot, leader *scheduler.Leader) error {
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	leaderErr := make(chan error, 1)
	go func() { leaderErr <- leader.Run(runCtx) }()
	botErr := make(chan error, 1)
	go func() { botErr <- b.Run(runCtx) }()

	var err error
	select {
	case err = <-leaderErr:
		stop()
		<-botErr
	case err = <-botErr:
		stop()
		<-leaderErr
	}
	if err != nil {
		return err
	}
	a.log.Info("shutting down")
	return nil
}

// commands builds the command registry, in the order of Telegram's menu.
func (a *App) commands(store *storage.Store, ch commands.Checks, logs commands.LogScanner, probes []commands.Probe, alerts func() []checks.RuleState, desk commands.IncidentDesk, more []commands.Command, moreActions []commands.Action) (*commands.Registry, error) {
	reg, err := commands.NewRegistry(commands.Start())
	if err != nil {
		return nil, err
	}
	builtin := []commands.Command{
		commands.Help(reg),
		commands.Health(ch),
		commands.Status(commands.StatusDeps{Checks: ch, Probes: probes, Started: a.started, Now: a.clock.Now, Alerts: alerts, Incidents: desk,
			Maintenance: a.activeMaintenance}),
		commands.Logs(logs),
	}
	incCmds, incActs := incidentCommands(desk, a.clock.Now)
	builtin = append(builtin, incCmds...)
	builtin = append(builtin, more...)
	builtin = append(builtin, commands.WhoAmI(), commands.Audit(store.Audit()))
	for _, act := range append(append([]commands.Action{commands.HealthRerun(ch), commands.LogsButton(logs)}, incActs...), moreActions...) {
		if err := reg.AddAction(act); err != nil {
			return nil, err
		}
	}
	for _, c := range append(builtin, a.extra...) {
		if err := reg.Add(c); err != nil {
			return nil, err
		}
	}
	for _, act := range a.actions {
		if err := reg.AddAction(act); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

func (a *App) chats() []int64 {
	return append([]int64{a.cfg.Telegram.OpsChatID}, a.cfg.Telegram.AllowedChats...)
}

func (a *App) roles() map[int64]commands.Role {
	roles := make(map[int64]commands.Role)
	for _, id := range a.cfg.Auth.Viewers {
		roles[id] = commands.RoleViewer
	}
	for _, id := range a.cfg.Auth.Operators {
		roles[id] = commands.RoleOperator
	}
	for _, id := range a.cfg.Auth.Admins {
		roles[id] = commands.RoleAdmin
	}
	return roles
}

// userLimit is the per-user command limit: n a minute in bursts of up to
// 5; 0 is none.
func userLimit(n int) bot.Limit {
	if n <= 0 {
		return bot.Limit{N: -1}
	}
	return bot.Limit{N: n, Window: time.Minute, Burst: min(5, n)}
}
