package railway_test

import (
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/railway"
	"github.com/opsbot/opsbot/checks/railway/railwaytest"
)

// checkCase is one workflow: Railway's state and faults in, a Result out.
type checkCase struct {
	name        string
	series      []railwaytest.Series
	deployments []railwaytest.Deployment
	faults      func(srv *railwaytest.Server)
	token       string // the check's token; default the server's
	timeout     time.Duration

	wantStatus  checks.Status
	wantMessage string
	wantValue   float64
	wantMetrics map[string]float64
	wantCalls   int // requests made; default 2
}

var (
	running = []railwaytest.Deployment{deployment("d-2", "SUCCESS", time.Hour), deployment("d-1", "REMOVED", 24*time.Hour)}
	healthy = usageSeries(0.68, 2, 1.22, 2)
)

func TestCheck(t *testing.T) {
	tests := []checkCase{
		{
			name:        "healthy",
			series:      healthy,
			deployments: running,
			wantStatus:  checks.StatusOK,
			wantMessage: "CPU 34%, memory 61% (1.2 of 2 GB), deployment SUCCESS",
			wantValue:   61,
			wantMetrics: map[string]float64{
				"cpu_percent": 34, "memory_percent": 61, "memory_gb": 1.22, "cpu_vcpu": 0.68,
				"cpu_limit_vcpu": 2, "memory_limit_gb": 2, "deployment_ok": 1,
			},
		},
		{
			name:        "CPU above warn",
			series:      usageSeries(1.7, 2, 1.22, 2),
			deployments: running,
			wantStatus:  checks.StatusWarn,
			wantMessage: "CPU 85% (above 80%), memory 61% (1.2 of 2 GB), deployment SUCCESS",
			wantValue:   85,
		},
		{
			name:        "CPU above crit",
			series:      usageSeries(1.9, 2, 1.22, 2),
			deployments: running,
			wantStatus:  checks.StatusCrit,
			wantMessage: "CPU 95% (above 90%), memory 61% (1.2 of 2 GB), deployment SUCCESS",
			wantValue:   95,
		},
		{
			name:        "memory above warn",
			series:      usageSeries(0.68, 2, 1.8, 2),
			deployments: running,
			wantStatus:  checks.StatusWarn,
			wantMessage: "CPU 34%, memory 90% (1.8 of 2 GB) (above 85%), deployment SUCCESS",
			wantValue:   90,
		},
		{
			name:        "memory above crit",
			series:      usageSeries(0.68, 2, 7.84, 8),
			deployments: running,
			wantStatus:  checks.StatusCrit,
			wantMessage: "CPU 34%, memory 98% (7.8 of 8 GB) (above 95%), deployment SUCCESS",
			wantValue:   98,
		},
		{
			name: "CPU averaged over the window against the latest limit",
			series: []railwaytest.Series{
				{Measurement: railwaytest.CPUUsage, Points: []railwaytest.Point{
					{At: now.Add(-3 * time.Minute), Value: 1}, {At: now.Add(-2 * time.Minute), Value: 2}, {At: now.Add(-time.Minute), Value: 3},
				}},
				{Measurement: railwaytest.CPULimit, Points: []railwaytest.Point{
					{At: now.Add(-3 * time.Minute), Value: 8}, {At: now.Add(-time.Minute), Value: 4},
				}},
				railwaytest.Flat(railwaytest.MemoryUsageGB, 0.5, now, time.Minute, 3),
				railwaytest.Flat(railwaytest.MemoryLimitGB, 8, now, time.Minute, 3),
			},
			deployments: running,
			wantStatus:  checks.StatusOK,
			wantMessage: "CPU 50%, memory 6% (0.5 of 8 GB), deployment SUCCESS",
			wantValue:   50,
		},
		{
			name:        "crashed deployment",
			series:      healthy,
			deployments: []railwaytest.Deployment{deployment("d-2", "CRASHED", time.Hour)},
			wantStatus:  checks.StatusCrit,
			wantMessage: "CPU 34%, memory 61% (1.2 of 2 GB), deployment CRASHED",
			wantMetrics: map[string]float64{"deployment_ok": 0},
		},
		{
			name:        "failed deployment",
			series:      healthy,
			deployments: []railwaytest.Deployment{deployment("d-1", "FAILED", time.Hour)},
			wantStatus:  checks.StatusCrit,
			wantMessage: "CPU 34%, memory 61% (1.2 of 2 GB), deployment FAILED",
		},
		{
			name:   "failed build while the previous deployment runs",
			series: healthy,
			deployments: []railwaytest.Deployment{
				deployment("d-3", "FAILED", time.Minute), deployment("d-2", "SUCCESS", time.Hour),
			},
			wantStatus:  checks.StatusWarn,
			wantMessage: "CPU 34%, memory 61% (1.2 of 2 GB), latest deployment FAILED, the previous one still runs (SUCCESS)",
		},
		{
			name:   "deployment in progress",
			series: healthy,
			deployments: []railwaytest.Deployment{
				deployment("d-3", "BUILDING", time.Minute), deployment("d-2", "SUCCESS", time.Hour),
			},
			wantStatus:  checks.StatusOK,
			wantMessage: "CPU 34%, memory 61% (1.2 of 2 GB), deployment BUILDING (in progress)",
		},
		{
			name:        "sleeping deployment",
			deployments: []railwaytest.Deployment{deployment("d-2", "SLEEPING", time.Hour)},
			wantStatus:  checks.StatusWarn,
			wantMessage: "no CPU or memory samples in the last 10m, deployment SLEEPING",
		},
		{
			name:        "no deployments",
			series:      healthy,
			wantStatus:  checks.StatusWarn,
			wantMessage: "CPU 34%, memory 61% (1.2 of 2 GB), no deployments found",
		},
		{
			name:        "limits not reported",
			series:      usageSeries(0.68, -1, 1.22, -1),
			deployments: running,
			wantStatus:  checks.StatusOK,
			wantMessage: "CPU 0.68 vCPU, memory 1.2 GB (limits not reported), deployment SUCCESS",
			wantMetrics: map[string]float64{"cpu_vcpu": 0.68, "memory_gb": 1.22},
		},
		{
			name:        "CPU limit not reported",
			series:      usageSeries(0.68, -1, 1.22, 2),
			deployments: running,
			wantStatus:  checks.StatusOK,
			wantMessage: "CPU 0.68 vCPU (no limit reported), memory 61% (1.2 of 2 GB), deployment SUCCESS",
			wantValue:   61,
		},
		{
			name:        "empty metrics",
			deployments: running,
			wantStatus:  checks.StatusWarn,
			wantMessage: "no CPU or memory samples in the last 10m, deployment SUCCESS",
		},
		{
			name: "samples older than the window",
			series: []railwaytest.Series{
				railwaytest.Flat(railwaytest.CPUUsage, 1.9, now.Add(-time.Hour), time.Minute, 10),
				railwaytest.Flat(railwaytest.CPULimit, 2, now.Add(-time.Hour), time.Minute, 10),
			},
			deployments: running,
			wantStatus:  checks.StatusWarn,
			wantMessage: "no CPU or memory samples in the last 10m, deployment SUCCESS",
		},
		{
			name:        "GraphQL error on metrics",
			deployments: running,
			faults: func(srv *railwaytest.Server) {
				srv.Fail(railwaytest.OpMetrics, 1, railwaytest.Fault{GraphQLError: "Problem processing request"})
			},
			wantStatus:  checks.StatusWarn,
			wantMessage: "metrics unavailable: Railway API error: Problem processing request, deployment SUCCESS",
		},
		{
			name:   "GraphQL error on both",
			series: healthy,
			faults: func(srv *railwaytest.Server) {
				srv.Fail(railwaytest.AnyOp, 2, railwaytest.Fault{GraphQLError: "Problem processing request"})
			},
			wantStatus:  checks.StatusCrit,
			wantMessage: "Railway API error: Problem processing request",
		},
		{
			name:   "server error on deployments",
			series: healthy,
			faults: func(srv *railwaytest.Server) {
				srv.Fail(railwaytest.OpDeployments, 1, railwaytest.Fault{Status: 503})
			},
			wantStatus:  checks.StatusWarn,
			wantMessage: "CPU 34%, memory 61% (1.2 of 2 GB), deployment status unavailable: Railway API answered HTTP 503",
			wantValue:   61,
		},
		{
			name:        "bad token",
			series:      healthy,
			deployments: running,
			token:       "revoked-token-77",
			wantStatus:  checks.StatusCrit,
			wantMessage: "Railway rejected the token (Not Authorized)",
			wantCalls:   1,
		},
		{
			name:        "HTTP 401",
			series:      healthy,
			deployments: running,
			faults: func(srv *railwaytest.Server) {
				srv.Fail(railwaytest.AnyOp, 1, railwaytest.Fault{Status: 401})
			},
			wantStatus:  checks.StatusCrit,
			wantMessage: "Railway rejected the token",
			wantCalls:   1,
		},
		{
			name:        "rate limited",
			series:      healthy,
			deployments: running,
			faults: func(srv *railwaytest.Server) {
				srv.Fail(railwaytest.AnyOp, 1, railwaytest.Fault{Status: 429, RetryAfter: 90 * time.Second})
			},
			wantStatus:  checks.StatusCrit,
			wantMessage: "Railway rate limit reached (retry after 1m30s)",
			wantCalls:   1,
		},
		{
			name:        "timeout",
			series:      healthy,
			deployments: running,
			timeout:     100 * time.Millisecond,
			faults: func(srv *railwaytest.Server) {
				srv.Fail(railwaytest.OpMetrics, 1, railwaytest.Fault{Delay: time.Hour})
			},
			wantStatus:  checks.StatusCrit,
			wantMessage: "Railway API not reachable: timed out",
			wantCalls:   1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runCheckCase(t, tt) })
	}
}

func runCheckCase(t *testing.T, tt checkCase) {
	srv := railwaytest.New(t)
	srv.SetMetrics(serviceID, envID, tt.series...)
	srv.SetDeployments(serviceID, envID, tt.deployments...)
	if tt.faults != nil {
		tt.faults(srv)
	}
	token := tt.token
	if token == "" {
		token = srv.Token()
	}
	c, err := railway.NewCheck(railway.Options{
		URL: srv.URL(), Token: token,
		ServiceID: serviceID, EnvironmentID: envID,
		Timeout: tt.timeout, Now: clock,
	})
	if err != nil {
		t.Fatalf("NewCheck: %v", err)
	}
	r := c.Check(t.Context())

	if r.Status != tt.wantStatus || r.Message != tt.wantMessage {
		t.Errorf("got %s %q\nwant %s %q", r.Status, r.Message, tt.wantStatus, tt.wantMessage)
	}
	if tt.wantValue != 0 && !near(r.Value, tt.wantValue) {
		t.Errorf("Value %v, want %v", r.Value, tt.wantValue)
	}
	for k, want := range tt.wantMetrics {
		if got, ok := r.Metrics[k]; !ok || !near(got, want) {
			t.Errorf("Metrics[%s] = %v (present %v), want %v", k, got, ok, want)
		}
	}
	if strings.Contains(r.Message, token) {
		t.Errorf("message %q contains the token", r.Message)
	}
	if !r.ObservedAt.Equal(now) {
		t.Errorf("ObservedAt %v, want the clock's %v", r.ObservedAt, now)
	}
	wantCalls := tt.wantCalls
	if wantCalls == 0 {
		wantCalls = 2
	}
	if n := len(srv.Calls()); n != wantCalls && tt.timeout == 0 {
		t.Errorf("%d requests, want %d", n, wantCalls)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// TestCheckRequests pins what a run asks Railway for.
func TestCheckRequests(t *testing.T) {
	srv := railwaytest.New(t)
	srv.SetMetrics(serviceID, envID, healthy...)
	srv.SetDeployments(serviceID, envID, running...)
	c, err := railway.NewCheck(railway.Options{
		URL: srv.URL(), Token: srv.Token(),
		ServiceID: serviceID, EnvironmentID: envID, ProjectID: projectID,
		Window: 5 * time.Minute, SampleRate: 30 * time.Second, Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Check(t.Context()); r.Status != checks.StatusOK {
		t.Fatalf("result %s %q, want ok", r.Status, r.Message)
	}
	m := srv.CallsTo(railwaytest.OpMetrics)[0].Variables
	if m["startDate"] != "2026-03-01T11:55:00Z" || m["endDate"] != "2026-03-01T12:00:00Z" || m["sampleRateSeconds"] != float64(30) {
		t.Errorf("metrics variables %v, want the 5m window ending now, 30s samples", m)
	}
	if got := m["measurements"]; len(got.([]any)) != 4 {
		t.Errorf("measurements %v, want CPU and memory usage and limits", got)
	}
	d := srv.CallsTo(railwaytest.OpDeployments)[0].Variables
	input := d["input"].(map[string]any)
	if input["projectId"] != projectID || input["serviceId"] != serviceID || input["environmentId"] != envID || d["first"] != float64(5) {
		t.Errorf("deployments variables %v", d)
	}
}

func TestCheckWithProjectToken(t *testing.T) {
	const token = "project-token-0a9b8c"
	srv := railwaytest.New(t, railwaytest.WithProjectToken(token))
	srv.SetMetrics(serviceID, envID, healthy...)
	srv.SetDeployments(serviceID, envID, running...)
	c, err := railway.NewCheck(railway.Options{
		URL: srv.URL(), Token: token, TokenKind: railway.TokenProject,
		ServiceID: serviceID, EnvironmentID: envID, Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Check(t.Context()); r.Status != checks.StatusOK {
		t.Errorf("result %s %q, want ok", r.Status, r.Message)
	}
}
