package incident_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// open opens INC-42 for the health check at t0 with the default policy
// and the rule's escalation time.
func open(t *testing.T, escalateAfter time.Duration) (incident.Incident, []incident.Effect) {
	t.Helper()
	inc, effects, err := incident.Open(incident.OpenParams{
		Seq: 42, Check: "health", Target: "https://api.example.com/health", Rule: "health-check-failure",
		Severity: checks.SeverityCritical, Summary: "GET /health: 503",
		Since: at(-2 * time.Minute), At: t0,
		Policy: incident.DefaultPolicy(), EscalateAfter: escalateAfter,
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return inc, effects
}

// pages returns the levels paged by effects, in order.
func pages(effects []incident.Effect) []incident.Level {
	var out []incident.Level
	for _, e := range effects {
		if p, ok := e.(incident.Page); ok {
			out = append(out, p.Level)
		}
	}
	return out
}

func actions(effects []incident.Effect) int {
	n := 0
	for _, e := range effects {
		if _, ok := e.(incident.RunAction); ok {
			n++
		}
	}
	return n
}

// roundTrip stores and loads inc as storage would, through JSON.
func roundTrip(t *testing.T, inc incident.Incident) incident.Incident {
	t.Helper()
	b, err := json.Marshal(inc)
	if err != nil {
		t.Fatal(err)
	}
	var out incident.Incident
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// must fails t on a command's error: must(t)(incident.Acknowledge(...)).
func must(t *testing.T) func(incident.Incident, []incident.Effect, error) (incident.Incident, []incident.Effect) {
	return func(inc incident.Incident, effects []incident.Effect, err error) (incident.Incident, []incident.Effect) {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return inc, effects
	}
}

func equalLevels(a, b []incident.Level) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
