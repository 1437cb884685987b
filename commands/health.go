package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/checks"
)

// CheckRunner runs the configured checks and remembers their last results.
type CheckRunner interface {
	Names() []string
	RunNow(ctx context.Context, names ...string) ([]checks.Result, error)
	Last() map[string]checks.Result
}

// Checks is what /health, /status and their buttons know of the checks:
// the runner and each check's group.
type Checks struct {
	Runner CheckRunner
	Groups map[string]string // check name -> group ("" for none)
	// HasLogs says whether a log source is configured, for the Logs button.
	HasLogs bool
}

// select returns the checks filter names: all for "", a check, or a group.
func (c Checks) selectChecks(filter string) ([]string, bool) {
	all := c.Runner.Names()
	if filter == "" {
		return all, true
	}
	var out []string
	for _, n := range all {
		if n == filter || c.Groups[n] == filter {
			out = append(out, n)
		}
	}
	return out, len(out) > 0
}

// groups returns the group names, sorted.
func (c Checks) groupNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range c.Groups {
		if g != "" && !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	sort.Strings(out)
	return out
}

// Health is /health [check or group]: runs the checks now, in parallel, and
// answers with the overall verdict and one line per check.
func Health(c Checks) Command {
	return Command{
		Name:        "health",
		Description: "Run the checks now: all, one check, or a group",
		Usage:       "/health [check or group]",
		MinRole:     RoleViewer,
		Placeholder: func(req Request) string {
			names, _ := c.selectChecks(strings.TrimSpace(req.Args))
			return fmt.Sprintf("⏳ Running %s…", plural(len(names), "check", "checks"))
		},
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			filter := strings.TrimSpace(req.Args)
			if strings.ContainsAny(filter, " \t\n") {
				return Reply{}, ErrUsage
			}
			return c.health(ctx, filter, req.At)
		},
	}
}

// HealthRerun is the [Re-run] button of /health.
func HealthRerun(c Checks) Action {
	return Action{
		Name:    "health",
		MinRole: RoleViewer,
		Handle: func(ctx context.Context, p Press) (Outcome, error) {
			r, err := c.health(ctx, p.Arg, time.Time{})
			if err != nil {
				return Outcome{}, err
			}
			return Outcome{Toast: "Checks run again.", Edit: &r}, nil
		},
	}
}

func (c Checks) health(ctx context.Context, filter string, _ time.Time) (Reply, error) {
	if len(c.Runner.Names()) == 0 {
		return Text(render.NewHTML().Text("No checks are configured. Set PRIMARY_BASE_URL, or list checks under checks.list (see opsbot.example.yaml).")), nil
	}
	names, ok := c.selectChecks(filter)
	if !ok {
		h := render.NewHTML().Text("No check or group called ").Code(filter).Text(".").Line().
			Text("Checks: " + strings.Join(c.Runner.Names(), ", "))
		if g := c.groupNames(); len(g) > 0 {
			h.Line().Text("Groups: " + strings.Join(g, ", "))
		}
		return Text(h), nil
	}
	results, err := c.Runner.RunNow(ctx, names...)
	if err != nil && results == nil {
		return Reply{}, err
	}
	h := render.NewHTML()
	worst, okCount := checks.StatusOK, 0
	for _, r := range results {
		worst = checks.Worst(worst, r.Status)
		if r.Status == checks.StatusOK {
			okCount++
		}
	}
	h.Text(worst.Emoji()+" ").Bold(Verdict(worst)).Textf(" — %d of %d checks ok", okCount, len(results)).Line()
	for _, r := range results {
		h.Text(r.Status.Emoji()+" ").Bold(r.Check).Text(" — "+oneLine(r.Message, 200)).Textf(" · %s", Millis(r.Duration)).Line()
	}
	if len(results) > 0 {
		h.Italic("Checked at " + results[len(results)-1].ObservedAt.UTC().Format("15:04:05") + " UTC")
	}
	row := []render.Button{{Text: "🔁 Re-run", CallbackData: CallbackData("health", filter)}}
	if c.HasLogs {
		row = append(row, render.Button{Text: "📜 Logs", CallbackData: CallbackData("logs", "")})
	}
	return Reply{HTML: h.String(), Keyboard: [][]render.Button{row}}, nil
}

// Verdict returns the monitoring checklist's word for a worst status.
func Verdict(s checks.Status) string {
	switch s {
	case checks.StatusOK:
		return "HEALTHY"
	case checks.StatusWarn:
		return "DEGRADED - Core functionality operational"
	default:
		return "UNHEALTHY - Critical functionality impaired"
	}
}

// Millis formats a duration for chat: "850 ms", "2.3 s".
func Millis(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// oneLine keeps the first line of s, at most n bytes.
func oneLine(s string, n int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
