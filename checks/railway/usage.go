package railway

import (
	"fmt"
	"math"
	"strconv"
)

// usage is what a window of metrics says about one service instance.
type usage struct {
	cpu, cpuLimit float64 // vCPU
	mem, memLimit float64 // GB
	// has* say which numbers the window had samples for; a limit of zero
	// counts as missing.
	hasCPU, hasCPULimit bool
	hasMem, hasMemLimit bool
}

// summarize reads series: usage is the mean of the window's samples, a limit
// is its latest sample (limits change in steps, when the plan or the
// service's settings change). Series of other measurements are ignored; two
// series of one measurement (several regions or replicas, when grouped)
// add up.
func summarize(series []Series) usage {
	var u usage
	for _, s := range series {
		switch s.Measurement {
		case CPUUsage:
			if m, ok := mean(s.Samples); ok {
				u.cpu += m
				u.hasCPU = true
			}
		case MemoryUsageGB:
			if m, ok := mean(s.Samples); ok {
				u.mem += m
				u.hasMem = true
			}
		case CPULimit:
			if l, ok := latest(s.Samples); ok {
				u.cpuLimit += l
				u.hasCPULimit = true
			}
		case MemoryLimitGB:
			if l, ok := latest(s.Samples); ok {
				u.memLimit += l
				u.hasMemLimit = true
			}
		}
	}
	return u
}

// mean averages the finite values of samples.
func mean(samples []Sample) (float64, bool) {
	var sum float64
	n := 0
	for _, s := range samples {
		if !math.IsNaN(s.Value) && !math.IsInf(s.Value, 0) {
			sum += s.Value
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// latest returns the newest positive finite value of samples.
func latest(samples []Sample) (float64, bool) {
	for i := len(samples) - 1; i >= 0; i-- {
		v := samples[i].Value
		if v > 0 && !math.IsInf(v, 0) {
			return v, true
		}
	}
	return 0, false
}

// cpuPercent returns CPU use in percent of the limit.
func (u usage) cpuPercent() (float64, bool) {
	if !u.hasCPU || !u.hasCPULimit {
		return 0, false
	}
	return u.cpu / u.cpuLimit * 100, true
}

// memPercent returns memory use in percent of the limit.
func (u usage) memPercent() (float64, bool) {
	if !u.hasMem || !u.hasMemLimit {
		return 0, false
	}
	return u.mem / u.memLimit * 100, true
}

// percent renders a percentage for a message: "34%", "0.4%".
func percent(p float64) string {
	if p > 0 && p < 1 {
		return strconv.FormatFloat(math.Round(p*10)/10, 'f', -1, 64) + "%"
	}
	return fmt.Sprintf("%.0f%%", p)
}

// amount renders vCPU or GB for a message: one decimal, two below 1, no
// trailing zeros: "2", "1.2", "0.34".
func amount(v float64) string {
	digits := 1.0
	if math.Abs(v) < 1 {
		digits = 2
	}
	scale := math.Pow(10, digits)
	return strconv.FormatFloat(math.Round(v*scale)/scale, 'f', -1, 64)
}
