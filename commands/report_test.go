package commands

import (
	"bytes"
	"errors"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/report"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// reportCommand is /report over a real store holding, for the day and the
// week before 3 March 2026 09:00 UTC (a Tuesday), the runs of "web":
// 2 March 10:00 ok 100 ms, 10:30 crit 300 ms; 24 February 08:00 ok 50 ms.
// Yesterday: 2 runs, 1 ok → 50%, avg 200 ms. Last week (23 Feb–2 Mar
// 00:00) holds only the 24 February run: 100%, and the week before none.
func reportCommand(t *testing.T) Command {
	t.Helper()
	store := storagetest.Open(t)
	h := store.History()
	for _, r := range []checks.Result{
		{Check: "web", Status: checks.StatusOK, Duration: 100 * time.Millisecond, ObservedAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)},
		{Check: "web", Status: checks.StatusCrit, Duration: 300 * time.Millisecond, ObservedAt: time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)},
		{Check: "web", Status: checks.StatusOK, Duration: 50 * time.Millisecond, ObservedAt: time.Date(2026, 2, 24, 8, 0, 0, 0, time.UTC)},
	} {
		if err := h.RecordResult(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	src := report.Reporter{
		Checks:  func() []string { return []string{"web"} },
		Sources: report.Sources{History: h, Incidents: report.FromIncidentStore(store.Incidents(), 0)},
	}
	return Report(src, func() time.Time { return time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC) })
}

func TestReportRepliesWithTheDigestAndItsChart(t *testing.T) {
	t.Parallel()
	c := reportCommand(t)
	for _, tc := range []struct {
		args, file string
		want       []string
	}{
		{"", "report-daily-2026-03-02.png", []string{"Daily report</b> · Mon 2 Mar 2026 (UTC)", "50.00% available", "avg 200 ms", "🔴 <b>web</b> 50.00%"}},
		{" Weekly ", "report-weekly-2026-02-23.png", []string{"Weekly report</b> · 23 Feb – 1 Mar 2026 (UTC)", "100% available · 1 run", "avg 50 ms", "✅ All clear"}},
		{"monthly", "report-monthly-2026-02-01.png", []string{"Monthly report</b> · February 2026 (UTC)", "100% available"}},
	} {
		r, err := c.Handle(t.Context(), Request{Command: "report", Args: tc.args, Role: RoleViewer})
		if err != nil {
			t.Fatalf("/report %s: %v", tc.args, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.HTML, w) {
				t.Errorf("/report %s: no %q in\n%s", tc.args, w, r.HTML)
			}
		}
		if r.Photo == nil || r.Photo.Name != tc.file || r.Photo.Caption != report.ChartCaption {
			t.Fatalf("/report %s: photo %+v; want %s", tc.args, r.Photo, tc.file)
		}
		img, err := png.Decode(bytes.NewReader(r.Photo.Data))
		if err != nil || img.Bounds().Dx() != 800 || img.Bounds().Dy() != 400 {
			t.Errorf("/report %s: chart %v, %v", tc.args, img, err)
		}
	}
}

func TestReportRejectsBadArguments(t *testing.T) {
	t.Parallel()
	c := reportCommand(t)
	for _, args := range []string{"yearly", "daily weekly", "7"} {
		if _, err := c.Handle(t.Context(), Request{Command: "report", Args: args, Role: RoleViewer}); !errors.Is(err, ErrUsage) {
			t.Errorf("/report %s: %v; want ErrUsage", args, err)
		}
	}
	if c.MinRole != RoleViewer || c.Placeholder(Request{Args: "weekly"}) != "⏳ Building the weekly report…" {
		t.Errorf("role %v, placeholder %q", c.MinRole, c.Placeholder(Request{Args: "weekly"}))
	}
}
