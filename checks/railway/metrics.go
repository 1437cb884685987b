package railway

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Measurement is a MetricMeasurement of Railway's schema.
type Measurement string

// Measurements the check uses, and the others Railway documents. CPU is in
// vCPU, the rest in GB.
const (
	CPUUsage             Measurement = "CPU_USAGE"
	CPULimit             Measurement = "CPU_LIMIT"
	MemoryUsageGB        Measurement = "MEMORY_USAGE_GB"
	MemoryLimitGB        Measurement = "MEMORY_LIMIT_GB"
	NetworkRxGB          Measurement = "NETWORK_RX_GB"
	NetworkTxGB          Measurement = "NETWORK_TX_GB"
	DiskUsageGB          Measurement = "DISK_USAGE_GB"
	EphemeralDiskUsageGB Measurement = "EPHEMERAL_DISK_USAGE_GB"
	BackupUsageGB        Measurement = "BACKUP_USAGE_GB"
)

// MetricTag is a MetricTag of Railway's schema, a property to group by.
type MetricTag string

// Tags to group by.
const (
	TagServiceID            MetricTag = "SERVICE_ID"
	TagDeploymentID         MetricTag = "DEPLOYMENT_ID"
	TagDeploymentInstanceID MetricTag = "DEPLOYMENT_INSTANCE_ID"
	TagRegion               MetricTag = "REGION"
)

// MetricsQuery selects samples. Start and at least one measurement are
// required; the IDs narrow the scope (Railway wants an environment or a
// project, and a service to see one service).
type MetricsQuery struct {
	ProjectID     string
	ServiceID     string
	EnvironmentID string
	// Start is the start of the window; End its end, zero for now.
	Start, End time.Time
	// SampleRate is the spacing of samples, whole seconds; zero lets
	// Railway choose. AveragingWindow smooths each sample over that long;
	// zero lets Railway choose.
	SampleRate      time.Duration
	AveragingWindow time.Duration
	Measurements    []Measurement
	GroupBy         []MetricTag
}

// Sample is one point of a series.
type Sample struct {
	At    time.Time
	Value float64
}

// MetricTags are the tags of a series; only those grouped by are set.
type MetricTags struct {
	ServiceID            string `json:"serviceId"`
	DeploymentID         string `json:"deploymentId"`
	DeploymentInstanceID string `json:"deploymentInstanceId"`
	EnvironmentID        string `json:"environmentId"`
	Region               string `json:"region"`
}

// Series is one measurement over time, oldest sample first.
type Series struct {
	Measurement Measurement
	Tags        MetricTags
	Samples     []Sample
}

// metricsData is the data of a metrics answer.
type metricsData struct {
	Metrics []struct {
		Measurement Measurement `json:"measurement"`
		Tags        *MetricTags `json:"tags"`
		Values      []struct {
			TS    int64   `json:"ts"`
			Value float64 `json:"value"`
		} `json:"values"`
	} `json:"metrics"`
}

// Metrics returns the series q selects, one per measurement (and group).
func (c *Client) Metrics(ctx context.Context, q MetricsQuery) ([]Series, error) {
	if q.Start.IsZero() {
		return nil, errors.New("railway: MetricsQuery.Start is required")
	}
	if len(q.Measurements) == 0 {
		return nil, errors.New("railway: MetricsQuery.Measurements is empty")
	}
	vars := map[string]any{
		"startDate":    q.Start.UTC().Format(time.RFC3339),
		"measurements": q.Measurements,
	}
	setString(vars, "projectId", q.ProjectID)
	setString(vars, "serviceId", q.ServiceID)
	setString(vars, "environmentId", q.EnvironmentID)
	if !q.End.IsZero() {
		vars["endDate"] = q.End.UTC().Format(time.RFC3339)
	}
	if s := int(q.SampleRate / time.Second); s > 0 {
		vars["sampleRateSeconds"] = s
	}
	if s := int(q.AveragingWindow / time.Second); s > 0 {
		vars["averagingWindowSeconds"] = s
	}
	if len(q.GroupBy) > 0 {
		vars["groupBy"] = q.GroupBy
	}
	var data metricsData
	if err := c.do(ctx, "Metrics", metricsQuery, vars, &data); err != nil {
		return nil, err
	}
	out := make([]Series, 0, len(data.Metrics))
	for _, m := range data.Metrics {
		s := Series{Measurement: m.Measurement, Samples: make([]Sample, 0, len(m.Values))}
		if m.Tags != nil {
			s.Tags = *m.Tags
		}
		for _, v := range m.Values {
			s.Samples = append(s.Samples, Sample{At: time.Unix(v.TS, 0).UTC(), Value: v.Value})
		}
		slices.SortStableFunc(s.Samples, func(a, b Sample) int { return a.At.Compare(b.At) })
		out = append(out, s)
	}
	return out, nil
}

// setString sets vars[key] to v unless v is empty.
func setString(vars map[string]any, key, v string) {
	if v != "" {
		vars[key] = v
	}
}
