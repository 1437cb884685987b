package app

import (
	"github.com/opsbot/opsbot/report"
	"github.com/opsbot/opsbot/storage"
)

// reporter builds digests from the store: the events checks' flagged runs
// count as security events, the log checks' as rate-limit events.
func (a *App) reporter(store *storage.Store, names func() []string) report.Reporter {
	var security, rateLimit []string
	for _, c := range a.cfg.Checks.List {
		switch c.Type() {
		case "events":
			security = append(security, c.Name)
		case "logs":
			rateLimit = append(rateLimit, c.Name)
		}
	}
	return report.Reporter{
		Checks: names,
		Sources: report.Sources{
			History:         store.History(),
			Incidents:       report.FromIncidentStore(store.Incidents(), 0),
			Location:        a.cfg.Schedules.Location(),
			SecurityChecks:  security,
			RateLimitChecks: rateLimit,
		},
	}
}
