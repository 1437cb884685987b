package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
)

// Probe is one of opsbot's own dependencies, for /status.
type Probe struct {
	Name  string
	Check func(ctx context.Context) error
}

// StatusDeps is what /status reports on.
type StatusDeps struct {
	Checks  Checks
	Probes  []Probe
	Started time.Time
	Now     func() time.Time
	// Alerts returns the alert rules not at rest: pending, firing or
	// recovering.
	Alerts func() []checks.RuleState
	// Incidents lists the incidents; nil leaves them out.
	Incidents IncidentDesk
	// Maintenance says which maintenance windows are active at now, in a
	// few words each; nil leaves them out.
	Maintenance func(ctx context.Context, now time.Time) ([]string, error)
}

// Status is /status: opsbot's own health, its uptime, and each check's last
// result with its age.
func Status(d StatusDeps) Command {
	return Command{
		Name:        "status",
		Description: "opsbot's own health and each check's last result",
		Usage:       "/status",
		MinRole:     RoleViewer,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			if req.Args != "" {
				return Reply{}, ErrUsage
			}
			now := d.Now()
			h := render.NewHTML().Bold("opsbot status").Line()
			h.Text("Up " + Age(now.Sub(d.Started)) + " (since " + d.Started.UTC().Format("2006-01-02 15:04") + " UTC)").Line()
			for _, p := range d.Probes {
				pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
				err := p.Check(pctx)
				cancel()
				if err != nil {
					h.Text("🔴 " + p.Name + ": not ready").Line()
				} else {
					h.Text("✅ " + p.Name + ": ok").Line()
				}
			}
			if d.Alerts != nil {
				alerts := d.Alerts()
				if len(alerts) == 0 {
					h.Text("✅ alerts: none firing or pending").Line()
				}
				for _, a := range alerts {
					h.Text("🚨 alert ").Bold(a.Rule).Text(" on " + a.Check + ": " + string(a.State) + " for " + Age(now.Sub(a.Since))).Line()
				}
			}
			if d.Incidents != nil {
				statusIncidents(ctx, h, d.Incidents, now)
			}
			if d.Maintenance != nil {
				active, err := d.Maintenance(ctx, now)
				switch {
				case err != nil:
					h.Text("❌ maintenance: cannot read the windows").Line()
				case len(active) > 0:
					for _, w := range active {
						h.Text("🛠 maintenance: " + w).Line()
					}
				}
			}
			names := d.Checks.Runner.Names()
			if len(names) == 0 {
				h.Line().Italic("No checks are configured.")
				return Text(h), nil
			}
			last := d.Checks.Runner.Last()
			h.Line().Bold(fmt.Sprintf("Checks (%d)", len(names))).Line()
			for _, n := range names {
				r, ok := last[n]
				if !ok {
					h.Text("⏳ ").Bold(n).Text(" — no result yet").Line()
					continue
				}
				h.Text(r.Status.Emoji() + " ").Bold(n).Text(" — " + Age(now.Sub(r.ObservedAt)) + " ago: " + oneLine(r.Message, 120)).Line()
			}
			return Text(h), nil
		},
	}
}

// Age formats a duration for chat: "45s", "12m", "3h 05m", "2d 4h".
func Age(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
	}
}

// statusIncidents is /status's incidents line: how many are open, how
// many of those nobody has acknowledged, and the oldest of them.
func statusIncidents(ctx context.Context, h *render.HTML, desk IncidentDesk, now time.Time) {
	open, err := desk.Incidents(ctx, "open", now)
	if err != nil {
		h.Text("❌ incidents: cannot read them").Line()
		return
	}
	if len(open) == 0 {
		h.Text("✅ incidents: none open").Line()
		return
	}
	unacked := 0
	oldest := open[0]
	for _, inc := range open {
		if inc.Status != incident.StatusAcknowledged {
			unacked++
		}
		if inc.OpenedAt.Before(oldest.OpenedAt) {
			oldest = inc
		}
	}
	h.Text(fmt.Sprintf("🚨 incidents: %d open, %d not acknowledged; oldest ", len(open), unacked)).Bold(oldest.ID).
		Text(" for " + incident.FormatDuration(incident.Age(oldest, now)) + " (/incidents)").Line()
}
