package railwaytest

import "time"

// Measurement names, as Railway's MetricMeasurement enum spells them.
const (
	CPUUsage      = "CPU_USAGE"
	CPULimit      = "CPU_LIMIT"
	MemoryUsageGB = "MEMORY_USAGE_GB"
	MemoryLimitGB = "MEMORY_LIMIT_GB"
)

// Series is one measurement of a service instance over time, as the fake
// answers it in metrics.
type Series struct {
	// Measurement is a MetricMeasurement value, e.g. CPUUsage.
	Measurement string
	// Tags answered with the series; empty ones are answered null.
	Tags Tags
	// Points are answered oldest first; only those inside the query's
	// [startDate, endDate] are.
	Points []Point
}

// Tags are a series' MetricTags.
type Tags struct {
	ServiceID, DeploymentID, DeploymentInstanceID, EnvironmentID, Region string
}

// Point is one sample.
type Point struct {
	At    time.Time
	Value float64
}

// Flat returns a series holding value at each of n points spaced step apart
// and ending at end.
func Flat(measurement string, value float64, end time.Time, step time.Duration, n int) Series {
	s := Series{Measurement: measurement}
	for i := n - 1; i >= 0; i-- {
		s.Points = append(s.Points, Point{At: end.Add(-time.Duration(i) * step), Value: value})
	}
	return s
}

// Deployment is one deployment of a service instance.
type Deployment struct {
	ID string
	// Status is a DeploymentStatus value, e.g. "SUCCESS", "CRASHED".
	Status    string
	CreatedAt time.Time
	StaticURL string
}
