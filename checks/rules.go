package checks

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// Severity is how urgent a rule's alert is, as the checklist grades them.
type Severity string

// Severities, most urgent first.
const (
	SeverityCritical   Severity = "critical"
	SeverityWarning    Severity = "warning"
	SeverityMonitoring Severity = "monitoring"
)

// Valid reports whether s is one of the three severities.
func (s Severity) Valid() bool {
	switch s {
	case SeverityCritical, SeverityWarning, SeverityMonitoring:
		return true
	}
	return false
}

// Op compares a measured number with a threshold.
type Op string

// Comparison operators a Condition may use.
const (
	OpLT Op = "<"
	OpLE Op = "<="
	OpGT Op = ">"
	OpGE Op = ">="
	OpEQ Op = "=="
	OpNE Op = "!="
)

// compare returns a op b, and false for an unknown op.
func (op Op) compare(a, b float64) (holds, valid bool) {
	switch op {
	case OpLT:
		return a < b, true
	case OpLE:
		return a <= b, true
	case OpGT:
		return a > b, true
	case OpGE:
		return a >= b, true
	case OpEQ:
		return a == b, true
	case OpNE:
		return a != b, true
	}
	return false, false
}

// Names a Condition's Metric may use besides the keys of Result.Metrics.
// They take precedence over a metric of the same name.
const (
	// MetricStatus is the Result's Status as a number: ok 0, warn 1,
	// crit 2. A Condition on it may write the value as a word.
	MetricStatus = "status"
	// MetricDurationMS is the run's Duration in milliseconds, as the
	// runner measured it (a timed-out run counts its whole timeout).
	MetricDurationMS = "duration_ms"
)

// Condition is what a Rule watches in each Result: a number compared
// with a threshold, e.g. {Metric: "response_ms", Op: OpGT, Value: 5000}.
// The number is Result.Metrics[Metric], or one of MetricStatus and
// MetricDurationMS. A Result without the metric says nothing about the
// condition: the rule's state is left as it is (a run that failed before
// it could measure neither holds nor clears a threshold).
type Condition struct {
	Metric string
	Op     Op
	Value  float64
}

// StatusAtLeast returns the condition "status >= s": with StatusCrit it
// holds for every failed run, a check that timed out, errored or panicked
// included; with StatusWarn for anything worse than ok.
func StatusAtLeast(s Status) Condition {
	return Condition{Metric: MetricStatus, Op: OpGE, Value: float64(s)}
}

// Eval reports whether c holds for r; known is false when r lacks the
// metric.
func (c Condition) Eval(r Result) (holds, known bool) {
	var v float64
	switch c.Metric {
	case MetricStatus:
		v = float64(r.Status)
	case MetricDurationMS:
		v = float64(r.Duration) / float64(time.Millisecond)
	default:
		v, known = r.Metrics[c.Metric]
		if !known {
			return false, false
		}
	}
	holds, _ = c.Op.compare(v, c.Value)
	return holds, true
}

// String returns c as ParseCondition reads it, e.g. "response_ms > 5000"
// or "status >= crit".
func (c Condition) String() string {
	v := strconv.FormatFloat(c.Value, 'f', -1, 64)
	if c.Metric == MetricStatus && c.Value == float64(int(c.Value)) && c.Value >= 0 && c.Value <= float64(StatusCrit) {
		v = Status(int(c.Value)).String()
	}
	return c.Metric + " " + string(c.Op) + " " + v
}

// Validate reports a missing metric or an unknown operator.
func (c Condition) Validate() error {
	if c.Metric == "" || strings.ContainsAny(c.Metric, " \t") {
		return fmt.Errorf("%w: metric %q: want a metric name such as status or response_ms", ErrInvalid, c.Metric)
	}
	if _, ok := c.Op.compare(0, 0); !ok {
		return fmt.Errorf("%w: operator %q: want one of < <= > >= == !=", ErrInvalid, c.Op)
	}
	return nil
}

// ParseCondition reads "metric op value", e.g. "response_ms > 5000",
// "error_rate_percent >= 10" or "status >= crit" (the status metric
// takes ok, warn or crit as its value).
func ParseCondition(s string) (Condition, error) {
	f := strings.Fields(s)
	if len(f) != 3 {
		return Condition{}, fmt.Errorf("%w: condition %q: want \"metric op value\", e.g. \"response_ms > 5000\"", ErrInvalid, s)
	}
	c := Condition{Metric: f[0], Op: Op(f[1])}
	if err := c.Validate(); err != nil {
		return Condition{}, fmt.Errorf("condition %q: %w", s, err)
	}
	if c.Metric == MetricStatus {
		for st := StatusOK; st <= StatusCrit; st++ {
			if strings.EqualFold(f[2], st.String()) {
				c.Value = float64(st)
				return c, nil
			}
		}
	}
	v, err := strconv.ParseFloat(f[2], 64)
	if err != nil {
		return Condition{}, fmt.Errorf("%w: condition %q: value %q is not a number", ErrInvalid, s, f[2])
	}
	c.Value = v
	return c, nil
}

// Rule turns a check's Results into alerts with a held duration, like a
// Prometheus alerting rule with `for:`. A rule is evaluated separately for
// every check it applies to.
type Rule struct {
	// Name identifies the rule, e.g. "health-check-failure"; unique, and
	// without "|" (the separator of RuleState.Key).
	Name string
	// Summary says in a few words what fired, for the page.
	Summary string
	// Severity grades the alert.
	Severity Severity
	// Checks are path.Match patterns of the check names the rule applies
	// to ("health", "api-*"). Empty means every check; that suits metric
	// rules, since checks that never report the metric never trip them.
	Checks []string
	// When lists the conditions; the rule's condition holds when any of
	// them holds, and is unknown when the Result has none of their metrics.
	When []Condition
	// For is how long the condition must hold, observed in every Result
	// meanwhile, before the rule fires; zero fires on the first Result.
	For time.Duration
	// RecoverFor is how long the condition must stay false before a
	// firing rule resolves; zero resolves on the first good Result.
	RecoverFor time.Duration
	// EscalateAfter is how long an incident from this rule may stay
	// unresolved before it escalates past level 1; zero means the
	// escalation policy's own time (see incident.Policy.ForRule). The
	// checks package only carries it to the incident engine.
	EscalateAfter time.Duration
	// EscalateNote qualifies EscalateAfter in words, e.g. "or if the
	// pattern suggests a coordinated attack".
	EscalateNote string
}

// Applies reports whether the rule watches the named check.
func (r Rule) Applies(check string) bool {
	if len(r.Checks) == 0 {
		return true
	}
	for _, p := range r.Checks {
		if ok, _ := path.Match(p, check); ok {
			return true
		}
	}
	return false
}

// eval combines the rule's conditions: holds when any known one holds,
// known when any is known.
func (r Rule) eval(res Result) (holds, known bool) {
	for _, c := range r.When {
		h, k := c.Eval(res)
		if h {
			return true, true
		}
		known = known || k
	}
	return false, known
}

// Validate reports the first problem with r, naming the field.
func (r Rule) Validate() error {
	switch {
	case r.Name == "" || strings.Contains(r.Name, "|"):
		return fmt.Errorf("%w: name %q: want a non-empty name without \"|\"", ErrInvalid, r.Name)
	case !r.Severity.Valid():
		return fmt.Errorf("%w: severity %q: want critical, warning or monitoring", ErrInvalid, r.Severity)
	case len(r.When) == 0:
		return fmt.Errorf("%w: when: want at least one condition", ErrInvalid)
	case r.For < 0 || r.RecoverFor < 0 || r.EscalateAfter < 0:
		return fmt.Errorf("%w: for, recover_for and escalate_after must not be negative", ErrInvalid)
	}
	for i, p := range r.Checks {
		if _, err := path.Match(p, ""); err != nil || p == "" {
			return fmt.Errorf("%w: checks[%d]: %q is not a name pattern", ErrInvalid, i, p)
		}
	}
	for i, c := range r.When {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("when[%d]: %w", i, err)
		}
	}
	return nil
}
