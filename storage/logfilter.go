package storage

import (
	"context"
	"log/slog"
)

// ferretLogger scopes FerretDB's logs to component=ferretdb and keeps only
// errors, unless logger is enabled for Debug: FerretDB logs an INFO line per
// connection and a WARN on every disconnect ("no such command:
// 'endSessions'"), which is noise in opsbot's logs.
func ferretLogger(logger *slog.Logger) *slog.Logger {
	logger = logger.With("component", "ferretdb")
	if logger.Enabled(context.Background(), slog.LevelDebug) {
		return logger
	}
	return slog.New(minLevelHandler{min: slog.LevelError, next: logger.Handler()})
}

// minLevelHandler drops records below min before they reach next.
type minLevelHandler struct {
	min  slog.Level
	next slog.Handler
}

func (h minLevelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.min && h.next.Enabled(ctx, level)
}

func (h minLevelHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.next.Handle(ctx, r)
}

func (h minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevelHandler{min: h.min, next: h.next.WithAttrs(attrs)}
}

func (h minLevelHandler) WithGroup(name string) slog.Handler {
	return minLevelHandler{min: h.min, next: h.next.WithGroup(name)}
}
