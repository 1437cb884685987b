package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/storage"
)

// pruneEvery is how often old entries are deleted.
const pruneEvery = 6 * time.Hour

// pruner deletes entries older than a time. FerretDB has no TTL indexes, so
// expiry is a periodic DeleteMany.
type pruner interface {
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// pruneLoop deletes entries older than keep at once and then every
// pruneEvery, until ctx ends.
func pruneLoop(ctx context.Context, clock clockwork.Clock, keep time.Duration, p pruner, log *slog.Logger) {
	tick := clock.NewTicker(pruneEvery)
	defer tick.Stop()
	for {
		n, err := p.Prune(ctx, clock.Now().Add(-keep))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("pruning failed", "what", fmt.Sprintf("%T", p), "err", err)
		case n > 0:
			log.Info("pruned", "what", fmt.Sprintf("%T", p), "deleted", n, "older_than", keep)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.Chan():
		}
	}
}

// prune starts the leader's pruning loops, one per collection that grows.
func (a *App) prune(ctx context.Context, bg *sync.WaitGroup, store *storage.Store, events bool) {
	type pruning struct {
		keep time.Duration
		p    pruner
	}
	loops := []pruning{
		{a.cfg.Storage.AuditRetention, store.Audit()},
		{a.cfg.Checks.HistoryRetention, store.History()},
		{a.cfg.Storage.AuditRetention, store.Maintenance()},
		{a.cfg.Storage.AuditRetention, incidentPruner{store.Incidents()}},
		{a.cfg.Escalation.OutboxRetention, store.Outbox()},
		{a.cfg.Escalation.OutboxRetention, store.Once()},
		{24 * time.Hour, store.Silences()},
		{a.cfg.Storage.AuditRetention, store.Emergencies()},
		{40 * 24 * time.Hour, store.Checklists()},
	}
	if events {
		loops = append(loops, pruning{a.cfg.Checks.HistoryRetention, store.EventCounts()})
	}
	for _, l := range loops {
		bg.Go(func() { pruneLoop(ctx, a.clock, l.keep, l.p, a.log) })
	}
}
