package checks_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
)

func TestParseCondition(t *testing.T) {
	tests := []struct {
		in, want string // want is String() of the result, or the error's text
		res      checks.Result
		holds    bool
		known    bool
	}{
		{in: "response_ms > 5000", want: "response_ms > 5000",
			res: checks.Result{Metrics: map[string]float64{"response_ms": 5001}}, holds: true, known: true},
		{in: "response_ms > 5000", want: "response_ms > 5000",
			res: checks.Result{Metrics: map[string]float64{"response_ms": 5000}}, known: true},
		{in: "response_ms > 5000", want: "response_ms > 5000", res: checks.Result{Status: checks.StatusCrit}},
		{in: "status >= crit", want: "status >= crit", res: checks.Result{Status: checks.StatusCrit}, holds: true, known: true},
		{in: "status != OK", want: "status != ok", res: checks.Result{Status: checks.StatusWarn}, holds: true, known: true},
		{in: "status >= 2", want: "status >= crit", res: checks.Result{Status: checks.StatusWarn}, known: true},
		{in: "duration_ms >= 1500", want: "duration_ms >= 1500", res: checks.Result{Duration: 1500 * time.Millisecond}, holds: true, known: true},
		{in: "error_rate_percent <= 10.5", want: "error_rate_percent <= 10.5",
			res: checks.Result{Metrics: map[string]float64{"error_rate_percent": 0.3}}, holds: true, known: true},
		{in: "count.rate_limit == 0", want: "count.rate_limit == 0",
			res: checks.Result{Metrics: map[string]float64{"count.rate_limit": 0}}, holds: true, known: true},
		{in: "response_ms < 1", want: "response_ms < 1", res: checks.Result{Metrics: map[string]float64{"response_ms": 0}}, holds: true, known: true},
		{in: "response_ms>5000", want: `want "metric op value"`},
		{in: "response_ms => 5000", want: `operator "=>"`},
		{in: "response_ms > 5s", want: `value "5s" is not a number`},
		{in: "status >= broken", want: `value "broken" is not a number`},
	}
	for _, tt := range tests {
		c, err := checks.ParseCondition(tt.in)
		if err != nil {
			if !errors.Is(err, checks.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseCondition(%q) error = %v, want one containing %q", tt.in, err, tt.want)
			}
			continue
		}
		if c.String() != tt.want {
			t.Errorf("ParseCondition(%q) = %q, want %q", tt.in, c, tt.want)
		}
		if holds, known := c.Eval(tt.res); holds != tt.holds || known != tt.known {
			t.Errorf("%q on %+v = (%v, %v), want (%v, %v)", tt.in, tt.res, holds, known, tt.holds, tt.known)
		}
	}
}

func TestRuleValidate(t *testing.T) {
	good := healthRule(time.Minute, 0)
	tests := []struct {
		name   string
		change func(*checks.Rule)
		want   string
	}{
		{"no name", func(r *checks.Rule) { r.Name = "" }, "name"},
		{"separator in name", func(r *checks.Rule) { r.Name = "a|b" }, "name"},
		{"severity", func(r *checks.Rule) { r.Severity = "urgent" }, `severity "urgent"`},
		{"no condition", func(r *checks.Rule) { r.When = nil }, "when"},
		{"bad condition", func(r *checks.Rule) { r.When[0].Op = "~" }, "when[0]"},
		{"negative hold", func(r *checks.Rule) { r.For = -time.Second }, "negative"},
		{"bad pattern", func(r *checks.Rule) { r.Checks = []string{"api-["} }, "checks[0]"},
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("good rule: %v", err)
	}
	for _, tt := range tests {
		r := healthRule(time.Minute, 0)
		tt.change(&r)
		err := r.Validate()
		if !errors.Is(err, checks.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate() = %v, want an ErrInvalid naming %q", tt.name, err, tt.want)
		}
	}
	if _, err := checks.NewEvaluator([]checks.Rule{good, good}, checks.EvaluatorOptions{}); !errors.Is(err, checks.ErrInvalid) {
		t.Errorf("duplicate rule names: err = %v", err)
	}
}

func TestDefaultRulesFollowTheChecklist(t *testing.T) {
	rules := checks.DefaultRules()
	if _, err := checks.NewEvaluator(rules, checks.EvaluatorOptions{}); err != nil {
		t.Fatalf("default rules do not validate: %v", err)
	}
	type row struct {
		sev      checks.Severity
		when     string
		hold     time.Duration
		escalate time.Duration
	}
	want := map[string]row{
		"health-check-failure":    {checks.SeverityCritical, "status >= crit", 2 * time.Minute, 15 * time.Minute},
		"database-connectivity":   {checks.SeverityCritical, "status >= crit", time.Minute, 10 * time.Minute},
		"bot-unresponsive":        {checks.SeverityCritical, "status >= crit", 5 * time.Minute, 0},
		"performance-degradation": {checks.SeverityWarning, "response_ms > 5000", 10 * time.Minute, 2 * time.Hour},
		"high-resource-usage":     {checks.SeverityWarning, "cpu_percent > 90 | memory_percent > 95", 10 * time.Minute, time.Hour},
		"error-rate":              {checks.SeverityWarning, "error_rate_percent > 10", 30 * time.Minute, 2 * time.Hour},
		"security-events":         {checks.SeverityMonitoring, "count.rate_limit > 50", 0, 4 * time.Hour},
		"file-processing":         {checks.SeverityMonitoring, "file_failure_percent > 20", time.Hour, 4 * time.Hour},
	}
	if len(rules) != len(want) {
		t.Errorf("%d default rules, want %d", len(rules), len(want))
	}
	for _, r := range rules {
		var when []string
		for _, c := range r.When {
			when = append(when, c.String())
		}
		got := row{r.Severity, strings.Join(when, " | "), r.For, r.EscalateAfter}
		if got != want[r.Name] {
			t.Errorf("%s = %+v, want %+v", r.Name, got, want[r.Name])
		}
	}
	// Each call returns fresh values.
	rules[0].Checks[0] = "changed"
	if checks.DefaultRules()[0].Checks[0] != checks.DefaultHealthCheck {
		t.Error("DefaultRules shares its slices between calls")
	}
}
