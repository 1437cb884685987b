package app

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/opsbot/opsbot/storage"
)

// newMetrics returns the /metrics registry with the process collectors and
// the storage error counter, which shows zeros so that a rate() has a start.
func newMetrics() (*prometheus.Registry, *prometheus.CounterVec) {
	metrics := prometheus.NewRegistry()
	metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	storageErrors := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "opsbot_storage_errors_total",
		Help: "Failed database commands, by command.",
	}, []string{"command"})
	metrics.MustRegister(storageErrors)
	for _, cmd := range []string{"insert", "find", "update", "delete", "findAndModify", "aggregate", "count", "ping"} {
		storageErrors.WithLabelValues(cmd)
	}
	return metrics, storageErrors
}

// openStore opens MONGODB_URI, or the embedded server under the data dir.
func (a *App) openStore(ctx context.Context, storageErrors *prometheus.CounterVec) (*storage.Store, error) {
	store, err := storage.Open(ctx, storage.Options{
		URI: a.cfg.Storage.URI, Database: a.cfg.Storage.Database, DataDir: a.cfg.Storage.DataDir,
		Logger:          a.log,
		OnCommandFailed: func(cmd string) { storageErrors.WithLabelValues(cmd).Inc() },
	})
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	a.log.Info("storage ready", "embedded", store.Embedded(), "database", a.cfg.Storage.Database)
	return store, nil
}
