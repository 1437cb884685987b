package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/checks/logcheck"
)

// LogScanner reads the configured log source on demand.
type LogScanner interface {
	ScanLogs(ctx context.Context, since time.Duration, filter string) (logcheck.Report, error)
	Source() string
}

const (
	logsDefaultSince = time.Hour
	logsMaxSince     = 31 * 24 * time.Hour
	logsShownLines   = 10
)

// Logs is /logs [since] [class or text]: counts per pattern class, the
// error rate, processing times, and the last matching lines with secrets
// masked; the whole excerpt comes as a file when it is long.
func Logs(src LogScanner) Command {
	return Command{
		Name:        "logs",
		Description: "Scan the logs: counts per class, error rate, last matching lines",
		Usage:       "/logs [since like 30m, 1h, 7d] [class or text]",
		MinRole:     RoleViewer,
		Placeholder: func(Request) string { return "⏳ Reading the logs…" },
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			since, filter, err := parseLogsArgs(req.Args)
			if err != nil {
				return Reply{}, ErrUsage
			}
			return logsReply(ctx, src, since, filter)
		},
	}
}

// LogsButton is the [Logs] button of /health: the last hour's summary.
func LogsButton(src LogScanner) Action {
	return Action{
		Name:    "logs",
		MinRole: RoleViewer,
		Handle: func(ctx context.Context, p Press) (Outcome, error) {
			r, err := logsReply(ctx, src, logsDefaultSince, "")
			if err != nil {
				return Outcome{}, err
			}
			return Outcome{Send: &r}, nil
		},
	}
}

// parseLogsArgs reads "[since] [class or text]".
func parseLogsArgs(args string) (time.Duration, string, error) {
	since := logsDefaultSince
	fields := strings.Fields(args)
	if len(fields) > 0 {
		if d, ok := parseSince(fields[0]); ok {
			since, fields = d, fields[1:]
		} else if looksLikeDuration(fields[0]) {
			return 0, "", fmt.Errorf("bad window %q", fields[0])
		}
	}
	if since <= 0 || since > logsMaxSince {
		return 0, "", fmt.Errorf("window out of range")
	}
	return since, strings.Join(fields, " "), nil
}

// parseSince reads 30m, 1h, 24h or 7d.
func parseSince(s string) (time.Duration, bool) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, false
		}
		return time.Duration(days) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}

func looksLikeDuration(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

func logsReply(ctx context.Context, src LogScanner, since time.Duration, filter string) (Reply, error) {
	rep, err := src.ScanLogs(ctx, since, filter)
	if err != nil {
		// The source's errors are written for the chat: short, secrets masked.
		return Text(render.NewHTML().Text("🔴 Could not read the logs: " + oneLine(err.Error(), 300))), nil
	}
	h := render.NewHTML().Text("📜 ").Bold("Logs, last "+logcheck.FormatSince(since)).
		Textf(" (%d lines from ", rep.InWindow).Code(src.Source()).Text(")").Line()
	var counts []string
	for _, c := range rep.Classes {
		counts = append(counts, fmt.Sprintf("%s %d", c.Name, c.Count))
	}
	h.Text(strings.Join(counts, " · ")).Line()
	if rate, ok := rep.ErrorRate(); ok {
		h.Textf("Error rate: %.1f%% (%d errors of %d requests)", rate, rep.Count(logcheck.ClassRequestErrors), rep.Count(logcheck.ClassRequests)).Line()
	}
	if p := rep.Processing; p.Count > 0 {
		h.Textf("Processing time: avg %s, p95 %s (%d lines)", Millis(msDuration(p.AvgMS)), Millis(msDuration(p.P95MS)), p.Count).Line()
	}
	show := filter
	if show == "" || show == "match" {
		show = logcheck.ClassErrors
	}
	if _, isClass := rep.Class(filter); filter != "" && !isClass {
		show = "match"
	}
	cls, _ := rep.Class(show)
	label := show
	if show == "match" {
		label = "lines matching “" + filter + "”"
	}
	if len(cls.Last) == 0 {
		h.Line().Italic("No " + label + " in this window.")
		return Text(h), nil
	}
	shown := cls.Last
	if len(shown) > logsShownLines {
		shown = shown[len(shown)-logsShownLines:]
	}
	h.Line().Bold(fmt.Sprintf("Last %d %s:", len(shown), label)).Line().Pre(strings.Join(shown, "\n"))
	reply := Reply{HTML: h.String()}
	if len(cls.Last) > len(shown) || render.VisibleLen(reply.HTML) > render.MaxMessage {
		reply.Document = &Document{
			Name:    "logs-" + strings.ReplaceAll(label, " ", "_") + ".txt",
			Data:    []byte(excerpt(rep)),
			Caption: fmt.Sprintf("All kept lines, last %s", logcheck.FormatSince(since)),
		}
	}
	return reply, nil
}

// excerpt is the full excerpt: every class's kept lines.
func excerpt(rep logcheck.Report) string {
	var b strings.Builder
	for _, c := range rep.Classes {
		if len(c.Last) == 0 {
			continue
		}
		fmt.Fprintf(&b, "== %s (%d in the window, last %d) ==\n", c.Name, c.Count, len(c.Last))
		for _, l := range c.Last {
			b.WriteString(l)
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }
