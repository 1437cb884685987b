package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/opsbot/opsbot/bot"
	"github.com/opsbot/opsbot/checks/railway"
	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/incident/actions"
	"github.com/opsbot/opsbot/incident/engine"
	"github.com/opsbot/opsbot/storage"
)

// policy converts the escalation section into the policy new incidents
// snapshot; level 1 runs the action when one is configured.
func policy(esc config.Escalation) incident.Policy {
	p := incident.Policy{ReopenWindow: esc.ReopenWindow}
	for i, l := range esc.Levels {
		lp := incident.LevelPolicy{Level: incident.Level(i + 1), Name: l.Name, Notify: l.Notify, After: l.After}
		if i == 0 && esc.Action.Type != config.ActionTypeNone && esc.Action.Type != "" {
			lp.Action = "restart"
			if esc.Action.Type == config.ActionTypeCommand || esc.Action.Type == config.ActionTypeHTTP {
				lp.Action = esc.Action.Type
			}
		}
		p.Levels = append(p.Levels, lp)
	}
	return p
}

// actionRunner builds level 1's automated action; nil when there is none.
// secrets are masked in a command's outcome, whatever the program prints.
func actionRunner(a config.Action, secrets []string) (engine.ActionRunner, error) {
	switch a.Type {
	case config.ActionTypeRailway:
		kind, err := railway.ParseTokenKind(a.Railway.TokenKind)
		if err != nil {
			return nil, fmt.Errorf("escalation.action.railway.token_kind: %w", err)
		}
		client, err := railway.NewClient(railway.ClientOptions{URL: a.Railway.APIURL, Token: a.Railway.Token, TokenKind: kind})
		if err != nil {
			return nil, fmt.Errorf("escalation.action.railway: %w", err)
		}
		return actions.Railway{API: client, ServiceID: a.Railway.ServiceID, EnvironmentID: a.Railway.EnvironmentID}, nil
	case config.ActionTypeCommand:
		return actions.Command{Argv: a.Command, Secrets: secrets}, nil
	case config.ActionTypeHTTP:
		headers := make(map[string]string, len(a.HTTP.Headers)+len(a.HTTP.SecretHeader))
		for k, v := range a.HTTP.Headers {
			headers[k] = v
		}
		for k, v := range a.HTTP.SecretHeader {
			headers[k] = v
		}
		return actions.HTTP{Client: &http.Client{Timeout: a.Timeout}, URL: a.HTTP.URL, Method: a.HTTP.Method,
			Headers: headers, Body: a.HTTP.Body}, nil
	}
	return nil, nil
}

// outboxQueue is the engine's outbox: it splits long messages at
// Telegram's limit, stores them and wakes the sender.
type outboxQueue struct {
	outbox *storage.Outbox
	notify func()
	now    func() time.Time
}

func (q outboxQueue) Enqueue(ctx context.Context, m storage.Message) error {
	for _, part := range bot.SplitMessage(m, q.now()) {
		if _, err := q.outbox.Enqueue(ctx, part); err != nil {
			return err
		}
	}
	q.notify()
	return nil
}

// newEngine builds the incident engine; hold says which pages
// maintenance holds.
func (a *App) newEngine(store *storage.Store, checkNames []string, queue outboxQueue, hold engine.Suppressor, direct engine.Direct) (*engine.Engine, error) {
	esc := a.cfg.Escalation
	runner, err := actionRunner(esc.Action, a.cfg.Secrets())
	if err != nil {
		return nil, err
	}
	return engine.New(engine.Options{
		Store:             store.Incidents(),
		Outbox:            queue,
		Counter:           store.Counters(),
		Once:              store.Once(),
		Silences:          store.Silences(),
		Renderer:          commands.Cards{Snooze: esc.Snooze},
		Actions:           runner,
		Maintenance:       hold,
		Direct:            direct,
		Policy:            policy(esc),
		Storm:             incident.StormPolicy{Window: esc.Storm.Window, Threshold: esc.Storm.Threshold},
		ResolveOnRecovery: esc.ResolveOnRecovery,
		SnoozeFor:         esc.Snooze,
		ChatID:            a.cfg.Telegram.OpsChatID,
		ThreadID:          int64(a.cfg.Telegram.OpsThreadID),
		CheckNames:        checkNames,
		Poll:              esc.Tick,
		ActionTimeout:     esc.Action.Timeout,
		Redeliver:         esc.OutboxRetention / 2,
		Clock:             a.clock,
		Logger:            a.log,
	})
}

// incidentCommands are the incident commands and the card buttons.
func incidentCommands(desk commands.IncidentDesk, now func() time.Time) ([]commands.Command, []commands.Action) {
	return []commands.Command{
			commands.Incidents(desk), commands.ShowIncident(desk), commands.Ack(desk), commands.Resolve(desk),
			commands.Escalate(desk), commands.OnCall(desk), commands.Silence(desk),
		},
		[]commands.Action{commands.IncidentButtons(desk, now)}
}

// incidentPruner adapts Incidents.Prune to the prune loop.
type incidentPruner struct{ incs *storage.Incidents }

func (p incidentPruner) Prune(ctx context.Context, before time.Time) (int64, error) {
	n, err := p.incs.Prune(ctx, before)
	return int64(n), err
}

// lateBot is the engine's direct line to Telegram, for pages during a
// store outage; the bot is built after the engine.
type lateBot struct{ b *atomic.Pointer[bot.Bot] }

func (l lateBot) SendDirect(ctx context.Context, chatID, threadID int64, html string) error {
	b := l.b.Load()
	if b == nil {
		return errors.New("telegram: not connected yet")
	}
	return b.SendDirect(ctx, chatID, threadID, html)
}
