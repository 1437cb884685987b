package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/opsbot/opsbot/storage"
)

// maxWorst is how many checks the digest names as the worst.
const maxWorst = 3

// Digest is one period's report, with the previous period for comparison.
type Digest struct {
	Period, Prev Period
	// Total is every reported check's runs added up; Checks each check,
	// in the order Build was given them.
	Total  CheckReport
	Checks []CheckReport
	// Worst are the up to three checks with the lowest availability below
	// 100%, worst first (more failed runs first on a tie, then by name).
	Worst []CheckReport
	// NoData names the checks without a single run in the period: a check
	// that never ran is not healthy, just unknown.
	NoData []string
	// Incidents are the period's incidents; PrevIncidents the previous
	// period's.
	Incidents, PrevIncidents IncidentStats
	// Security and RateLimit are the period's security and rate-limit
	// events. With Sources.Events they are counted events (Flags.Counted):
	// Security the security_violation events the webhook received,
	// RateLimit the events reporting a rate limit hit (security
	// violations among them, so those are in both). Without it they fall
	// back to the not-ok runs of the checks Sources.SecurityChecks and
	// Sources.RateLimitChecks name, since the check history keeps
	// statuses, not events: flagged runs (each one a window over the
	// threshold, or failing for another reason such as a critical alert),
	// not numbers of events.
	Security, RateLimit Flags
	// Maintenance lists the maintenance windows that ended in the period;
	// nil unless Sources.Maintenance is set.
	Maintenance *Maintenance
	// Checklist is the ops checklist's completion; nil unless
	// Sources.Checklist is set.
	Checklist *Checklist
	// Hourly is the period's hours, every reported check combined, one
	// point per hour (those without runs too), for the chart.
	Hourly []HourPoint
	// Notes say which optional sources could not be read; the digest is
	// built without them.
	Notes []string
	// AllClear is set when nothing needs the team's attention: no
	// incident opened in the period or open at its end, at least one
	// check reported and every one ran and was ok on every run, and no
	// security or rate-limit flags or, with Sources.Events, no security
	// event (and the counts could be read). Rate-limit events alone do
	// not count against it: a limiter turning some requests away is doing
	// its job, and a burst of them over the events or log check's
	// threshold shows as a not-ok run of that check.
	AllClear bool
}

// CheckReport is one check's period, the previous one, and the change.
type CheckReport struct {
	Name      string
	Cur, Prev Stats
	Change    Change
}

// loaded is a check's history as read, with the sums its Stats came from,
// which the total adds up (percentiles do not add, histograms do).
type loaded struct {
	CheckReport
	cur, prev acc
}

// Flags are one kind of event in the period and the previous one: the
// events themselves, counted, when Counted is set, else the not-ok runs of
// the checks that stand for them.
type Flags struct {
	// Counted says the figures are Events and PrevEvents, read from
	// Sources.Events; Checks, Runs and PrevRuns are then unused.
	Counted bool
	// Events and PrevEvents are the events in the period and the
	// previous one.
	Events, PrevEvents int64
	// Checks names the checks counted; empty (and Counted unset) means
	// not tracked.
	Checks []string
	// Runs and PrevRuns are their warn and crit runs in the period and
	// the previous one.
	Runs, PrevRuns int64
}

// Maintenance is the maintenance done in the period.
type Maintenance struct{ Done []string }

// Checklist is the ops checklist's completion in the period.
type Checklist struct{ Done, Total int }

// Build reads the sources and builds the digest of kind ("daily",
// "weekly" or "monthly") for the last full period before now, for the
// named checks.
//
// Hour buckets are assigned to the period holding their start: in a time
// zone whose offset is not a whole number of hours the period's first
// part-hour belongs to the period before it, so no run is counted twice.
func Build(ctx context.Context, kind string, now time.Time, checks []string, src Sources) (Digest, error) {
	if src.History == nil || src.Incidents == nil {
		return Digest{}, errors.New("report: the history and incident sources are required")
	}
	cur, prev, err := PeriodFor(kind, now, src.Location)
	if err != nil {
		return Digest{}, err
	}
	d := Digest{Period: cur, Prev: prev}
	bounds := storage.LatencyBounds()
	hourly := newHours(cur)
	read := make(map[string]*loaded)
	load := func(name string, chart bool) (*loaded, error) {
		if r, ok := read[name]; ok {
			return r, nil
		}
		buckets, err := src.History.Hours(ctx, name, prev.From, cur.To)
		if err != nil {
			return nil, fmt.Errorf("report: history of %s: %w", name, err)
		}
		r := &loaded{CheckReport: CheckReport{Name: name}}
		for _, h := range buckets {
			switch {
			case cur.Contains(h.Hour):
				r.cur.add(h)
				if chart {
					hourly.add(h)
				}
			case prev.Contains(h.Hour):
				r.prev.add(h)
			}
		}
		r.CheckReport = report(name, r.cur, r.prev, bounds)
		read[name] = r
		return r, nil
	}
	var total loaded
	for _, name := range unique(checks) {
		r, err := load(name, true)
		if err != nil {
			return Digest{}, err
		}
		d.Checks = append(d.Checks, r.CheckReport)
		total.cur.merge(r.cur)
		total.prev.merge(r.prev)
		if r.Cur.Results == 0 {
			d.NoData = append(d.NoData, name)
		}
	}
	d.Total = report("all checks", total.cur, total.prev, bounds)
	d.Hourly = hourly.points()
	d.Worst = worst(d.Checks)
	countsRead := true
	if src.Events != nil {
		if err := d.countEvents(ctx, src.Events); err != nil {
			d.Notes = append(d.Notes, "security and rate-limit events could not be counted")
			countsRead = false
		}
	} else {
		if d.Security, err = flags(src.SecurityChecks, load); err != nil {
			return Digest{}, err
		}
		if d.RateLimit, err = flags(src.RateLimitChecks, load); err != nil {
			return Digest{}, err
		}
	}
	incs, err := src.Incidents.Incidents(ctx, prev.From, cur.To)
	if err != nil {
		return Digest{}, fmt.Errorf("report: incidents: %w", err)
	}
	incs = dedupe(incs)
	d.Incidents, d.PrevIncidents = incidentStats(incs, cur), incidentStats(incs, prev)
	d.optional(ctx, src)
	d.AllClear = countsRead && d.allClear()
	return d, nil
}

// countEvents reads the security and rate-limit event counts of the period
// and the previous one into d.Security and d.RateLimit; on error it leaves
// both unset.
func (d *Digest) countEvents(ctx context.Context, src EventSource) error {
	var got [2]Flags
	for i, class := range []string{storage.EventClassSecurity, storage.EventClassRateLimit} {
		cur, err := src.Sum(ctx, class, d.Period.From, d.Period.To)
		if err != nil {
			return err
		}
		prev, err := src.Sum(ctx, class, d.Prev.From, d.Prev.To)
		if err != nil {
			return err
		}
		got[i] = Flags{Counted: true, Events: cur, PrevEvents: prev}
	}
	d.Security, d.RateLimit = got[0], got[1]
	return nil
}

// optional reads the sources a digest can do without.
func (d *Digest) optional(ctx context.Context, src Sources) {
	if src.Maintenance != nil {
		done, err := src.Maintenance.Done(ctx, d.Period.From, d.Period.To)
		if err != nil {
			d.Notes = append(d.Notes, "maintenance windows could not be read")
		} else {
			d.Maintenance = &Maintenance{Done: done}
		}
	}
	if src.Checklist != nil {
		done, total, err := src.Checklist.Completion(ctx, d.Period.From, d.Period.To)
		if err != nil {
			d.Notes = append(d.Notes, "the checklist could not be read")
		} else {
			d.Checklist = &Checklist{Done: done, Total: total}
		}
	}
}

func (d *Digest) allClear() bool {
	if len(d.Checks) == 0 || len(d.NoData) > 0 || d.Incidents.Opened > 0 || d.Incidents.OpenAtEnd > 0 ||
		d.Security.Runs > 0 || d.RateLimit.Runs > 0 || d.Security.Events > 0 {
		return false
	}
	for _, c := range d.Checks {
		if c.Cur.OK != c.Cur.Results {
			return false
		}
	}
	return true
}

func report(name string, cur, prev acc, bounds []float64) CheckReport {
	r := CheckReport{Name: name, Cur: cur.stats(bounds), Prev: prev.stats(bounds)}
	r.Change = change(r.Cur, r.Prev)
	return r
}

func flags(names []string, load func(string, bool) (*loaded, error)) (Flags, error) {
	f := Flags{Checks: unique(names)}
	for _, name := range f.Checks {
		r, err := load(name, false)
		if err != nil {
			return Flags{}, err
		}
		f.Runs += r.Cur.Warn + r.Cur.Crit
		f.PrevRuns += r.Prev.Warn + r.Prev.Crit
	}
	return f, nil
}

func worst(all []CheckReport) []CheckReport {
	var out []CheckReport
	for _, c := range all {
		if c.Cur.Results > 0 && c.Cur.OK < c.Cur.Results {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b CheckReport) int {
		return cmp.Or(cmp.Compare(a.Cur.Availability, b.Cur.Availability),
			cmp.Compare(b.Cur.Crit, a.Cur.Crit), cmp.Compare(a.Name, b.Name))
	})
	return out[:min(len(out), maxWorst)]
}

func unique(names []string) []string {
	seen := make(map[string]bool, len(names))
	var out []string
	for _, n := range names {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
