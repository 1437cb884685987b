package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"
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
