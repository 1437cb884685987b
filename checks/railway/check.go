package railway

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/opsbot/opsbot/checks"
)

// Checker checks one Railway service instance: CPU and memory over the
// window against the limits Railway reports, and the latest deployment. It
// is safe for concurrent use.
type Checker struct {
	o Options
}

var _ checks.Checker = (*Checker)(nil)

// NewCheck returns a Checker for o, or an error naming the first invalid
// field.
func NewCheck(o Options) (checks.Checker, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Checker{o: o}, nil
}

// Check asks Railway for the window's CPU and memory samples and for the
// recent deployments (two API requests). CPU % is the mean CPU_USAGE over
// the latest CPU_LIMIT, memory % the mean MEMORY_USAGE_GB over the latest
// MEMORY_LIMIT_GB; each warns above its warn threshold and is critical
// above its crit threshold. Without limits the usage is reported alone. The
// latest deployment is ok when SUCCESS or on its way up, critical when
// CRASHED or FAILED (a FAILED build with an older deployment still SUCCESS
// only warns: the service still runs), and warns otherwise (SLEEPING,
// REMOVED, none at all). When Railway cannot be asked at all (token
// rejected, rate limit, timeout) the Result is critical and says why.
//
// Value is the higher of cpu_percent and memory_percent, in "%". Metrics
// hold cpu_percent, memory_percent, memory_gb, cpu_vcpu, cpu_limit_vcpu,
// memory_limit_gb and deployment_ok (1 or 0), each when known.
func (c *Checker) Check(ctx context.Context) checks.Result {
	return checks.Timed(ctx, c.o.Timeout, c.o.Now, c.run)
}

func (c *Checker) run(ctx context.Context) checks.Result {
	now := c.o.Now()
	series, mErr := c.o.Client.Metrics(ctx, MetricsQuery{
		ServiceID:     c.o.ServiceID,
		EnvironmentID: c.o.EnvironmentID,
		Start:         now.Add(-c.o.Window),
		End:           now,
		SampleRate:    c.o.SampleRate,
		Measurements:  []Measurement{CPUUsage, CPULimit, MemoryUsageGB, MemoryLimitGB},
	})
	if mErr != nil && (hopeless(mErr) || ctx.Err() != nil) {
		// The deployments request would fail the same way; save the quota.
		return checks.Fail("%s", c.describe(mErr))
	}
	deps, dErr := c.o.Client.Deployments(ctx, DeploymentsQuery{
		ProjectID:     c.o.ProjectID,
		ServiceID:     c.o.ServiceID,
		EnvironmentID: c.o.EnvironmentID,
		First:         recentDeployments,
	})
	if mErr != nil && dErr != nil {
		return checks.Fail("%s", c.describeBoth(mErr, dErr))
	}

	r := checks.Result{Unit: "%", Metrics: map[string]float64{}}
	var parts []string
	if mErr != nil {
		r.Status = checks.StatusWarn
		parts = append(parts, "metrics unavailable: "+c.describe(mErr))
	} else {
		s, p := c.judgeUsage(summarize(series), &r)
		r.Status = checks.Worst(r.Status, s)
		parts = append(parts, p...)
	}
	if dErr != nil {
		r.Status = checks.Worst(r.Status, checks.StatusWarn)
		parts = append(parts, "deployment status unavailable: "+c.describe(dErr))
	} else {
		s, p := judgeDeployments(deps)
		r.Status = checks.Worst(r.Status, s)
		r.Metrics["deployment_ok"] = boolMetric(s == checks.StatusOK)
		parts = append(parts, p)
	}
	if _, cpu := r.Metrics["cpu_percent"]; !cpu {
		if _, mem := r.Metrics["memory_percent"]; !mem {
			r.Unit = ""
		}
	}
	r.Message = strings.Join(parts, ", ")
	return r
}

// hopeless reports whether err means that no request can succeed now.
func hopeless(err error) bool {
	return errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrRateLimited)
}

// describe renders an error for a chat: Client errors are safe already;
// sanitize covers errors from other API implementations.
func (c *Checker) describe(err error) string {
	return sanitize(err.Error(), c.o.Token)
}

// describeBoth renders two failures, once when they say the same.
func (c *Checker) describeBoth(mErr, dErr error) string {
	m, d := c.describe(mErr), c.describe(dErr)
	if m == d {
		return m
	}
	return fmt.Sprintf("metrics: %s; deployments: %s", m, d)
}

func boolMetric(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
