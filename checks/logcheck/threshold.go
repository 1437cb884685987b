package logcheck

import (
	"fmt"
	"slices"
	"strings"

	"github.com/opsbot/opsbot/checks"
)

// Threshold sets the status when a metric goes above a limit. Metric is a
// class name ("rate_limit", also written "count.rate_limit") or one of
// error_rate_percent, processing_ms_avg, processing_ms_p95,
// processing_ms_max. A nil limit is not checked; a metric the report does
// not have (no requests, no processing times) is not checked either.
type Threshold struct {
	Metric    string
	WarnAbove *float64
	CritAbove *float64
}

// Limit returns a pointer to v, for Threshold literals.
func Limit(v float64) *float64 { return &v }

// DefaultThresholds returns the checklist's log alerts: more than 50
// rate-limit lines in the window (security events, monitoring) and an error
// rate above 10% (warning).
func DefaultThresholds() []Threshold {
	return []Threshold{
		{Metric: "rate_limit", WarnAbove: Limit(50)},
		{Metric: MetricErrorRate, WarnAbove: Limit(10)},
	}
}

// verdict is one threshold's outcome on a report.
type verdict struct {
	t      Threshold
	key    string
	value  float64
	limit  float64
	status checks.Status
}

func (t Threshold) metricKey() string {
	if strings.HasPrefix(t.Metric, "count.") || isNamedMetric(t.Metric) {
		return t.Metric
	}
	return CountMetric(t.Metric)
}

func isNamedMetric(name string) bool {
	return slices.Contains(namedMetrics(), name)
}

func namedMetrics() []string {
	return []string{MetricErrorRate, MetricProcessingAvg, MetricProcessingP95, MetricProcessingMax}
}

// evaluate returns the threshold's verdict on metrics; ok is false when the
// metric is absent.
func (t Threshold) evaluate(metrics map[string]float64) (verdict, bool) {
	key := t.metricKey()
	v, ok := metrics[key]
	if !ok {
		return verdict{}, false
	}
	out := verdict{t: t, key: key, value: v}
	switch {
	case t.CritAbove != nil && v > *t.CritAbove:
		out.status, out.limit = checks.StatusCrit, *t.CritAbove
	case t.WarnAbove != nil && v > *t.WarnAbove:
		out.status, out.limit = checks.StatusWarn, *t.WarnAbove
	}
	return out, true
}

func validateThresholds(ts []Threshold, classes []Class) error {
	names := make(map[string]bool, len(classes))
	for _, c := range classes {
		names[c.Name] = true
	}
	for i, t := range ts {
		key := t.metricKey()
		if !isNamedMetric(key) && !names[strings.TrimPrefix(key, "count.")] {
			all := make([]string, 0, len(classes)+4)
			for _, c := range classes {
				all = append(all, c.Name)
			}
			all = append(all, namedMetrics()...)
			return fmt.Errorf("thresholds[%d].metric: %q is not a class or metric (use one of %s)",
				i, t.Metric, strings.Join(all, ", "))
		}
		if t.WarnAbove == nil && t.CritAbove == nil {
			return fmt.Errorf("thresholds[%d]: set warn_above, crit_above or both", i)
		}
		if t.WarnAbove != nil && t.CritAbove != nil && *t.WarnAbove > *t.CritAbove {
			return fmt.Errorf("thresholds[%d]: warn_above %g is above crit_above %g", i, *t.WarnAbove, *t.CritAbove)
		}
	}
	return nil
}
