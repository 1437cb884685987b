package checks_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/checks"
)

var t0 = time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)

// transitions records what an Evaluator emits.
type transitions struct {
	mu  sync.Mutex
	got []checks.Transition
}

func (r *transitions) Transition(_ context.Context, t checks.Transition) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, t)
}

// take returns the transitions recorded since the last take, each as
// "kind rule/check since=… at=… for=…" with times relative to t0.
func (r *transitions) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, t := range r.got {
		out = append(out, fmt.Sprintf("%s %s/%s since=%s at=%s for=%s",
			t.Kind, t.Rule.Name, t.Check, t.Since.Sub(t0), t.At.Sub(t0), t.Duration))
	}
	r.got = nil
	return out
}

// step is one Result fed to the Evaluator, after the fake clock has moved
// by advance, and the transitions it must cause.
type step struct {
	advance time.Duration
	status  checks.Status
	metrics map[string]float64
	check   string // default "health"
	want    []string
}

func runSteps(t *testing.T, ev *checks.Evaluator, rec *transitions, clk *clockwork.FakeClock, steps []step) {
	t.Helper()
	for i, s := range steps {
		clk.Advance(s.advance)
		name := s.check
		if name == "" {
			name = "health"
		}
		ev.Observe(context.Background(), checks.Result{Check: name, Status: s.status, Metrics: s.metrics, ObservedAt: clk.Now()})
		if got := rec.take(); strings.Join(got, "\n") != strings.Join(s.want, "\n") {
			t.Fatalf("step %d (t=%s, %s): transitions\n got %q\nwant %q", i, clk.Now().Sub(t0), s.status, got, s.want)
		}
	}
}

func healthRule(hold, recover time.Duration) checks.Rule {
	return checks.Rule{
		Name: "health-check-failure", Severity: checks.SeverityCritical,
		Checks: []string{"health"}, When: []checks.Condition{checks.StatusAtLeast(checks.StatusCrit)},
		For: hold, RecoverFor: recover, EscalateAfter: 15 * time.Minute,
	}
}

func TestEvaluatorWorkflows(t *testing.T) {
	const (
		ok   = checks.StatusOK
		warn = checks.StatusWarn
		crit = checks.StatusCrit
	)
	slow := checks.Rule{
		Name: "slow", Severity: checks.SeverityWarning,
		When: []checks.Condition{{Metric: "response_ms", Op: checks.OpGT, Value: 5000}},
		For:  10 * time.Minute,
	}
	resources := checks.Rule{
		Name: "resources", Severity: checks.SeverityWarning,
		When: []checks.Condition{
			{Metric: "cpu_percent", Op: checks.OpGT, Value: 90},
			{Metric: "memory_percent", Op: checks.OpGT, Value: 95},
		},
		For: 10 * time.Minute,
	}
	ms := func(v float64) map[string]float64 { return map[string]float64{"response_ms": v} }

	tests := []struct {
		name  string
		rules []checks.Rule
		steps []step
	}{{
		name:  "pending, then firing exactly at the 2-minute hold, then no repeats",
		rules: []checks.Rule{healthRule(2*time.Minute, 0)},
		steps: []step{
			{status: ok},
			{advance: 30 * time.Second, status: crit}, // pending since 30s
			{advance: 30 * time.Second, status: crit},
			{advance: 30 * time.Second, status: crit},
			{advance: 30 * time.Second, status: crit},
			{advance: 30 * time.Second, status: crit, want: []string{"fired health-check-failure/health since=30s at=2m30s for=2m0s"}},
			{advance: 30 * time.Second, status: crit},
			{advance: 30 * time.Second, status: crit},
			{advance: 30 * time.Second, status: ok, want: []string{"resolved health-check-failure/health since=30s at=4m0s for=3m30s"}},
			{advance: 30 * time.Second, status: ok},
			{advance: 30 * time.Second, status: ok},
		},
	}, {
		name:  "a flap restarts the hold",
		rules: []checks.Rule{healthRule(2*time.Minute, 0)},
		steps: []step{
			{status: crit},
			{advance: time.Minute, status: crit},
			{advance: 50 * time.Second, status: ok}, // 1m50s: not yet held for 2m
			{advance: 10 * time.Second, status: crit},
			{advance: time.Minute, status: crit},
			{advance: 59 * time.Second, status: crit},
			{advance: time.Second, status: crit, want: []string{"fired health-check-failure/health since=2m0s at=4m0s for=2m0s"}},
		},
	}, {
		name:  "warn does not trip a status >= crit rule",
		rules: []checks.Rule{healthRule(0, 0)},
		steps: []step{
			{status: warn},
			{advance: time.Hour, status: warn},
			{advance: time.Second, status: crit, want: []string{"fired health-check-failure/health since=1h0m1s at=1h0m1s for=0s"}},
		},
	}, {
		name:  "recovery hold: a relapse keeps it firing, without a second Fired",
		rules: []checks.Rule{healthRule(time.Minute, 2*time.Minute)},
		steps: []step{
			{status: crit},
			{advance: time.Minute, status: crit, want: []string{"fired health-check-failure/health since=0s at=1m0s for=1m0s"}},
			{advance: 30 * time.Second, status: ok}, // recovering
			{advance: 30 * time.Second, status: crit},
			{advance: 30 * time.Second, status: ok}, // recovering since 2m30s
			{advance: time.Minute, status: ok},
			{advance: 59 * time.Second, status: ok},
			{advance: time.Second, status: ok, want: []string{"resolved health-check-failure/health since=0s at=4m30s for=2m30s"}},
			{advance: time.Minute, status: ok},
		},
	}, {
		name:  "results without the metric neither hold nor clear a threshold",
		rules: []checks.Rule{slow},
		steps: []step{
			{status: ok, metrics: ms(6000)},
			{advance: 5 * time.Minute, status: crit}, // the run failed before measuring
			{advance: 5 * time.Minute, status: warn, metrics: ms(7000), want: []string{"fired slow/health since=0s at=10m0s for=10m0s"}},
			{advance: time.Minute, status: crit},
			{advance: time.Minute, status: ok, metrics: ms(200), want: []string{"resolved slow/health since=0s at=12m0s for=12m0s"}},
		},
	}, {
		name:  "any of several conditions holds the rule",
		rules: []checks.Rule{resources},
		steps: []step{
			{metrics: map[string]float64{"cpu_percent": 95, "memory_percent": 50}},
			{advance: 5 * time.Minute, metrics: map[string]float64{"cpu_percent": 40, "memory_percent": 97}},
			{advance: 5 * time.Minute, metrics: map[string]float64{"memory_percent": 99}, want: []string{"fired resources/health since=0s at=10m0s for=10m0s"}},
			{advance: time.Minute, metrics: map[string]float64{"cpu_percent": 10, "memory_percent": 10}, want: []string{"resolved resources/health since=0s at=11m0s for=11m0s"}},
		},
	}, {
		name:  "rules apply to the checks they name, each check on its own",
		rules: []checks.Rule{healthRule(0, 0), {Name: "api", Severity: checks.SeverityWarning, Checks: []string{"api-*"}, When: []checks.Condition{checks.StatusAtLeast(checks.StatusWarn)}}},
		steps: []step{
			{check: "mongodb", status: crit},
			{check: "api-v1", status: warn, want: []string{"fired api/api-v1 since=0s at=0s for=0s"}},
			{check: "api-v2", status: crit, want: []string{"fired api/api-v2 since=0s at=0s for=0s"}},
			{check: "health", status: crit, want: []string{"fired health-check-failure/health since=0s at=0s for=0s"}},
			{advance: time.Second, check: "api-v1", status: ok, want: []string{"resolved api/api-v1 since=0s at=1s for=1s"}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clockwork.NewFakeClockAt(t0)
			rec := &transitions{}
			ev, err := checks.NewEvaluator(tt.rules, checks.EvaluatorOptions{Sink: rec})
			if err != nil {
				t.Fatal(err)
			}
			runSteps(t, ev, rec, clk, tt.steps)
		})
	}
}

func TestEvaluatorTransitionCarriesRuleAndResult(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	var got []checks.Transition
	ev, err := checks.NewEvaluator([]checks.Rule{healthRule(0, 0)}, checks.EvaluatorOptions{
		Sink: checks.TransitionFunc(func(_ context.Context, tr checks.Transition) { got = append(got, tr) }),
	})
	if err != nil {
		t.Fatal(err)
	}
	res := checks.Result{Check: "health", Status: checks.StatusCrit, Message: "HTTP 503 (want 200)", ObservedAt: clk.Now()}
	ev.Observe(context.Background(), res)
	if len(got) != 1 {
		t.Fatalf("got %d transitions, want 1", len(got))
	}
	tr := got[0]
	if tr.Kind != checks.Fired || tr.Rule.Severity != checks.SeverityCritical || tr.Rule.EscalateAfter != 15*time.Minute ||
		tr.Last.Message != res.Message || !tr.FiredAt.Equal(t0) {
		t.Errorf("transition = %+v", tr)
	}
}

func TestEvaluatorIgnoresOutOfOrderResults(t *testing.T) {
	rec := &transitions{}
	ev, err := checks.NewEvaluator([]checks.Rule{healthRule(0, 0)}, checks.EvaluatorOptions{Sink: rec})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ev.Observe(ctx, checks.Result{Check: "health", Status: checks.StatusCrit, ObservedAt: t0.Add(time.Minute)})
	ev.Observe(ctx, checks.Result{Check: "health", Status: checks.StatusOK, ObservedAt: t0}) // older: a slow RunNow
	if got := rec.take(); len(got) != 1 || !strings.HasPrefix(got[0], "fired") {
		t.Fatalf("transitions = %q, want only the Fired", got)
	}
}

func TestEvaluatorRestartKeepsHeldStates(t *testing.T) {
	ctx := context.Background()
	clk := clockwork.NewFakeClockAt(t0)
	store := &checks.MemoryStates{}
	rules := []checks.Rule{healthRule(2*time.Minute, 0), {
		Name: "db", Severity: checks.SeverityCritical, Checks: []string{"mongodb"},
		When: []checks.Condition{checks.StatusAtLeast(checks.StatusCrit)}, For: time.Minute,
	}}
	crit := func(check string) checks.Result {
		return checks.Result{Check: check, Status: checks.StatusCrit, ObservedAt: clk.Now()}
	}

	rec := &transitions{}
	first, err := checks.NewEvaluator(rules, checks.EvaluatorOptions{Sink: rec, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	first.Observe(ctx, crit("health"))
	first.Observe(ctx, crit("mongodb")) // db pending since 0s
	clk.Advance(2 * time.Minute)
	first.Observe(ctx, crit("health"))
	if got := rec.take(); len(got) != 1 || got[0] != "fired health-check-failure/health since=0s at=2m0s for=2m0s" {
		t.Fatalf("before the restart: %q", got)
	}

	saved, _ := store.LoadStates(ctx)
	if len(saved) != 2 || saved[0].Key() != "db|mongodb" || saved[0].State != checks.StatePending ||
		saved[1].Key() != "health-check-failure|health" || saved[1].State != checks.StateFiring || !saved[1].Since.Equal(t0) {
		t.Fatalf("saved states = %+v", saved)
	}

	// The process restarts: a new Evaluator over the same store.
	second, err := checks.NewEvaluator(rules, checks.EvaluatorOptions{Sink: rec, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got := second.States(); len(got) != 2 {
		t.Fatalf("States after Load = %+v", got)
	}
	clk.Advance(30 * time.Second)
	second.Observe(ctx, crit("health"))  // still firing: no second Fired
	second.Observe(ctx, crit("mongodb")) // pending since 0s, held 2m30s > 1m
	if got := rec.take(); len(got) != 1 || got[0] != "fired db/mongodb since=0s at=2m30s for=2m30s" {
		t.Fatalf("after the restart: %q", got)
	}
	clk.Advance(30 * time.Second)
	second.Observe(ctx, checks.Result{Check: "health", ObservedAt: clk.Now()})
	if got := rec.take(); len(got) != 1 || got[0] != "resolved health-check-failure/health since=0s at=3m0s for=3m0s" {
		t.Fatalf("resolution after the restart: %q", got)
	}
	saved, _ = store.LoadStates(ctx)
	if saved[1].State != checks.StateInactive {
		t.Errorf("saved state after resolving = %+v, want inactive", saved[1])
	}
}

func TestEvaluatorLoadDropsStatesOfRemovedRules(t *testing.T) {
	ctx := context.Background()
	store := &checks.MemoryStates{}
	_ = store.SaveState(ctx, checks.RuleState{Rule: "gone", Check: "health", State: checks.StateFiring, Since: t0})
	_ = store.SaveState(ctx, checks.RuleState{Rule: "health-check-failure", Check: "other", State: checks.StateFiring, Since: t0})
	ev, err := checks.NewEvaluator([]checks.Rule{healthRule(0, 0)}, checks.EvaluatorOptions{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if err := ev.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got := ev.States(); len(got) != 0 {
		t.Errorf("States = %+v, want none", got)
	}
}
