package logcheck

import "time"

// Report is what an Analyzer found in one log text. It is plain data, ready
// to render: the Checker turns it into a Result and /logs into a chat message.
type Report struct {
	// Until is the end of the window and Window its length (0: no window).
	Until  time.Time
	Window time.Duration
	// Lines is the number of lines read; InWindow those inside the window
	// (lines without a timestamp count with the last timestamped line
	// before them, and are in the window when none came before).
	Lines    int
	InWindow int
	// LongLines is the number of lines longer than the line limit; only
	// their first MaxLineBytes bytes were matched.
	LongLines int
	// Classes are the pattern classes in the order they were configured.
	Classes []ClassReport
	// Processing summarises the "processing time" lines.
	Processing Processing
}

// ClassReport is one pattern class's result.
type ClassReport struct {
	Name  string
	Count int
	// Last holds the most recent matching lines, oldest first, cleaned of
	// control characters, with secrets masked and long lines shortened.
	Last []string
}

// Processing summarises the milliseconds on "processing time" lines.
type Processing struct {
	Count int
	AvgMS float64
	P95MS float64
	MaxMS float64
}

// Metric names that Report.Metrics fills in besides the per-class counts,
// which are named CountMetric(class).
const (
	MetricErrorRate     = "error_rate_percent"
	MetricProcessingAvg = "processing_ms_avg"
	MetricProcessingP95 = "processing_ms_p95"
	MetricProcessingMax = "processing_ms_max"
	MetricProcessing    = "processing_count"
	MetricLines         = "lines"
)

// CountMetric returns the metric name of a class's count, "count.<class>".
func CountMetric(class string) string { return "count." + class }

// Class returns the report of the named class.
func (r Report) Class(name string) (ClassReport, bool) {
	for _, c := range r.Classes {
		if c.Name == name {
			return c, true
		}
	}
	return ClassReport{}, false
}

// Count returns the named class's count, 0 when there is no such class.
func (r Report) Count(name string) int {
	c, _ := r.Class(name)
	return c.Count
}

// ErrorRate returns request_errors / requests × 100. ok is false when the
// window holds no requests, or the classes lack either one: no rate then,
// rather than a division by zero.
func (r Report) ErrorRate() (percent float64, ok bool) {
	req, okReq := r.Class(ClassRequests)
	errs, okErr := r.Class(ClassRequestErrors)
	if !okReq || !okErr || req.Count == 0 {
		return 0, false
	}
	return float64(errs.Count) / float64(req.Count) * 100, true
}

// Metrics returns the report as named numbers: "count.<class>" for every
// class, "lines", "error_rate_percent" when there is a rate, and the
// processing_ms_* figures when there were processing times.
func (r Report) Metrics() map[string]float64 {
	m := make(map[string]float64, len(r.Classes)+6)
	for _, c := range r.Classes {
		m[CountMetric(c.Name)] = float64(c.Count)
	}
	m[MetricLines] = float64(r.InWindow)
	if rate, ok := r.ErrorRate(); ok {
		m[MetricErrorRate] = rate
	}
	if p := r.Processing; p.Count > 0 {
		m[MetricProcessing] = float64(p.Count)
		m[MetricProcessingAvg] = p.AvgMS
		m[MetricProcessingP95] = p.P95MS
		m[MetricProcessingMax] = p.MaxMS
	}
	return m
}
