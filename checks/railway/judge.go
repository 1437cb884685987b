package railway

import (
	"fmt"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// judgeUsage turns usage into a status, message parts and metrics.
func (c *Checker) judgeUsage(u usage, r *checks.Result) (checks.Status, []string) {
	if !u.hasCPU && !u.hasMem {
		return checks.StatusWarn, []string{"no CPU or memory samples in the last " + span(c.o.Window)}
	}
	status := checks.StatusOK
	var parts []string
	noLimits := u.hasCPU && u.hasMem && !u.hasCPULimit && !u.hasMemLimit

	if u.hasCPU {
		r.Metrics["cpu_vcpu"] = u.cpu
	}
	if u.hasCPULimit {
		r.Metrics["cpu_limit_vcpu"] = u.cpuLimit
	}
	switch p, ok := u.cpuPercent(); {
	case ok:
		r.Metrics["cpu_percent"] = p
		r.Value = max(r.Value, p)
		s, note := grade(p, c.o.CPUWarnPercent, c.o.CPUCritPercent)
		status = checks.Worst(status, s)
		parts = append(parts, "CPU "+percent(p)+note)
	case !u.hasCPU:
		status = checks.Worst(status, checks.StatusWarn)
		parts = append(parts, "no CPU samples")
	case noLimits:
		parts = append(parts, "CPU "+amount(u.cpu)+" vCPU")
	default:
		parts = append(parts, "CPU "+amount(u.cpu)+" vCPU (no limit reported)")
	}

	if u.hasMem {
		r.Metrics["memory_gb"] = u.mem
	}
	if u.hasMemLimit {
		r.Metrics["memory_limit_gb"] = u.memLimit
	}
	switch p, ok := u.memPercent(); {
	case ok:
		r.Metrics["memory_percent"] = p
		r.Value = max(r.Value, p)
		s, note := grade(p, c.o.MemWarnPercent, c.o.MemCritPercent)
		status = checks.Worst(status, s)
		parts = append(parts, fmt.Sprintf("memory %s (%s of %s GB)%s", percent(p), amount(u.mem), amount(u.memLimit), note))
	case !u.hasMem:
		status = checks.Worst(status, checks.StatusWarn)
		parts = append(parts, "no memory samples")
	case noLimits:
		parts = append(parts, "memory "+amount(u.mem)+" GB (limits not reported)")
	default:
		parts = append(parts, "memory "+amount(u.mem)+" GB (no limit reported)")
	}
	return status, parts
}

// grade compares a percentage with its thresholds and returns the status
// and a note for the message: "", " (above 80%)" or " (above 90%)".
func grade(p, warn, crit float64) (checks.Status, string) {
	switch {
	case p > crit:
		return checks.StatusCrit, " (above " + percent(crit) + ")"
	case p > warn:
		return checks.StatusWarn, " (above " + percent(warn) + ")"
	}
	return checks.StatusOK, ""
}

// judgeDeployments grades the newest of deps (newest first) and describes
// it.
func judgeDeployments(deps []Deployment) (checks.Status, string) {
	if len(deps) == 0 {
		return checks.StatusWarn, "no deployments found"
	}
	latest := deps[0]
	switch st := latest.Status; {
	case st == StatusSuccess:
		return checks.StatusOK, "deployment SUCCESS"
	case st == StatusCrashed:
		return checks.StatusCrit, "deployment CRASHED"
	case st == StatusFailed:
		for _, d := range deps[1:] {
			if d.Status == StatusSuccess {
				return checks.StatusWarn, "latest deployment FAILED, the previous one still runs (SUCCESS)"
			}
		}
		return checks.StatusCrit, "deployment FAILED"
	case st.InProgress():
		return checks.StatusOK, "deployment " + string(st) + " (in progress)"
	case st == "":
		return checks.StatusWarn, "deployment status unknown"
	default:
		return checks.StatusWarn, "deployment " + sanitize(string(st), "")
	}
}

// span renders a window for a message: "10m", "1h", "90s".
func span(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	default:
		return d.Round(time.Second).String()
	}
}
