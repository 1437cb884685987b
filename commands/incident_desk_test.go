package commands

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
)

// incT0 is the tests' fixed clock: 10:00:00 UTC.
var incT0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func incAt(d time.Duration) time.Time { return incT0.Add(d) }

// memDesk is an IncidentDesk kept in memory. It runs the incident
// package's own commands on its state, as the engine does, without the
// outbox and storage around them.
type memDesk struct {
	mu       sync.Mutex
	policy   incident.Policy
	snooze   time.Duration
	checks   []string
	seq      int64
	incs     map[string]incident.Incident
	storms   map[string][]string
	silences map[string]incident.Silence
}

func newMemDesk() *memDesk {
	return &memDesk{
		policy:   incident.DefaultPolicy(),
		snooze:   time.Hour,
		checks:   []string{"api", "db", "health"},
		incs:     map[string]incident.Incident{},
		storms:   map[string][]string{},
		silences: map[string]incident.Silence{},
	}
}

// open opens the next incident for check at at with incident.Open.
func (d *memDesk) open(t *testing.T, check, summary string, at time.Time) incident.Incident {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	inc, _, err := incident.Open(incident.OpenParams{
		Seq: d.seq, Check: check, Target: "https://" + check + ".example.com/health", Rule: check + "-failure",
		Severity: checks.SeverityCritical, Summary: summary, Since: at.Add(-2 * time.Minute), At: at,
		Policy: d.policy, EscalateNote: "immediately if several users are affected",
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	d.incs[inc.ID] = inc
	return inc
}

// groupStorm makes the incidents ids alert storm n.
func (d *memDesk) groupStorm(n int64, ids ...string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := incident.StormID(n)
	for _, m := range ids {
		inc := d.incs[m]
		inc.Group, inc.Card = id, id
		d.incs[m] = inc
	}
	d.storms[id] = ids
	return id
}

func (d *memDesk) get(t *testing.T, id string) incident.Incident {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	inc, ok := d.incs[id]
	if !ok {
		t.Fatalf("no %s in the desk", id)
	}
	return inc
}

func (d *memDesk) Incident(_ context.Context, id string) (incident.Incident, error) {
	n, err := incident.ParseID(id)
	if err != nil {
		return incident.Incident{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	inc, ok := d.incs[incident.FormatID(n)]
	if !ok {
		return incident.Incident{}, fmt.Errorf("%w: %s", incident.ErrUnknown, incident.FormatID(n))
	}
	return inc, nil
}

func (d *memDesk) Storm(_ context.Context, id string) ([]incident.Incident, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ids, ok := d.storms[id]
	if !ok {
		return nil, fmt.Errorf("%w: %s", incident.ErrUnknown, id)
	}
	var out []incident.Incident
	for _, m := range ids {
		out = append(out, d.incs[m])
	}
	return out, nil
}

func (d *memDesk) Incidents(_ context.Context, which string, now time.Time) ([]incident.Incident, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	midnight := now.UTC().Truncate(24 * time.Hour)
	var out []incident.Incident
	for _, inc := range d.incs {
		switch which {
		case "open":
			if inc.Status == incident.StatusResolved {
				continue
			}
		case "today":
			if inc.OpenedAt.Before(midnight) {
				continue
			}
		case "all":
		default:
			return nil, fmt.Errorf("%w: which %q", incident.ErrInvalid, which)
		}
		out = append(out, inc)
	}
	slices.SortFunc(out, func(a, b incident.Incident) int {
		if c := b.OpenedAt.Compare(a.OpenedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.Seq, a.Seq)
	})
	if which == "all" && len(out) > 50 {
		out = out[:50]
	}
	return out, nil
}

func (d *memDesk) Act(_ context.Context, a incident.Act) (incident.ActResult, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	targets := []string{a.Target}
	if strings.HasPrefix(a.Target, "S-") {
		ids, ok := d.storms[a.Target]
		if !ok {
			return incident.ActResult{}, fmt.Errorf("%w: %s", incident.ErrUnknown, a.Target)
		}
		targets = nil
		for _, m := range ids {
			if d.incs[m].Status != incident.StatusResolved {
				targets = append(targets, m)
			}
		}
	}
	var res incident.ActResult
	for _, id := range targets {
		inc, ok := d.incs[id]
		if !ok {
			return incident.ActResult{}, fmt.Errorf("%w: %s", incident.ErrUnknown, id)
		}
		var err error
		switch a.Op {
		case incident.OpAcknowledge:
			inc, _, err = incident.Acknowledge(inc, a.By, a.At)
		case incident.OpEscalate:
			inc, _, err = incident.Escalate(inc, a.By, a.Note, a.At)
		case incident.OpResolve:
			inc, _, err = incident.Resolve(inc, a.By, a.Note, a.At)
		case incident.OpSnooze:
			snooze := cmp.Or(a.Snooze, d.snooze)
			inc, _, err = incident.Snooze(inc, a.By, a.At.Add(snooze), a.At)
		default:
			return incident.ActResult{}, fmt.Errorf("%w: op %q", incident.ErrInvalid, a.Op)
		}
		var te *incident.TransitionError
		switch {
		case errors.As(err, &te):
			res.Refused = append(res.Refused, err)
		case err != nil:
			return incident.ActResult{}, err
		default:
			d.incs[id] = inc
			res.Changed = append(res.Changed, inc)
		}
	}
	return res, nil
}

func (d *memDesk) OpenManual(_ context.Context, by, text string, at time.Time) (incident.Incident, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	inc, _, err := incident.Open(incident.OpenParams{
		Seq: d.seq + 1, Check: "manual", Rule: "manual", Severity: checks.SeverityCritical,
		Summary: text, At: at, Policy: d.policy,
	})
	if err != nil {
		return incident.Incident{}, err
	}
	d.seq++
	inc.Manual = true
	inc.Timeline[0].By = by
	d.incs[inc.ID] = inc
	return inc, nil
}

func (d *memDesk) Silence(_ context.Context, s incident.Silence) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.silences[s.Check] = s
	return nil
}

func (d *memDesk) Unsilence(_ context.Context, check string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.silences[check]
	delete(d.silences, check)
	return ok, nil
}

func (d *memDesk) Silences(_ context.Context, now time.Time) ([]incident.Silence, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []incident.Silence
	for _, s := range d.silences {
		if s.Until.After(now) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b incident.Silence) int { return strings.Compare(a.Check, b.Check) })
	return out, nil
}

func (d *memDesk) Policy() incident.Policy  { return d.policy }
func (d *memDesk) SnoozeFor() time.Duration { return d.snooze }
func (d *memDesk) CheckNames() []string     { return slices.Clone(d.checks) }

var _ IncidentDesk = (*memDesk)(nil)
