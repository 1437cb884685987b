package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/report"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

type eventAdd struct {
	class string
	at    time.Time
	n     int64
}

func addEvents(t *testing.T, c *storage.EventCounts, adds ...eventAdd) {
	t.Helper()
	for _, a := range adds {
		if err := c.Add(t.Context(), a.class, a.at, a.n); err != nil {
			t.Fatal(err)
		}
	}
}

// seedEvents are the event counts of the digest test, by hand: security
// on 2 March 5 + 7 = 12, on 1 March 3 (the 3 March and 28 February ones are
// outside both days); rate limits on 2 March 40 + 17 = 57, on 1 March 60.
func seedEvents() []eventAdd {
	const sec, rate = storage.EventClassSecurity, storage.EventClassRateLimit
	return []eventAdd{
		{sec, hm(mar2, 10, 0), 5},
		{sec, hm(mar2, 23, 30), 7},
		{sec, hm(mar2, 24, 10), 100},
		{sec, hm(mar1, 0, 0), 3},
		{sec, hm(mar1, -1, 59), 50},
		{rate, hm(mar2, 6, 0), 40},
		{rate, hm(mar2, 18, 59), 17},
		{rate, hm(mar1, 12, 0), 60},
		{storage.EventClassAll, hm(mar2, 12, 0), 1000},
	}
}

func TestBuildCountsEvents(t *testing.T) {
	t.Parallel()
	store := storagetest.Open(t)
	h, ec := store.History(), store.EventCounts()
	for _, r := range seedResults() {
		if err := h.RecordResult(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	addEvents(t, ec, seedEvents()...)
	// SecurityChecks is set too: with Events, the flagged runs are not
	// read.
	d, err := report.Build(t.Context(), report.Daily, now, checkN, report.Sources{
		History: h, Incidents: seedIncidents(), Events: ec,
		SecurityChecks: []string{"events"}, RateLimitChecks: []string{"logs"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := (report.Flags{Counted: true, Events: 12, PrevEvents: 3}); !flagsEqual(d.Security, want) {
		t.Errorf("security %+v, want %+v", d.Security, want)
	}
	if want := (report.Flags{Counted: true, Events: 57, PrevEvents: 60}); !flagsEqual(d.RateLimit, want) {
		t.Errorf("rate limit %+v, want %+v", d.RateLimit, want)
	}
	out := report.Render(d)
	if want := "\n<b>Security events:</b> 12 (was 3)\n<b>Rate-limit events:</b> 57 (was 60)"; !strings.Contains(out, want) {
		t.Errorf("missing %q in:\n%s", want, out)
	}
	if strings.Contains(out, "flagged run") {
		t.Errorf("flagged runs shown next to the event counts:\n%s", out)
	}
}

func flagsEqual(a, b report.Flags) bool {
	return a.Counted == b.Counted && a.Events == b.Events && a.PrevEvents == b.PrevEvents &&
		len(a.Checks) == len(b.Checks) && a.Runs == b.Runs && a.PrevRuns == b.PrevRuns
}

func TestBuildAllClearWithEventCounts(t *testing.T) {
	t.Parallel()
	ec := storagetest.Open(t).EventCounts()
	h := history{{"web", hm(mar2, 3, 0), 10, 10, 1000, []int64{0, 10}}}
	// Rate-limit events, and security events the day before, leave 2
	// March all clear.
	addEvents(t, ec,
		eventAdd{storage.EventClassRateLimit, hm(mar2, 8, 0), 4},
		eventAdd{storage.EventClassSecurity, hm(mar1, 23, 59), 2},
		eventAdd{storage.EventClassSecurity, hm(mar2, 24, 0), 9}, // 3 March
	)
	src := report.Sources{History: h, Incidents: incidentList{}, Events: ec}
	d, err := report.Build(t.Context(), report.Daily, now, []string{"web"}, src)
	if err != nil {
		t.Fatal(err)
	}
	if !d.AllClear || d.Security.Events != 0 || d.Security.PrevEvents != 2 || d.RateLimit.Events != 4 {
		t.Fatalf("all clear %v, security %+v, rate limit %+v", d.AllClear, d.Security, d.RateLimit)
	}
	out := report.Render(d)
	if !strings.Contains(out, report.AllClearLine) || !strings.Contains(out, "<b>Security events:</b> 0 (was 2)\n<b>Rate-limit events:</b> 4 (was 0)") {
		t.Errorf("all clear digest:\n%s", out)
	}

	// One security event at the last minute of the day is enough.
	addEvents(t, ec, eventAdd{storage.EventClassSecurity, hm(mar2, 23, 59), 1})
	d, err = report.Build(t.Context(), report.Daily, now, []string{"web"}, src)
	if err != nil {
		t.Fatal(err)
	}
	if d.AllClear || d.Security.Events != 1 {
		t.Errorf("all clear %v with security %+v", d.AllClear, d.Security)
	}
	if out := report.Render(d); strings.Contains(out, report.AllClearLine) || !strings.Contains(out, "<b>Security events:</b> 1 (was 2)") {
		t.Errorf("digest with a security event:\n%s", out)
	}
}

// TestBuildEventsUnreadable reads the counts from a store that is closed:
// the digest is built without them, says so, and does not claim all clear
// since it cannot know there were no security events.
func TestBuildEventsUnreadable(t *testing.T) {
	t.Parallel()
	store := storagetest.Open(t)
	ec := store.EventCounts()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := store.Close(ctx); err != nil {
		t.Fatal(err)
	}
	h := history{{"web", hm(mar2, 3, 0), 10, 10, 1000, []int64{0, 10}}}
	d, err := report.Build(t.Context(), report.Daily, now, []string{"web"}, report.Sources{History: h, Incidents: incidentList{}, Events: ec})
	if err != nil {
		t.Fatal(err)
	}
	if d.AllClear || d.Security.Counted || d.RateLimit.Counted || len(d.Notes) != 1 {
		t.Fatalf("all clear %v, security %+v, rate limit %+v, notes %q", d.AllClear, d.Security, d.RateLimit, d.Notes)
	}
	out := report.Render(d)
	if !strings.Contains(out, "<i>Left out: security and rate-limit events could not be counted.</i>") || strings.Contains(out, "events:") {
		t.Errorf("digest without counts:\n%s", out)
	}
}

// TestBuildEventsInAHalfHourZone cuts 2 March in UTC+5:30: from 1 March
// 18:30 to 2 March 18:30 UTC. As with the history, an hour belongs to the
// period holding its start: 1 March 18:00 to the day before, 2 March 18:00
// to this one.
func TestBuildEventsInAHalfHourZone(t *testing.T) {
	t.Parallel()
	ec := storagetest.Open(t).EventCounts()
	addEvents(t, ec,
		eventAdd{storage.EventClassSecurity, hm(mar1, 18, 45), 1},
		eventAdd{storage.EventClassSecurity, hm(mar1, 19, 0), 10},
		eventAdd{storage.EventClassSecurity, hm(mar2, 18, 45), 100},
		eventAdd{storage.EventClassSecurity, hm(mar2, 19, 0), 1000},
	)
	india := time.FixedZone("IST", 5*3600+1800)
	d, err := report.Build(t.Context(), report.Daily, now, nil, report.Sources{
		History: history{}, Incidents: incidentList{}, Events: ec, Location: india})
	if err != nil {
		t.Fatal(err)
	}
	if d.Security.Events != 110 || d.Security.PrevEvents != 1 {
		t.Errorf("security %+v; want 110, previously 1", d.Security)
	}
}
