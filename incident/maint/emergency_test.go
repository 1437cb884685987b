package maint_test

import (
	"slices"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/maint"
)

func TestEmergencyStepsAreTheChecklists(t *testing.T) {
	var got []string
	for _, s := range maint.EmergencySteps() {
		if s.Prompt == "" {
			t.Errorf("%s has no prompt", s.Name)
		}
		got = append(got, s.Name+"@"+s.Deadline.String())
	}
	want := []string{"assessment@15m0s", "decision@30m0s", "notice@30m0s", "fix@0s", "verification@0s", "post-incident@0s"}
	if !slices.Equal(got, want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
	if len(maint.EmergencyCriteria()) != 4 {
		t.Errorf("criteria = %v", maint.EmergencyCriteria())
	}
}

func TestMissedSteps(t *testing.T) {
	steps := maint.EmergencySteps()
	start := utc(2026, 12, 6, 10, 0)
	names := func(ss []maint.Step) []string {
		out := []string{}
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return out
	}
	for _, c := range []struct {
		name string
		done map[string]time.Time
		now  time.Time
		want []string
	}{
		{"on time at 15m", nil, start.Add(15 * time.Minute), []string{}},
		{"assessment late", nil, start.Add(15*time.Minute + 1), []string{"assessment"}},
		{"assessed", map[string]time.Time{"assessment": start.Add(10 * time.Minute)}, start.Add(20 * time.Minute), []string{}},
		{"at 30m", map[string]time.Time{"assessment": start.Add(10 * time.Minute)}, start.Add(30 * time.Minute), []string{}},
		{"decision and notice late", map[string]time.Time{"assessment": start.Add(10 * time.Minute)}, start.Add(31 * time.Minute), []string{"decision", "notice"}},
		{"done late counts", map[string]time.Time{"assessment": start.Add(20 * time.Minute), "decision": start.Add(40 * time.Minute)}, start.Add(time.Hour), []string{"notice"}},
		{"no deadline is never late", map[string]time.Time{"assessment": start, "decision": start, "notice": start}, start.Add(48 * time.Hour), []string{}},
		{"a zero time is not done", map[string]time.Time{"assessment": {}}, start.Add(16 * time.Minute), []string{"assessment"}},
	} {
		if got := names(maint.Missed(steps, start, c.done, c.now)); !slices.Equal(got, c.want) {
			t.Errorf("%s: Missed = %v, want %v", c.name, got, c.want)
		}
	}
}
