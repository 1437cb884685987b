package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/opsbot/opsbot/bot"
	"github.com/opsbot/opsbot/scheduler"
	"github.com/opsbot/opsbot/storage"
)

// readinessCheck is one thing /readyz asks: check is nil when it is
// fine; note, when set, adds a line that never makes it unready.
type readinessCheck struct {
	name  string
	check func(ctx context.Context) error
	note  func() string
}

// newHTTPHandler serves /healthz (the process is alive), /readyz (its
// dependencies answer; 503 with the reasons otherwise) and /metrics.
func newHTTPHandler(reg *prometheus.Registry, redact *Redactor, routes map[string]http.Handler, checks ...readinessCheck) http.Handler {
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.Handle(pattern, h)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		var problems, notes []string
		for _, c := range checks {
			if c.note != nil {
				notes = append(notes, c.name+": "+c.note())
			}
			if c.check == nil {
				continue
			}
			if err := c.check(ctx); err != nil {
				problems = append(problems, c.name+": "+redact.String(err.Error()))
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if len(problems) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready: "+strings.Join(problems, "; "))
		} else {
			fmt.Fprintln(w, "ready")
		}
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	return mux
}

// withWebhook adds the bot's webhook route to routes in webhook mode.
func withWebhook(routes map[string]http.Handler, b *bot.Bot) map[string]http.Handler {
	pattern, h, ok := b.WebhookRoute()
	if !ok {
		return routes
	}
	out := maps.Clone(routes)
	if out == nil {
		out = make(map[string]http.Handler)
	}
	out[pattern] = h
	return out
}

// httpServer is the running HTTP server; stop shuts it down.
type httpServer struct {
	stop func()
}

// serveHTTP listens on http.addr and serves the checks' routes (events),
// the webhook, /healthz, /readyz and /metrics.
func (a *App) serveHTTP(metrics *prometheus.Registry, set *checkSet, b *bot.Bot, store *storage.Store, leader *scheduler.Leader) (httpServer, error) {
	ln, err := net.Listen("tcp", a.cfg.HTTP.Addr)
	if err != nil {
		return httpServer{}, fmt.Errorf("http: %w", err)
	}
	redact := NewRedactor(a.cfg.Secrets()...)
	srv := &http.Server{
		Handler: newHTTPHandler(metrics, redact, withWebhook(set.routes(), b),
			readinessCheck{name: "storage", check: store.Ping},
			readinessCheck{name: "telegram", check: b.ReadyContext},
			readinessCheck{name: "role", note: func() string { return leaderStatus(leader) }},
		),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("http server stopped", "err", err)
		}
	}()
	a.mu.Lock()
	a.httpAddr = ln.Addr().String()
	a.mu.Unlock()
	a.log.Info("http listening", "addr", a.httpAddr)
	return httpServer{stop: func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-served
	}}, nil
}
