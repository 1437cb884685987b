package commands

import (
	"context"
	"strings"
	"time"

	"github.com/opsbot/opsbot/report"
)

// ReportSource builds the digests /report shows; report.Reporter is one.
type ReportSource interface {
	Digest(ctx context.Context, kind string, now time.Time) (report.Digest, error)
}

// Report is /report [daily|weekly|monthly]: the digest of the last full
// day (the default), week or month, as text, with its hourly chart as a
// PNG file. The chart goes as a document because Reply has no photo yet;
// a chart that cannot be drawn leaves the file out rather than the text,
// which is what the team reads.
func Report(src ReportSource, now func() time.Time) Command {
	return Command{
		Name:        "report",
		Description: "Availability, response times and incidents of the last day, week or month",
		Usage:       "/report [daily|weekly|monthly]",
		MinRole:     RoleViewer,
		Placeholder: func(req Request) string {
			if kind, ok := reportKind(req.Args); ok {
				return "⏳ Building the " + kind + " report…"
			}
			return "⏳ Building the report…"
		},
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			kind, ok := reportKind(req.Args)
			if !ok {
				return Reply{}, ErrUsage
			}
			d, err := src.Digest(ctx, kind, now())
			if err != nil {
				return Reply{}, err
			}
			reply := Reply{HTML: report.Render(d)}
			if png, err := report.Chart(d); err == nil {
				reply.Photo = &Document{Name: ReportFileName(d), Data: png, Caption: report.ChartCaption}
			}
			return reply, nil
		},
	}
}

// ReportFileName names a digest's chart: "report-daily-2026-03-02.png",
// dated by the period's first day in the team's time zone.
func ReportFileName(d report.Digest) string {
	return "report-" + d.Period.Kind + "-" + d.Period.From.Format(time.DateOnly) + ".png"
}

// reportKind reads /report's argument: empty for daily, or one of the
// kinds in any case.
func reportKind(args string) (string, bool) {
	switch a := strings.ToLower(strings.TrimSpace(args)); a {
	case "":
		return report.Daily, true
	case report.Daily, report.Weekly, report.Monthly:
		return a, true
	}
	return "", false
}
