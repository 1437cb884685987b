package app

import (
	"github.com/opsbot/opsbot/report"
	"github.com/opsbot/opsbot/storage"
)

// reporter builds digests from the store. With an events check, the
// security and rate-limit events the service sent are counted; otherwise
// the log checks' flagged runs stand in for rate-limit events.
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
	src := report.Sources{
		History:         store.History(),
		Incidents:       report.FromIncidentStore(store.Incidents(), 0),
		Location:        a.cfg.Schedules.Location(),
		SecurityChecks:  security,
		RateLimitChecks: rateLimit,
	}
	if len(security) > 0 {
		// The events webhook is on: count its events rather than flagged runs.
		src.Events = store.EventCounts()
	}
	return report.Reporter{Checks: names, Sources: src}
}
