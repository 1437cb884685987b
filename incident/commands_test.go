package incident_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name, by, note string
		wantBy         string
		wantNote       string
		wantErr        string
	}{
		{"by a person", "@alice_ops", "rolled back", "@alice_ops", "rolled back", "INC-42 is already resolved (by @alice_ops 5m ago)"},
		{"by recovery", "", "", "", "recovered", "INC-42 is already resolved (by recovery 5m ago)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc, _ := open(t, 0)
			inc, _ = must(t)(incident.Acknowledge(inc, "@bob_lead", at(time.Minute)))
			inc, effects := must(t)(incident.Resolve(inc, tt.by, tt.note, at(12*time.Minute)))
			if len(pages(effects)) != 0 || len(effects) != 1 {
				t.Fatalf("effects %#v, want one card update", effects)
			}
			last := inc.Timeline[len(inc.Timeline)-1]
			if inc.Status != incident.StatusResolved || inc.ResolvedBy != tt.wantBy || last.Kind != incident.KindResolved ||
				last.By != tt.wantBy || last.Note != tt.wantNote {
				t.Fatalf("resolved %+v, last entry %+v", inc, last)
			}
			if d, ok := incident.Duration(inc); !ok || incident.FormatDuration(d) != "14m" {
				t.Fatalf("lasted %s", d)
			}
			if _, ok := incident.NextTimer(inc); ok {
				t.Fatal("a resolved incident has a timer")
			}
			_, _, err := incident.Resolve(inc, "@carol_ops", "", at(17*time.Minute))
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("second resolve: %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestReopen(t *testing.T) {
	inc, _ := open(t, 0)
	inc, _ = must(t)(incident.Escalate(inc, "@bob_lead", "", at(time.Minute)))
	inc, _ = must(t)(incident.Acknowledge(inc, "@bob_lead", at(2*time.Minute)))
	resolved, _ := must(t)(incident.Resolve(inc, "", "", at(10*time.Minute)))

	tests := []struct {
		name    string
		at      time.Duration
		can     bool
		wantErr error
		msg     string
	}{
		{"at once", 10 * time.Minute, true, nil, ""},
		{"within the 30m window", 40 * time.Minute, true, nil, ""},
		{"after it: a new incident", 41 * time.Minute, false, incident.ErrReopenWindow,
			"INC-42 was resolved 31m ago, outside its 30m reopen window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := incident.CanReopen(resolved, at(tt.at)); got != tt.can {
				t.Fatalf("CanReopen = %v", got)
			}
			out, effects, err := incident.Reopen(resolved, at(tt.at))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || err.Error() != tt.msg {
					t.Fatalf("Reopen: %v, want %q", err, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != incident.StatusOpen || out.Level != incident.L2 || out.Reopened != 1 ||
				out.AcknowledgedBy != "" || !out.ResolvedAt.IsZero() || out.ID != "INC-42" {
				t.Fatalf("reopened %+v", out)
			}
			if len(pages(effects)) != 0 || actions(effects) != 0 || !effects[0].(incident.UpdateCard).Repost {
				t.Fatalf("effects %#v, want a reposted card only", effects)
			}
			if next, ok := incident.NextTimer(out); !ok || !next.Equal(at(tt.at+25*time.Minute)) {
				t.Fatalf("timer %s, want L3 25m after the reopening", next.Sub(t0))
			}
		})
	}
	if _, _, err := incident.Reopen(inc, at(11*time.Minute)); !errors.Is(err, incident.ErrNotResolved) ||
		err.Error() != "INC-42 is not resolved (it is acknowledged)" {
		t.Fatalf("reopen an unresolved incident: %v", err)
	}
	noWindow := resolved
	noWindow.Policy.ReopenWindow = 0
	if incident.CanReopen(noWindow, at(10*time.Minute)) {
		t.Fatal("a zero window reopened")
	}
}

func TestLevel1ActionRunsOnce(t *testing.T) {
	inc, effects := open(t, 0)
	n := actions(effects)
	var a incident.RunAction
	for _, e := range effects {
		if x, ok := e.(incident.RunAction); ok {
			a = x
		}
	}
	if a.Action != "restart" || a.Level != incident.L1 || a.Key() != "INC-42/action/L1" || !inc.ActionRun {
		t.Fatalf("action %+v key %s, ActionRun %v", a, a.Key(), inc.ActionRun)
	}
	inc, _ = incident.RecordAction(inc, incident.L1, "restart failed: timeout", at(time.Minute))
	for _, cmd := range []func(incident.Incident) (incident.Incident, []incident.Effect, error){
		tick(5 * time.Minute),
		func(i incident.Incident) (incident.Incident, []incident.Effect, error) {
			return incident.Resolve(i, "", "", at(6*time.Minute))
		},
		func(i incident.Incident) (incident.Incident, []incident.Effect, error) {
			return incident.Reopen(i, at(7*time.Minute))
		},
		tick(3 * time.Hour),
		func(i incident.Incident) (incident.Incident, []incident.Effect, error) {
			return incident.Comment(i, "@alice_ops", "still down", at(4*time.Hour))
		},
	} {
		var effects []incident.Effect
		inc, effects = must(t)(cmd(roundTrip(t, inc)))
		n += actions(effects)
	}
	if n != 1 {
		t.Fatalf("the automated action ran %d times", n)
	}
	if inc.Level != incident.L4 {
		t.Fatalf("level %s", inc.Level)
	}
}

func TestNoLevelPagedTwice(t *testing.T) {
	inc, effects := open(t, 15*time.Minute)
	paged := map[incident.Level]int{}
	count := func(effects []incident.Effect) {
		for _, l := range pages(effects) {
			paged[l]++
		}
	}
	count(effects)
	// The scheduler ticks every 10s for 3h; the engine restarts (state
	// round-tripped through JSON) every 7 minutes.
	for d := time.Duration(0); d <= 3*time.Hour; d += 10 * time.Second {
		if d%(7*time.Minute) == 0 {
			inc = roundTrip(t, inc)
		}
		inc, effects = incident.Tick(inc, at(d))
		count(effects)
		// Ticking twice at the same time, as two replicas might, pages nothing new.
		var again []incident.Effect
		inc, again = incident.Tick(inc, at(d))
		if len(again) != 0 {
			t.Fatalf("second tick at %s: %#v", d, again)
		}
	}
	for l := incident.L1; l <= incident.L4; l++ {
		if paged[l] != 1 {
			t.Fatalf("paged %v, want each level once", paged)
		}
	}

	// A crash after a tick but before the store repeats the tick on the old
	// state: the page repeats with the same outbox key, which the outbox drops.
	fresh, _ := open(t, 15*time.Minute)
	stored := roundTrip(t, fresh)
	_, first := incident.Tick(fresh, at(15*time.Minute))
	_, replay := incident.Tick(stored, at(15*time.Minute))
	if first[0].Key() != replay[0].Key() || first[0].Key() != "INC-42/page/L2" {
		t.Fatalf("keys %s and %s", first[0].Key(), replay[0].Key())
	}
}

func TestInvalidTransitions(t *testing.T) {
	openInc, _ := open(t, 0)
	acked, _ := must(t)(incident.Acknowledge(openInc, "@bob_lead", at(time.Minute)))
	resolved, _ := must(t)(incident.Resolve(openInc, "@alice_ops", "", at(10*time.Minute)))
	top := openInc
	for range 3 {
		top, _ = must(t)(incident.Escalate(top, "@bob_lead", "", at(2*time.Minute)))
	}
	now := at(15 * time.Minute)
	tests := []struct {
		name string
		do   func() (incident.Incident, []incident.Effect, error)
		is   error
		msg  string
	}{
		{"ack resolved", func() (incident.Incident, []incident.Effect, error) {
			return incident.Acknowledge(resolved, "@bob_lead", now)
		}, incident.ErrResolved, "INC-42 is already resolved (by @alice_ops 5m ago)"},
		{"escalate resolved", func() (incident.Incident, []incident.Effect, error) {
			return incident.Escalate(resolved, "@bob_lead", "", now)
		}, incident.ErrResolved, "INC-42 is already resolved (by @alice_ops 5m ago)"},
		{"snooze resolved", func() (incident.Incident, []incident.Effect, error) {
			return incident.Snooze(resolved, "@bob_lead", at(time.Hour), now)
		}, incident.ErrResolved, "INC-42 is already resolved (by @alice_ops 5m ago)"},
		{"ack twice", func() (incident.Incident, []incident.Effect, error) {
			return incident.Acknowledge(acked, "@carol_ops", now)
		}, incident.ErrAcknowledged, "INC-42 is already acknowledged (by @bob_lead 14m ago)"},
		{"escalate past L4", func() (incident.Incident, []incident.Effect, error) {
			return incident.Escalate(top, "@bob_lead", "", now)
		}, incident.ErrTopLevel, "INC-42 is already at the last level (L4 Vendor support)"},
		{"reopen open", func() (incident.Incident, []incident.Effect, error) {
			return incident.Reopen(openInc, now)
		}, incident.ErrNotResolved, "INC-42 is not resolved (it is open)"},
		{"snooze into the past", func() (incident.Incident, []incident.Effect, error) {
			return incident.Snooze(openInc, "@bob_lead", at(time.Minute), now)
		}, incident.ErrInvalid, "invalid: a snooze must end in the future"},
		{"empty comment", func() (incident.Incident, []incident.Effect, error) {
			return incident.Comment(openInc, "@bob_lead", "", now)
		}, incident.ErrInvalid, "invalid: a comment needs an author and a text"},
		{"ack by nobody", func() (incident.Incident, []incident.Effect, error) {
			return incident.Acknowledge(openInc, "", now)
		}, incident.ErrInvalid, "invalid: acknowledge needs to know who does it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, effects, err := tt.do()
			if !errors.Is(err, tt.is) || err.Error() != tt.msg || effects != nil {
				t.Fatalf("err %v (effects %v), want %q", err, effects, tt.msg)
			}
			var te *incident.TransitionError
			if errors.As(err, &te) && te.ID != "INC-42" {
				t.Fatalf("TransitionError %+v", te)
			}
		})
	}
}

func TestCommandsDoNotShareTheTimeline(t *testing.T) {
	inc, _ := open(t, 0)
	inc.Timeline = append(make([]incident.TimelineEntry, 0, 16), inc.Timeline...)
	a, effects := must(t)(incident.Comment(inc, "@alice_ops", "a", at(time.Minute)))
	if card := effects[0].(incident.UpdateCard); card.Rev != a.Rev || card.Key() != fmt.Sprintf("INC-42/card/%d", a.Rev) {
		t.Fatalf("card %+v for rev %d", card, a.Rev)
	}
	b, _ := must(t)(incident.Comment(inc, "@bob_lead", "b", at(time.Minute)))
	if len(inc.Timeline) != len(a.Timeline)-1 || a.Timeline[len(a.Timeline)-1].Note != "a" || b.Timeline[len(b.Timeline)-1].Note != "b" {
		t.Fatal("commands wrote into each other's timeline")
	}
	if a.Rev != inc.Rev+1 {
		t.Fatalf("rev %d after %d", a.Rev, inc.Rev)
	}
}
