package bot

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the bot's Prometheus metrics.
type Metrics struct {
	Updates        *prometheus.CounterVec   // kind, outcome
	CommandLatency *prometheus.HistogramVec // command
	APIErrors      *prometheus.CounterVec   // method, code
}

// NewMetrics creates the bot's metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "opsbot_updates_handled_total",
			Help: "Telegram updates handled, by kind (command, callback, other) and outcome.",
		}, []string{"kind", "outcome"}),
		CommandLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "opsbot_command_duration_seconds",
			Help:    "Time from receiving a command to its reply being accepted by Telegram.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"command"}),
		APIErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "opsbot_telegram_api_errors_total",
			Help: "Failed Telegram Bot API calls, by method and HTTP code (network for transport errors).",
		}, []string{"method", "code"}),
	}
	reg.MustRegister(m.Updates, m.CommandLatency, m.APIErrors)
	return m
}
