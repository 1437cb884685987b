package incident_test

import (
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident"
)

// step is one command of a workflow and what it must produce.
type step struct {
	name      string
	do        func(incident.Incident) (incident.Incident, []incident.Effect, error)
	wantPages []incident.Level
	status    incident.Status
	level     incident.Level
	// next is the wanted NextTimer offset from t0; -1 means no timer.
	next time.Duration
}

func tick(d time.Duration) func(incident.Incident) (incident.Incident, []incident.Effect, error) {
	return func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
		out, effects := incident.Tick(inc, at(d))
		return out, effects, nil
	}
}

func runSteps(t *testing.T, inc incident.Incident, steps []step) incident.Incident {
	t.Helper()
	for _, s := range steps {
		out, effects, err := s.do(inc)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := pages(effects); !equalLevels(got, s.wantPages) {
			t.Fatalf("%s: paged %v, want %v", s.name, got, s.wantPages)
		}
		if out.Status != s.status || out.Level != s.level {
			t.Fatalf("%s: %s at %s, want %s at %s", s.name, out.Status, out.Level, s.status, s.level)
		}
		next, ok := incident.NextTimer(out)
		switch {
		case s.next < 0 && ok:
			t.Fatalf("%s: timer at %s, want none", s.name, next.Sub(t0))
		case s.next >= 0 && (!ok || !next.Equal(at(s.next))):
			t.Fatalf("%s: timer %v at %s, want at %s", s.name, ok, next.Sub(t0), s.next)
		}
		inc = out
	}
	return inc
}

func TestLifecycleL1ToL4(t *testing.T) {
	const m, h = time.Minute, time.Hour
	tests := []struct {
		name     string
		escalate time.Duration
		steps    []step
	}{
		{"matrix times", 0, []step{
			{"before L2", tick(4 * m), nil, incident.StatusOpen, incident.L1, 5 * m},
			{"L2 at 5m", tick(5 * m), []incident.Level{2}, incident.StatusOpen, incident.L2, 30 * m},
			{"L3 at 30m", tick(31 * m), []incident.Level{3}, incident.StatusOpen, incident.L3, 2 * h},
			{"L4 at 2h", tick(2 * h), []incident.Level{4}, incident.StatusOpen, incident.L4, -1},
			{"nothing after L4", tick(9 * h), nil, incident.StatusOpen, incident.L4, -1},
		}},
		{"health check 15m", 15 * m, []step{
			{"before L2", tick(14 * m), nil, incident.StatusOpen, incident.L1, 15 * m},
			{"L2 at 15m", tick(15 * m), []incident.Level{2}, incident.StatusOpen, incident.L2, 30 * m},
			{"L3 at 30m", tick(30 * m), []incident.Level{3}, incident.StatusOpen, incident.L3, 2 * h},
			{"L4 at 2h", tick(2 * h), []incident.Level{4}, incident.StatusOpen, incident.L4, -1},
		}},
		{"late tick catches up in order", 0, []step{
			{"3h late", tick(3 * h), []incident.Level{2, 3, 4}, incident.StatusOpen, incident.L4, -1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc, effects := open(t, tt.escalate)
			if got := pages(effects); !equalLevels(got, []incident.Level{1}) || actions(effects) != 1 {
				t.Fatalf("Open paged %v with %d actions, want [1] and 1", got, actions(effects))
			}
			inc = runSteps(t, inc, tt.steps)
			inc, _ = must(t)(incident.Resolve(inc, "", "", at(3*time.Hour)))
			d, ok := incident.Duration(inc)
			if !ok || incident.FormatDuration(d) != "3h2m" {
				t.Fatalf("Duration = %s %v, want 3h2m (failure began 2m before opening)", d, ok)
			}
		})
	}
}

func TestAcknowledgeStopsEscalation(t *testing.T) {
	inc, _ := open(t, 0)
	runSteps(t, inc, []step{
		{"ack at 3m", func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
			return incident.Acknowledge(inc, "@alice_ops", at(3*time.Minute))
		}, nil, incident.StatusAcknowledged, incident.L1, -1},
		{"no page hours later", tick(10 * time.Hour), nil, incident.StatusAcknowledged, incident.L1, -1},
		{"manual escalate still works", func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
			return incident.Escalate(inc, "@alice_ops", "need the lead", at(11*time.Hour))
		}, []incident.Level{2}, incident.StatusAcknowledged, incident.L2, -1},
		{"and stays stopped", tick(20 * time.Hour), nil, incident.StatusAcknowledged, incident.L2, -1},
	})
}

func TestSnoozePausesAndResumes(t *testing.T) {
	snooze := func(from, until time.Duration) func(incident.Incident) (incident.Incident, []incident.Effect, error) {
		return func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
			return incident.Snooze(inc, "@alice_ops", at(until), at(from))
		}
	}
	const m = time.Minute
	t.Run("open", func(t *testing.T) {
		inc, _ := open(t, 0)
		inc = runSteps(t, inc, []step{
			// 3m of the 5m to L2 are left when the snooze begins.
			{"snooze at 2m until 32m", snooze(2*m, 32*m), nil, incident.StatusSnoozed, incident.L1, 32 * m},
			{"paused at 10m", tick(10 * m), nil, incident.StatusSnoozed, incident.L1, 32 * m},
			{"extend to 40m", snooze(20*m, 40*m), nil, incident.StatusSnoozed, incident.L1, 40 * m},
			{"snooze ends, clock resumes", tick(41 * m), nil, incident.StatusOpen, incident.L1, 43 * m},
			{"L2 after the 3m left", tick(43 * m), []incident.Level{2}, incident.StatusOpen, incident.L2, 68 * m},
		})
		if k := inc.Timeline[len(inc.Timeline)-1].Kind; k != incident.KindPaged {
			t.Fatalf("last timeline entry %s", k)
		}
	})
	t.Run("acknowledged stays acknowledged", func(t *testing.T) {
		inc, _ := open(t, 0)
		inc, _ = must(t)(incident.Acknowledge(inc, "@alice_ops", at(m)))
		runSteps(t, inc, []step{
			{"snooze", snooze(2*m, 30*m), nil, incident.StatusSnoozed, incident.L1, 30 * m},
			{"ends", tick(30 * m), nil, incident.StatusAcknowledged, incident.L1, -1},
		})
	})
	t.Run("escalate while snoozed", func(t *testing.T) {
		inc, _ := open(t, 0)
		runSteps(t, inc, []step{
			{"snooze", snooze(m, 10*m), nil, incident.StatusSnoozed, incident.L1, 10 * m},
			{"escalate", func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
				return incident.Escalate(inc, "@alice_ops", "", at(2*m))
			}, []incident.Level{2}, incident.StatusSnoozed, incident.L2, 10 * m},
			// L3 waits the full 25m gap once the snooze ends.
			{"ends", tick(10 * m), nil, incident.StatusOpen, incident.L2, 35 * m},
		})
	})
	t.Run("snooze end repost", func(t *testing.T) {
		inc, _ := open(t, 0)
		inc, _ = must(t)(incident.Snooze(inc, "@alice_ops", at(10*m), at(m)))
		_, effects := incident.Tick(inc, at(10*m))
		if len(effects) != 1 || !effects[0].(incident.UpdateCard).Repost {
			t.Fatalf("effects %#v, want one reposted card", effects)
		}
	})
}

func TestManualEscalate(t *testing.T) {
	esc := func(d time.Duration) func(incident.Incident) (incident.Incident, []incident.Effect, error) {
		return func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
			return incident.Escalate(inc, "@bob_lead", "users affected", at(d))
		}
	}
	inc, _ := open(t, 0)
	inc = runSteps(t, inc, []step{
		{"to L2 at 1m", esc(time.Minute), []incident.Level{2}, incident.StatusOpen, incident.L2, 26 * time.Minute},
		{"the timer goes on from there", tick(26 * time.Minute), []incident.Level{3}, incident.StatusOpen, incident.L3, 116 * time.Minute},
		{"to L4", esc(30 * time.Minute), []incident.Level{4}, incident.StatusOpen, incident.L4, -1},
	})
	_, effects, _ := incident.Escalate(inc, "@x_ops", "", at(time.Hour))
	if effects != nil {
		t.Fatal("escalating past L4 had effects")
	}
	inc2, _ := open(t, 0)
	_, effects, _ = incident.Escalate(inc2, "@bob_lead", "users affected", at(time.Minute))
	page := effects[0].(incident.Page)
	if page.Reason != "escalated by @bob_lead: users affected" || page.Name != "Technical lead" || page.Key() != "INC-42/page/L2" {
		t.Fatalf("page %+v key %s", page, page.Key())
	}
	var e incident.TimelineEntry
	for _, x := range inc.Timeline {
		if x.Kind == incident.KindEscalated && x.Level == incident.L3 {
			e = x
		}
	}
	if e.By != "" || e.Note != "timeout" {
		t.Fatalf("L3 escalation entry %+v, want by timeout", e)
	}
}
