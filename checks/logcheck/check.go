package logcheck

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// DefaultWindow is the Checker's window when Options.Window is zero.
const DefaultWindow = time.Hour

// Options configures a Checker.
type Options struct {
	// Source opens the log text; required.
	Source Source
	// Window is how far back to look (default 1h).
	Window time.Duration
	// Classes to count (nil: DefaultClasses()).
	Classes []Class
	// Thresholds set the status (nil: DefaultThresholds(); an empty,
	// non-nil slice: none, the check only reports).
	Thresholds []Threshold
	// MinRequests is the number of requests below which the error rate's
	// thresholds are not checked, so that 1 error in 3 requests at night
	// does not page (default 0: always checked).
	MinRequests int
	// Analyzer options: lines kept per class, line limit, time zone of
	// timestamps written without one, and the Redactor.
	Keep         int
	MaxLineBytes int
	Location     *time.Location
	Redactor     *Redactor
	// Clock returns the current time (default time.Now).
	Clock func() time.Time
}

// Checker scans a log source and judges the counts against thresholds.
type Checker struct {
	source      Source
	window      time.Duration
	analyzer    *Analyzer
	thresholds  []Threshold
	minRequests int
	clock       func() time.Time
}

var _ checks.Checker = (*Checker)(nil)

// New validates o and returns a Checker.
func New(o Options) (*Checker, error) {
	if o.Source == nil {
		return nil, errors.New("source: not set (a command, a file or a URL)")
	}
	if o.Window < 0 {
		return nil, fmt.Errorf("window: %s is negative", o.Window)
	}
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	if o.Classes == nil {
		o.Classes = DefaultClasses()
	}
	if o.Thresholds == nil {
		o.Thresholds = DefaultThresholds()
	}
	a, err := NewAnalyzer(AnalyzerOptions{
		Classes:      o.Classes,
		Keep:         o.Keep,
		MaxLineBytes: o.MaxLineBytes,
		Location:     o.Location,
		Redactor:     o.Redactor,
	})
	if err != nil {
		return nil, err
	}
	if err := validateThresholds(o.Thresholds, o.Classes); err != nil {
		return nil, err
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return &Checker{
		source:      o.Source,
		window:      o.Window,
		analyzer:    a,
		thresholds:  o.Thresholds,
		minRequests: o.MinRequests,
		clock:       o.Clock,
	}, nil
}

// Scan reads the source and returns the report. The error, if any, is
// chat-safe; with ErrOutputLimit the report covers what was read.
func (c *Checker) Scan(ctx context.Context) (Report, error) {
	rc, err := c.source.Open(ctx, c.window)
	if err != nil {
		return Report{}, err
	}
	defer rc.Close()
	return c.analyzer.Analyze(rc, c.clock(), c.window)
}

// Check scans the source once. A source that fails is a crit Result with
// the source's reason, never a zero count.
func (c *Checker) Check(ctx context.Context) checks.Result {
	start := c.clock()
	rep, err := c.Scan(ctx)
	res := c.result(rep, err)
	res.ObservedAt = c.clock()
	res.Duration = res.ObservedAt.Sub(start)
	return res
}

func (c *Checker) result(rep Report, err error) checks.Result {
	partial := errors.Is(err, ErrOutputLimit)
	if err != nil && !partial {
		res := checks.Fail("%s", shorten(err.Error(), 300))
		res.Unit = "lines"
		return res
	}
	metrics := rep.Metrics()
	res := checks.Result{Unit: "lines", Metrics: metrics}
	var parts []string
	if errs, ok := rep.Class(ClassErrors); ok {
		res.Value = float64(errs.Count)
		parts = append(parts, plural(errs.Count, "error", "errors"))
	} else {
		res.Value = float64(rep.InWindow)
	}
	rateShown := false
	for _, t := range c.thresholds {
		if t.metricKey() == MetricErrorRate && rep.Count(ClassRequests) < c.minRequests {
			continue
		}
		v, ok := t.evaluate(metrics)
		if !ok || v.status == checks.StatusOK {
			continue
		}
		res.Status = checks.Worst(res.Status, v.status)
		if v.key == CountMetric(ClassErrors) {
			parts[0] += fmt.Sprintf(" (>%s)", num(v.limit))
			continue
		}
		parts = append(parts, v.describe())
		rateShown = rateShown || v.key == MetricErrorRate
	}
	if rate, ok := metrics[MetricErrorRate]; ok && !rateShown {
		parts = append(parts, "error rate "+percent(rate))
	}
	msg := strings.Join(parts, ", ")
	if rep.InWindow == 0 {
		msg = "no log lines"
	}
	msg += " in " + FormatSince(rep.Window)
	if partial {
		msg += "; output over the size limit, counted its start only"
	}
	res.Message = msg
	return res
}

// describe renders a breached threshold: "51 rate-limit lines (>50)".
func (v verdict) describe() string {
	switch v.key {
	case MetricErrorRate:
		return fmt.Sprintf("error rate %s (>%s)", percent(v.value), percent(v.limit))
	case MetricProcessingAvg, MetricProcessingP95, MetricProcessingMax:
		stat := strings.TrimPrefix(v.key, "processing_ms_")
		return fmt.Sprintf("processing time %s %s ms (>%s ms)", stat, num(v.value), num(v.limit))
	}
	class := strings.ReplaceAll(strings.TrimPrefix(v.key, "count."), "_", "-")
	return fmt.Sprintf("%s %s lines (>%s)", num(v.value), class, num(v.limit))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// num formats a count or a limit without needless decimals.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func percent(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" }
