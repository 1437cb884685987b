package report_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/report"
)

func TestRenderShowsTheFigures(t *testing.T) {
	t.Parallel()
	out := report.Render(seededDigest(t))
	// Each figure as worked out in seedResults and seedIncidents.
	for _, want := range []string{
		"<b>📊 Daily report</b> · Mon 2 Mar 2026 (UTC)",
		"90.00% available (-10.00 pp) · 30 runs",
		"avg 852 ms (+468%) · p95 5.00 s (+900%) · errors 6.67% (+6.67 pp)",
		"3 opened (prev 1) · 2 resolved (prev 0) · 2 still open",
		"MTTA 7m (prev 2m) · MTTR 1h46m",
		"<b>Worst checks</b>\n🔴 <b>search</b> 50.00% · 1 failed, 0 degraded of 2 runs\n🔴 <b>api</b> 75.00% (-25.00 pp) · 1 failed, 1 degraded of 8 runs\n",
		"🔴 <b>search</b> 50.00% · avg 10.05 s · p95 &gt;10.00 s · errors 50.00%",
		"⏳ <b>idle</b> no runs",
		"✅ <b>db</b> 100% · avg 40 ms · p95 50 ms",
		"<b>Security</b> 2 flagged runs of events (prev 1)",
		"<b>Rate limits</b> 0 flagged runs of logs (prev 0)",
		"<b>Maintenance done</b> Patch &lt;db&gt; &amp; reboot",
		"<b>Checklist</b> 5 of 7 done (71%)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, report.AllClearLine) {
		t.Errorf("all clear on a bad day:\n%s", out)
	}
	// Worst first: the checks list starts with search, api, then idle, db.
	if i, j, k, l := strings.Index(out, "🔴 <b>search</b> 50.00% · avg"), strings.Index(out, "🔴 <b>api</b> 75.00% · avg"),
		strings.Index(out, "⏳ <b>idle</b>"), strings.Index(out, "✅ <b>db</b>"); !(0 < i && i < j && j < k && k < l) {
		t.Errorf("checks out of order (%d %d %d %d):\n%s", i, j, k, l, out)
	}
}

func TestRenderAllClear(t *testing.T) {
	t.Parallel()
	h := history{{"web", hm(mar2, 3, 0), 10, 10, 1000, []int64{0, 10}}}
	d, err := report.Build(t.Context(), report.Daily, now, []string{"web"}, report.Sources{History: h, Incidents: incidentList{}})
	if err != nil {
		t.Fatal(err)
	}
	out := report.Render(d)
	if !strings.Contains(out, "\n"+report.AllClearLine+"\n") || !strings.Contains(out, "<b>Incidents</b> none (previous period: 0 opened)") {
		t.Fatalf("all clear digest:\n%s", out)
	}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

func TestRenderEscapesAndFitsOneMessageFor50Checks(t *testing.T) {
	t.Parallel()
	cur, prev, _ := report.PeriodFor(report.Monthly, now, nil)
	d := report.Digest{Period: cur, Prev: prev, Maintenance: &report.Maintenance{}}
	for i := range 50 {
		name := fmt.Sprintf(`svc-%02d <script>alert("x")</script> & a very long check name indeed`, i)
		n := int64(1000)
		okRuns := n - int64(i%7)
		d.Checks = append(d.Checks, report.CheckReport{Name: name, Cur: report.Stats{
			Results: n, OK: okRuns, Crit: n - okRuns, Availability: float64(okRuns) / float64(n) * 100,
			ErrorRate: float64(n-okRuns) / float64(n) * 100, AvgMS: 123.4, P95MS: 250,
		}})
		d.Maintenance.Done = append(d.Maintenance.Done, fmt.Sprintf("window <%d> & more", i))
	}
	d.Worst = d.Checks[6:9]
	d.Security = report.Flags{Checks: []string{"events <x>"}, Runs: 3}
	d.Notes = []string{"the checklist <could not> be read"}
	out := report.Render(d)

	if len(out) > 4000 {
		t.Errorf("%d bytes", len(out))
	}
	if pieces := render.Split(out, render.MaxMessage); len(pieces) != 1 {
		t.Errorf("split into %d messages", len(pieces))
	}
	for _, tag := range tagRE.FindAllString(out, -1) {
		if tag != "<b>" && tag != "</b>" && tag != "<i>" && tag != "</i>" {
			t.Fatalf("unescaped markup %q in:\n%s", tag, out)
		}
	}
	if !strings.Contains(out, `&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;`) || !strings.Contains(out, "window &lt;0&gt; &amp; more") ||
		!strings.Contains(out, "events &lt;x&gt;") {
		t.Errorf("names not escaped:\n%s", out)
	}
	// Long names are clipped to 40 characters.
	if strings.Contains(out, "a very long check name indeed") {
		t.Errorf("long names not clipped:\n%s", out)
	}
	if !strings.Contains(out, "…and 45 more") || !strings.Contains(out, "window &lt;4&gt; &amp; more …and 45 more") {
		t.Errorf("the maintenance list is not cut after 5:\n%s", out)
	}
	shown := strings.Count(out[strings.Index(out, "<b>Checks (50)</b>"):], "· avg 123 ms")
	more := regexp.MustCompile(`\n…and (\d+) more\n`).FindStringSubmatch(out)
	if more == nil || shown == 0 || more[1] != fmt.Sprint(50-shown) {
		t.Errorf("%d checks shown, cut line %v:\n%s", shown, more, out)
	}
	if !utf8.ValidString(out) {
		t.Error("invalid UTF-8")
	}
}

func TestRenderLabelsPeriods(t *testing.T) {
	t.Parallel()
	berlin := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		kind string
		now  time.Time
		want string
	}{
		{report.Weekly, time.Date(2026, 1, 1, 12, 0, 0, 0, berlin), "Weekly report</b> · 22 Dec – 28 Dec 2025 (CET)"},
		{report.Weekly, time.Date(2026, 1, 8, 12, 0, 0, 0, berlin), "Weekly report</b> · 29 Dec 2025 – 4 Jan 2026 (CET)"},
		{report.Monthly, time.Date(2026, 1, 8, 12, 0, 0, 0, berlin), "Monthly report</b> · December 2025 (CET)"},
	} {
		cur, prev, err := report.PeriodFor(tc.kind, tc.now, berlin)
		if err != nil {
			t.Fatal(err)
		}
		if out := report.Render(report.Digest{Period: cur, Prev: prev}); !strings.Contains(out, tc.want) {
			t.Errorf("%s at %v:\n%s\nwant %q", tc.kind, tc.now, out, tc.want)
		}
	}
}
