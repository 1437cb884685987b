package app

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/opsbot/opsbot/bot"
)

// readinessCheck is one thing /readyz asks: nil when it is fine.
type readinessCheck struct {
	name  string
	check func(ctx context.Context) error
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
		var problems []string
		for _, c := range checks {
			if err := c.check(ctx); err != nil {
				problems = append(problems, c.name+": "+redact.String(err.Error()))
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if len(problems) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready: "+strings.Join(problems, "; "))
			return
		}
		fmt.Fprintln(w, "ready")
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
