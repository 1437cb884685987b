package report

import (
	"context"
	"time"

	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
)

// HistorySource is the hourly check history; *storage.History is one.
// Hours returns check's hour buckets whose start lies in [from, to) (the
// bucket holding from included), oldest first; hours without runs may be
// left out.
type HistorySource interface {
	Hours(ctx context.Context, check string, from, to time.Time) ([]storage.HourStats, error)
}

// IncidentSource lists the incidents that touch [from, to): those opened
// in it, those resolved in it, and those still unresolved at to (opened
// before it, and unresolved or resolved at or after to), each at its
// latest revision. A source may return more; Build filters by the
// timestamps itself, so a superset is harmless but a missing incident is
// not. See [FromIncidentStore] for one over storage.
type IncidentSource interface {
	Incidents(ctx context.Context, from, to time.Time) ([]incident.Incident, error)
}

// MaintenanceSource lists the titles of the maintenance windows that
// ended in [from, to), for the digest's "maintenance done" line.
type MaintenanceSource interface {
	Done(ctx context.Context, from, to time.Time) ([]string, error)
}

// ChecklistSource says how many of the ops checklist's items due in
// [from, to) were done, for the digest's completion line.
type ChecklistSource interface {
	Completion(ctx context.Context, from, to time.Time) (done, total int, err error)
}

// EventSource counts the monitored service's events; *storage.EventCounts
// is one. Sum returns the events of class (storage.EventClassSecurity,
// storage.EventClassRateLimit) in the hours whose start lies in [from, to).
type EventSource interface {
	Sum(ctx context.Context, class string, from, to time.Time) (int64, error)
}

var _ EventSource = (*storage.EventCounts)(nil)

// Sources are what Build reads. History and Incidents are required: a
// digest without them would say nothing true. Maintenance, Checklist and
// Events are optional; nil leaves their lines out of the digest, and a
// failing one is noted in the digest instead of failing it, since a late
// or partial digest helps nobody less than one missing a side line.
type Sources struct {
	History     HistorySource
	Incidents   IncidentSource
	Maintenance MaintenanceSource
	Checklist   ChecklistSource
	// Events, when set, gives the digest the security and rate-limit
	// events of the period and the previous one, counted as the webhook
	// received them (see Digest.Security); SecurityChecks and
	// RateLimitChecks are then not read.
	Events EventSource
	// Location is the time zone the periods are cut in (nil: UTC), the
	// team's, so that "yesterday" means their yesterday.
	Location *time.Location
	// SecurityChecks and RateLimitChecks, read when Events is nil, name
	// the checks whose not-ok runs the digest counts as security and
	// rate-limit flags (e.g. the events check, and a log check with the
	// rate_limit threshold): the check history keeps statuses, not
	// events, so without an event count this is the closest honest
	// figure. Empty leaves the line out. See Digest.Security.
	SecurityChecks, RateLimitChecks []string
}

// Reporter builds digests of a fixed set of checks and sources; it is
// what the /report command and a digest scheduler hold.
type Reporter struct {
	// Checks returns the checks to report on, e.g. the runner's Names.
	Checks  func() []string
	Sources Sources
}

// Digest builds the digest of kind for the last full period before now.
func (r Reporter) Digest(ctx context.Context, kind string, now time.Time) (Digest, error) {
	var names []string
	if r.Checks != nil {
		names = r.Checks()
	}
	return Build(ctx, kind, now, names, r.Sources)
}
