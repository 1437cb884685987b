package report_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/report"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// The daily digest built at 09:00 on 3 March 2026 covers 2 March (UTC),
// compared with 1 March.
var (
	now  = time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	mar1 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	mar2 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	hm   = func(day time.Time, h, m int) time.Time {
		return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	ms     = func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	ok     = checks.StatusOK
	warn   = checks.StatusWarn
	crit   = checks.StatusCrit
	checkN = []string{"api", "db", "search", "idle"}
)

// seedResults are the runs the digest test records, and the figures
// worked out by hand from them. Latency buckets (ms): ≤50, ≤100, ≤250,
// ≤500, ≤1000, ≤2500, ≤5000, ≤10000, above.
//
// api on 2 March: 8 runs, 6 ok, 1 warn, 1 crit → availability 75%, error
// rate 12.5%; durations 80+120+200+400+3000+700+100+60 = 4660 ms → avg
// 582.5 ms; p95 is run ceil(0.95·8) = 8, the 3000 ms one, in ≤5000 → 5000.
// api on 1 March: 3×100 ms + 300 ms, all ok → 100%, avg 150 ms, p95 is
// run 4 (300 ms, ≤500) → 500. Changes: −25 pp, +12.5 pp, avg
// (582.5−150)/150 = +288.33%, p95 (5000−500)/500 = +900%.
//
// db on 2 March: 19 ok runs of 10 ms at hh:45 for hours 0..18 and one of
// 600 ms at 19:45 → 100%, avg (190+600)/20 = 39.5 ms, p95 is run 19,
// the last 10 ms one, in ≤50 → 50. No runs on 1 March: no change known.
//
// search on 2 March: 100 ms ok at 21:00, 20 s crit at 21:30 → 50%, error
// 50%, avg 10050 ms, p95 run 2 in the open bucket → ">10 s".
//
// idle never ran. events (the security check, not reported itself): 2
// March 3 ok, 1 warn, 1 crit → 2 flags; 1 March 1 warn → 1. logs (rate
// limits): 2 ok → 0 flags.
//
// All reported checks on 2 March: 30 runs, 27 ok, 2 crit → 90%, 6.67%;
// durations 4660+790+20100 = 25550 → avg 851.67 ms; histogram cumulative
// 19, 23, 25, 26, 28, 28, 29 → run ceil(28.5) = 29 is in ≤5000 → 5000.
// On 1 March only api ran: 100%, avg 150 → −10 pp, +467.78%.
func seedResults() []checks.Result {
	r := func(check string, at time.Time, st checks.Status, d time.Duration) checks.Result {
		return checks.Result{Check: check, Status: st, Duration: d, ObservedAt: at}
	}
	out := []checks.Result{
		r("api", hm(mar2, 10, 5), ok, ms(80)),
		r("api", hm(mar2, 10, 20), ok, ms(120)),
		r("api", hm(mar2, 10, 40), ok, ms(200)),
		r("api", hm(mar2, 11, 0), ok, ms(400)),
		r("api", hm(mar2, 11, 30), crit, ms(3000)),
		r("api", hm(mar2, 15, 0), warn, ms(700)),
		r("api", hm(mar2, 15, 10), ok, ms(100)),
		r("api", hm(mar2, 15, 20), ok, ms(60)),
		r("api", hm(mar1, 9, 0), ok, ms(100)),
		r("api", hm(mar1, 9, 15), ok, ms(100)),
		r("api", hm(mar1, 9, 30), ok, ms(100)),
		r("api", hm(mar1, 9, 45), ok, ms(300)),
		// Outside both days: must not count.
		r("api", hm(mar2, 24, 30), crit, ms(100)),
		r("api", hm(mar1, -1, 0), crit, ms(100)),
		r("search", hm(mar2, 21, 0), ok, ms(100)),
		r("search", hm(mar2, 21, 30), crit, 20*time.Second),
		r("events", hm(mar2, 1, 0), ok, ms(1)),
		r("events", hm(mar2, 2, 0), warn, ms(1)),
		r("events", hm(mar2, 3, 0), ok, ms(1)),
		r("events", hm(mar2, 4, 0), crit, ms(1)),
		r("events", hm(mar2, 5, 0), ok, ms(1)),
		r("events", hm(mar1, 5, 0), warn, ms(1)),
		r("logs", hm(mar2, 6, 0), ok, ms(1)),
		r("logs", hm(mar2, 7, 0), ok, ms(1)),
	}
	for h := 0; h < 19; h++ {
		out = append(out, r("db", hm(mar2, h, 45), ok, ms(10)))
	}
	return append(out, r("db", hm(mar2, 19, 45), ok, ms(600)))
}

// seedIncidents are the incidents of the test, by hand:
//
//	INC-1 opened 2 Mar 10:00 (failing since 09:58), acked 10:04, resolved 10:30: duration 32m
//	INC-2 opened 2 Mar 11:30, acked 11:40, still open
//	INC-3 opened 1 Mar 22:00 (since 21:59), acked 22:02, resolved 2 Mar 01:00: duration 3h1m
//	INC-4 opened 2 Mar 20:00, never acked, resolved 3 Mar 02:00
//	INC-5 opened and resolved in February: outside both days
//
// 2 March: opened 1, 2, 4 → 3; acked 1 (4m) and 2 (10m) → MTTA 7m;
// resolved 1 (32m) and 3 (181m) → MTTR 106.5m = 1h46m30s; open at the end
// 2 and 4 → 2. 1 March: opened 3 → 1, MTTA 2m, none resolved, 3 open at
// the end → 1.
func seedIncidents() incidentList {
	inc := func(seq int64, started, opened, acked, resolved time.Time) incident.Incident {
		i := incident.Incident{Seq: seq, ID: incident.FormatID(seq), Check: "api", Status: incident.StatusOpen,
			StartedAt: started, OpenedAt: opened, AcknowledgedAt: acked, ResolvedAt: resolved}
		switch {
		case !resolved.IsZero():
			i.Status = incident.StatusResolved
		case !acked.IsZero():
			i.Status = incident.StatusAcknowledged
		}
		return i
	}
	var zero time.Time
	list := incidentList{
		inc(1, hm(mar2, 9, 58), hm(mar2, 10, 0), hm(mar2, 10, 4), hm(mar2, 10, 30)),
		inc(2, zero, hm(mar2, 11, 30), hm(mar2, 11, 40), zero),
		inc(3, hm(mar1, 21, 59), hm(mar1, 22, 0), hm(mar1, 22, 2), hm(mar2, 1, 0)),
		inc(4, zero, hm(mar2, 20, 0), zero, hm(mar2, 26, 0)),
		inc(5, zero, time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC), zero, time.Date(2026, 2, 21, 0, 0, 0, 0, time.UTC)),
	}
	return append(list, list[0]) // a source may repeat one
}

// incidentList is an IncidentSource over literal incidents; it returns
// them all, a superset, which Build must filter.
type incidentList []incident.Incident

func (l incidentList) Incidents(context.Context, time.Time, time.Time) ([]incident.Incident, error) {
	return l, nil
}

type maintenanceList []string

func (l maintenanceList) Done(context.Context, time.Time, time.Time) ([]string, error) { return l, nil }

type checklistCount struct{ done, total int }

func (c checklistCount) Completion(context.Context, time.Time, time.Time) (int, int, error) {
	return c.done, c.total, nil
}

func seededDigest(t *testing.T) report.Digest {
	t.Helper()
	h := storagetest.Open(t).History()
	for _, r := range seedResults() {
		if err := h.RecordResult(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	d, err := report.Build(t.Context(), report.Daily, now, checkN, report.Sources{
		History: h, Incidents: seedIncidents(),
		Maintenance:    maintenanceList{"Patch <db> & reboot"},
		Checklist:      checklistCount{5, 7},
		SecurityChecks: []string{"events"}, RateLimitChecks: []string{"logs"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestBuildFiguresFromTheHistory(t *testing.T) {
	t.Parallel()
	d := seededDigest(t)
	if !d.Period.From.Equal(mar2) || !d.Prev.From.Equal(mar1) {
		t.Fatalf("periods %v, %v", d.Period, d.Prev)
	}
	byName := map[string]report.CheckReport{}
	for _, c := range d.Checks {
		byName[c.Name] = c
	}
	if len(d.Checks) != 4 || d.Checks[0].Name != "api" || d.Checks[3].Name != "idle" {
		t.Fatalf("checks %+v", d.Checks)
	}
	type want struct {
		n, ok, warn, crit  int64
		avail, errs, avg   float64
		p95                float64
		p95Above           bool
		known              bool
		dAvail, dErr, dAvg float64
		dP95               float64
		prevAvail, prevAvg float64
		prevN              int64
	}
	for name, w := range map[string]want{
		"api":    {8, 6, 1, 1, 75, 12.5, 582.5, 5000, false, true, -25, 12.5, (582.5 - 150) / 150 * 100, 900, 100, 150, 4},
		"db":     {20, 20, 0, 0, 100, 0, 39.5, 50, false, false, 0, 0, 0, 0, 0, 0, 0},
		"search": {2, 1, 0, 1, 50, 50, 10050, 10000, true, false, 0, 0, 0, 0, 0, 0, 0},
		"idle":   {},
	} {
		c := byName[name]
		s, p, ch := c.Cur, c.Prev, c.Change
		if s.Results != w.n || s.OK != w.ok || s.Warn != w.warn || s.Crit != w.crit ||
			!near(s.Availability, w.avail) || !near(s.ErrorRate, w.errs) || !near(s.AvgMS, w.avg) ||
			s.P95MS != w.p95 || s.P95Above != w.p95Above {
			t.Errorf("%s now: %+v; want %+v", name, s, w)
		}
		if p.Results != w.prevN || !near(p.Availability, w.prevAvail) || !near(p.AvgMS, w.prevAvg) {
			t.Errorf("%s before: %+v; want %+v", name, p, w)
		}
		if ch.Known != w.known || !near(ch.AvailabilityPP, w.dAvail) || !near(ch.ErrorRatePP, w.dErr) ||
			!near(ch.AvgPct, w.dAvg) || !near(ch.P95Pct, w.dP95) {
			t.Errorf("%s change: %+v; want %+v", name, ch, w)
		}
	}
	tot := d.Total
	if tot.Cur.Results != 30 || tot.Cur.OK != 27 || !near(tot.Cur.Availability, 90) || !near(tot.Cur.ErrorRate, 200.0/30) ||
		!near(tot.Cur.AvgMS, 25550.0/30) || tot.Cur.P95MS != 5000 || tot.Cur.P95Above {
		t.Errorf("total %+v", tot.Cur)
	}
	if !tot.Change.Known || !near(tot.Change.AvailabilityPP, -10) || !near(tot.Change.AvgPct, (25550.0/30-150)/150*100) {
		t.Errorf("total change %+v", tot.Change)
	}
	var worst []string
	for _, c := range d.Worst {
		worst = append(worst, c.Name)
	}
	if !slices.Equal(worst, []string{"search", "api"}) || !slices.Equal(d.NoData, []string{"idle"}) {
		t.Errorf("worst %v, no data %v; want [search api], [idle]", worst, d.NoData)
	}
	if d.Security.Runs != 2 || d.Security.PrevRuns != 1 || d.RateLimit.Runs != 0 || !slices.Equal(d.RateLimit.Checks, []string{"logs"}) {
		t.Errorf("security %+v, rate limit %+v", d.Security, d.RateLimit)
	}
	if d.Maintenance == nil || len(d.Maintenance.Done) != 1 || d.Checklist == nil || *d.Checklist != (report.Checklist{Done: 5, Total: 7}) {
		t.Errorf("maintenance %+v, checklist %+v", d.Maintenance, d.Checklist)
	}
	if d.AllClear {
		t.Error("a day with incidents and failures is all clear")
	}
}

func TestBuildIncidentFigures(t *testing.T) {
	t.Parallel()
	d := seededDigest(t)
	want := report.IncidentStats{Opened: 3, Resolved: 2, OpenAtEnd: 2, Acknowledged: 2,
		MTTA: 7 * time.Minute, MTTR: 106*time.Minute + 30*time.Second}
	if d.Incidents != want {
		t.Errorf("2 March incidents %+v; want %+v", d.Incidents, want)
	}
	wantPrev := report.IncidentStats{Opened: 1, OpenAtEnd: 1, Acknowledged: 1, MTTA: 2 * time.Minute}
	if d.PrevIncidents != wantPrev {
		t.Errorf("1 March incidents %+v; want %+v", d.PrevIncidents, wantPrev)
	}
}

func TestBuildHourlySeries(t *testing.T) {
	t.Parallel()
	d := seededDigest(t)
	if len(d.Hourly) != 24 || !d.Hourly[0].Hour.Equal(mar2) {
		t.Fatalf("%d hourly points from %v", len(d.Hourly), d.Hourly[0].Hour)
	}
	// Hour 10: api 80, 120, 200 and db 10, all ok. Hour 11: api 400 ok,
	// 3000 crit, db 10 ok. Hour 21: search 100 ok, 20000 crit. Hour 22:
	// nothing (events ran at 1..5 but is not a reported check).
	for _, w := range []struct {
		hour  int
		n, ok int64
		avail float64
		avg   float64
	}{
		{10, 4, 4, 100, 102.5},
		{11, 3, 2, 200.0 / 3, 3410.0 / 3},
		{21, 2, 1, 50, 10050},
		{22, 0, 0, 0, 0},
		{2, 1, 1, 100, 10},
	} {
		p := d.Hourly[w.hour]
		if p.Results != w.n || p.OK != w.ok || !near(p.Availability, w.avail) || !near(p.AvgMS, w.avg) {
			t.Errorf("hour %d: %+v; want %+v", w.hour, p, w)
		}
	}
}

// history is a HistorySource over literal hour buckets.
type history []storageHour

func TestBuildAllClear(t *testing.T) {
	t.Parallel()
	h := history{
		{"web", hm(mar2, 3, 0), 10, 10, 1000, []int64{0, 10}},
		{"web", hm(mar1, 3, 0), 10, 9, 1000, []int64{0, 10}},
		{"events", hm(mar2, 4, 0), 5, 5, 5, []int64{5}},
	}
	src := report.Sources{History: h, Incidents: incidentList{}, SecurityChecks: []string{"events"}}
	d, err := report.Build(t.Context(), report.Daily, now, []string{"web"}, src)
	if err != nil {
		t.Fatal(err)
	}
	if !d.AllClear {
		t.Fatalf("not all clear: %+v", d)
	}
	// Every way out of all clear: a check without runs, a warn run, a
	// security flag, an incident still open from before.
	for name, change := range map[string]func(*report.Sources, *[]string){
		"a check without runs": func(_ *report.Sources, c *[]string) { *c = append(*c, "silent") },
		"a degraded run": func(s *report.Sources, _ *[]string) {
			s.History = append(h, storageHour{"web", hm(mar2, 5, 0), 1, 0, 100, []int64{0, 1}})
		},
		"a security flag": func(s *report.Sources, _ *[]string) {
			s.History = append(h, storageHour{"events", hm(mar2, 5, 0), 1, 0, 1, []int64{1}})
		},
		"an incident open since the day before": func(s *report.Sources, _ *[]string) {
			s.Incidents = incidentList{{ID: "INC-9", Status: incident.StatusOpen, OpenedAt: hm(mar1, 12, 0)}}
		},
		"no checks at all": func(_ *report.Sources, c *[]string) { *c = nil },
	} {
		s, c := src, []string{"web"}
		change(&s, &c)
		d, err := report.Build(t.Context(), report.Daily, now, c, s)
		if err != nil {
			t.Fatal(err)
		}
		if d.AllClear {
			t.Errorf("all clear with %s", name)
		}
	}
}

func TestBuildNeedsItsSources(t *testing.T) {
	t.Parallel()
	if _, err := report.Build(t.Context(), report.Daily, now, nil, report.Sources{Incidents: incidentList{}}); err == nil {
		t.Error("no history accepted")
	}
	if _, err := report.Build(t.Context(), "hourly", now, nil, report.Sources{History: history{}, Incidents: incidentList{}}); err == nil {
		t.Error("an unknown period accepted")
	}
}

func TestBuildInAHalfHourZoneCountsEachHourOnce(t *testing.T) {
	t.Parallel()
	// In UTC+5:30, 2 March runs from 1 March 18:30 to 2 March 18:30 UTC.
	// The bucket of 1 March 18:00 UTC starts before it and belongs to 1
	// March; the one of 2 March 18:00 starts inside it.
	india := time.FixedZone("IST", 5*3600+1800)
	h := history{
		{"web", hm(mar1, 18, 0), 4, 4, 400, []int64{0, 4}},
		{"web", hm(mar1, 19, 0), 2, 1, 200, []int64{0, 2}},
		{"web", hm(mar2, 18, 0), 2, 2, 200, []int64{0, 2}},
		{"web", hm(mar2, 19, 0), 9, 0, 900, []int64{0, 9}}, // 3 March there
	}
	d, err := report.Build(t.Context(), report.Daily, now, []string{"web"}, report.Sources{History: h, Incidents: incidentList{}, Location: india})
	if err != nil {
		t.Fatal(err)
	}
	c := d.Checks[0]
	if c.Cur.Results != 4 || c.Cur.OK != 3 || c.Prev.Results != 4 {
		t.Fatalf("2 March in IST: %+v, 1 March: %+v; want 4 runs (3 ok), 4 runs", c.Cur, c.Prev)
	}
	if len(d.Hourly) != 24 || !d.Hourly[0].Hour.Equal(hm(mar1, 19, 0)) || d.Hourly[23].Results != 2 {
		t.Fatalf("hourly: %d points from %v, last %+v", len(d.Hourly), d.Hourly[0].Hour, d.Hourly[len(d.Hourly)-1])
	}
}
