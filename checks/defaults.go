package checks

import "time"

// Check names the default rules that judge a check's own status watch.
// The default checks (the checklist's, against PRIMARY_BASE_URL) must use
// these names, or the config must bind the rules to other names.
const (
	DefaultHealthCheck   = "health"
	DefaultDatabaseCheck = "mongodb"
	DefaultBotCheck      = "telegram"
)

// Metric names the default rules compare. Check types that measure these
// things report them under these names in Result.Metrics.
const (
	MetricResponseMS         = "response_ms"
	MetricCPUPercent         = "cpu_percent"
	MetricMemoryPercent      = "memory_percent"
	MetricErrorRatePercent   = "error_rate_percent"
	MetricRateLimitCount     = "count.rate_limit" // logcheck's count of rate-limit lines in its window (1 h for the rule)
	MetricFileFailurePercent = "file_failure_percent"
)

// Recovery holds of the default rules; the checklist sets none.
const (
	defaultRecoverCritical    = time.Minute
	defaultRecoverDegradation = 5 * time.Minute
)

// DefaultRules returns the alert thresholds of the monitoring checklist
// (DESIGN.md's alert table) as rules. Each call returns fresh values the
// caller may change.
//
// The checklist gives no recovery holds; the ones here damp flapping:
// a minute for the critical alerts, five to ten for the slow ones. The
// security rule has none and no For, since its metric is already a count
// over the last hour.
func DefaultRules() []Rule {
	return []Rule{
		{
			Name:          "health-check-failure",
			Summary:       "health check failing (e.g. HTTP 503 from /health) for over 2 minutes",
			Severity:      SeverityCritical,
			Checks:        []string{DefaultHealthCheck},
			When:          []Condition{StatusAtLeast(StatusCrit)},
			For:           2 * time.Minute,
			RecoverFor:    defaultRecoverCritical,
			EscalateAfter: 15 * time.Minute,
		},
		{
			Name:          "database-connectivity",
			Summary:       "MongoDB connection failing for over 1 minute",
			Severity:      SeverityCritical,
			Checks:        []string{DefaultDatabaseCheck},
			When:          []Condition{StatusAtLeast(StatusCrit)},
			For:           time.Minute,
			RecoverFor:    defaultRecoverCritical,
			EscalateAfter: 10 * time.Minute,
		},
		{
			Name:          "bot-unresponsive",
			Summary:       "bot not answering (getMe / webhook errors) for over 5 minutes",
			Severity:      SeverityCritical,
			Checks:        []string{DefaultBotCheck},
			When:          []Condition{StatusAtLeast(StatusCrit)},
			For:           5 * time.Minute,
			RecoverFor:    defaultRecoverCritical,
			EscalateAfter: 0,
			EscalateNote:  "immediately if several users are affected",
		},
		{
			Name:          "performance-degradation",
			Summary:       "response time over 5 s for over 10 minutes",
			Severity:      SeverityWarning,
			When:          []Condition{{Metric: MetricResponseMS, Op: OpGT, Value: 5000}},
			For:           10 * time.Minute,
			RecoverFor:    defaultRecoverDegradation,
			EscalateAfter: 2 * time.Hour,
			EscalateNote:  "if worsening",
		},
		{
			Name:     "high-resource-usage",
			Summary:  "CPU over 90% or memory over 95% for over 10 minutes",
			Severity: SeverityWarning,
			When: []Condition{
				{Metric: MetricCPUPercent, Op: OpGT, Value: 90},
				{Metric: MetricMemoryPercent, Op: OpGT, Value: 95},
			},
			For:           10 * time.Minute,
			RecoverFor:    defaultRecoverDegradation,
			EscalateAfter: time.Hour,
			EscalateNote:  "if sustained",
		},
		{
			Name:          "error-rate",
			Summary:       "error rate over 10% for over 30 minutes",
			Severity:      SeverityWarning,
			When:          []Condition{{Metric: MetricErrorRatePercent, Op: OpGT, Value: 10}},
			For:           30 * time.Minute,
			RecoverFor:    10 * time.Minute,
			EscalateAfter: 2 * time.Hour,
			EscalateNote:  "if increasing",
		},
		{
			Name:          "security-events",
			Summary:       "over 50 rate-limit violations in 1 hour",
			Severity:      SeverityMonitoring,
			When:          []Condition{{Metric: MetricRateLimitCount, Op: OpGT, Value: 50}},
			EscalateAfter: 4 * time.Hour,
			EscalateNote:  "or sooner if the pattern suggests a coordinated attack",
		},
		{
			Name:          "file-processing",
			Summary:       "over 20% of file processing failing for over 1 hour",
			Severity:      SeverityMonitoring,
			When:          []Condition{{Metric: MetricFileFailurePercent, Op: OpGT, Value: 20}},
			For:           time.Hour,
			RecoverFor:    10 * time.Minute,
			EscalateAfter: 4 * time.Hour,
			EscalateNote:  "if affecting user experience",
		},
	}
}
