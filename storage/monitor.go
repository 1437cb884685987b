package storage

import (
	"context"
	"log/slog"

	"go.mongodb.org/mongo-driver/v2/event"
)

// commandMonitor reports failed database commands to onFailed (a Prometheus
// counter in the app) and to the debug log.
//
// endSessions is not reported: the driver sends it on Disconnect as a
// best-effort clean-up, and FerretDB v1 (embedded, or behind MONGODB_URI)
// does not implement it, so every clean shutdown would count a failure.
func commandMonitor(onFailed func(command string), logger *slog.Logger) *event.CommandMonitor {
	return &event.CommandMonitor{
		Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
			logger.DebugContext(ctx, "database command failed",
				"command", e.CommandName, "database", e.DatabaseName,
				"duration", e.Duration, "error", e.Failure)
			if onFailed != nil && e.CommandName != "endSessions" {
				onFailed(e.CommandName)
			}
		},
	}
}
