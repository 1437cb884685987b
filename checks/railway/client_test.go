package railway_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/railway"
	"github.com/opsbot/opsbot/checks/railway/railwaytest"
)

func TestClientMetrics(t *testing.T) {
	srv := railwaytest.New(t)
	srv.SetMetrics(serviceID, envID, usageSeries(0.5, 2, 1.25, 2)...)
	srv.SetMetrics("other-service", envID, usageSeries(9, 9, 9, 9)...)
	c := newClient(t, srv)

	got, err := c.Metrics(t.Context(), railway.MetricsQuery{
		ServiceID:     serviceID,
		EnvironmentID: envID,
		Start:         now.Add(-5 * time.Minute),
		End:           now,
		SampleRate:    time.Minute,
		Measurements:  []railway.Measurement{railway.CPUUsage, railway.MemoryUsageGB},
	})
	if err != nil {
		t.Fatalf("Metrics: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d series, want 2 (CPU and memory usage of the one service)", len(got))
	}
	cpu := got[0]
	if cpu.Measurement != railway.CPUUsage || len(cpu.Samples) != 6 {
		t.Fatalf("series 0 = %s with %d samples, want CPU_USAGE with 6 (minutes -5..0)", cpu.Measurement, len(cpu.Samples))
	}
	if first, last := cpu.Samples[0], cpu.Samples[5]; !first.At.Equal(now.Add(-5*time.Minute)) || !last.At.Equal(now) || last.Value != 0.5 {
		t.Errorf("samples run %v..%v (last %v), want %v..%v, 0.5", first.At, last.At, last.Value, now.Add(-5*time.Minute), now)
	}

	calls := srv.CallsTo(railwaytest.OpMetrics)
	if len(calls) != 1 {
		t.Fatalf("%d metrics calls, want 1", len(calls))
	}
	call := calls[0]
	want := map[string]any{
		"serviceId":         serviceID,
		"environmentId":     envID,
		"startDate":         "2026-03-01T11:55:00Z",
		"endDate":           "2026-03-01T12:00:00Z",
		"sampleRateSeconds": float64(60),
	}
	for k, v := range want {
		if call.Variables[k] != v {
			t.Errorf("variable %s = %#v, want %#v", k, call.Variables[k], v)
		}
	}
	for _, k := range []string{"projectId", "groupBy", "averagingWindowSeconds"} {
		if _, ok := call.Variables[k]; ok {
			t.Errorf("variable %s sent though unset", k)
		}
	}
	if call.OperationName != "Metrics" || call.Auth != "bearer" {
		t.Errorf("operationName %q, auth %q; want Metrics, bearer", call.OperationName, call.Auth)
	}
}

func TestClientDeployments(t *testing.T) {
	srv := railwaytest.New(t)
	srv.SetDeployments(serviceID, envID,
		deployment("d-old", "REMOVED", 48*time.Hour),
		deployment("d-new", "SUCCESS", time.Hour),
		deployment("d-mid", "REMOVED", 24*time.Hour),
	)
	c := newClient(t, srv)

	d, err := c.LatestDeployment(t.Context(), serviceID, envID)
	if err != nil {
		t.Fatalf("LatestDeployment: %v", err)
	}
	if d.ID != "d-new" || d.Status != railway.StatusSuccess || !d.CreatedAt.Equal(now.Add(-time.Hour)) {
		t.Errorf("latest = %+v, want d-new SUCCESS created an hour ago", d)
	}

	ds, err := c.Deployments(t.Context(), railway.DeploymentsQuery{ProjectID: projectID, ServiceID: serviceID, EnvironmentID: envID, First: 2})
	if err != nil {
		t.Fatalf("Deployments: %v", err)
	}
	if len(ds) != 2 || ds[0].ID != "d-new" || ds[1].ID != "d-mid" {
		t.Errorf("deployments = %+v, want d-new, d-mid", ds)
	}
	last := srv.CallsTo(railwaytest.OpDeployments)[1]
	input, _ := last.Variables["input"].(map[string]any)
	if input["projectId"] != projectID || last.Variables["first"] != float64(2) {
		t.Errorf("variables = %v, want input.projectId %s and first 2", last.Variables, projectID)
	}

	_, err = c.LatestDeployment(t.Context(), "no-such-service", envID)
	if !errors.Is(err, railway.ErrNoDeployment) {
		t.Errorf("LatestDeployment of a service without deployments: %v, want ErrNoDeployment", err)
	}
}

func TestClientRestartDeployment(t *testing.T) {
	srv := railwaytest.New(t)
	srv.SetDeployments(serviceID, envID, deployment("d-1", "CRASHED", time.Hour))
	c := newClient(t, srv)

	if err := c.RestartDeployment(t.Context(), "d-1"); err != nil {
		t.Fatalf("RestartDeployment: %v", err)
	}
	if got := srv.Restarts(); len(got) != 1 || got[0] != "d-1" {
		t.Errorf("restarts = %v, want exactly [d-1]", got)
	}

	err := c.RestartDeployment(t.Context(), "d-unknown")
	var gqlErr *railway.GraphQLError
	if !errors.As(err, &gqlErr) || gqlErr.Message != "Deployment not found" {
		t.Errorf("restart of an unknown deployment: %v, want GraphQL error Deployment not found", err)
	}
	if got := srv.Restarts(); len(got) != 1 {
		t.Errorf("restarts = %v after a failed restart, want still exactly one", got)
	}
}

func TestClientProjectToken(t *testing.T) {
	const token = "project-token-1b2c3d"
	srv := railwaytest.New(t, railwaytest.WithProjectToken(token))
	srv.SetDeployments(serviceID, envID, deployment("d-1", "SUCCESS", time.Hour))

	project, err := railway.NewClient(railway.ClientOptions{URL: srv.URL(), Token: token, TokenKind: railway.TokenProject})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := project.LatestDeployment(t.Context(), serviceID, envID); err != nil {
		t.Errorf("with Project-Access-Token: %v", err)
	}
	if auth := srv.Calls()[0].Auth; auth != "project" {
		t.Errorf("auth header %q, want project", auth)
	}

	bearer, err := railway.NewClient(railway.ClientOptions{URL: srv.URL(), Token: token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bearer.LatestDeployment(t.Context(), serviceID, envID); !errors.Is(err, railway.ErrUnauthorized) {
		t.Errorf("project token sent as bearer: %v, want ErrUnauthorized", err)
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name  string
		fault railwaytest.Fault
		token string // the client's token; default the server's
		check func(t *testing.T, err error)
		want  string // exact error text
	}{
		{
			name:  "GraphQL error",
			fault: railwaytest.Fault{GraphQLError: "Problem processing request"},
			check: isGraphQLError,
			want:  "Railway API error: Problem processing request",
		},
		{
			name:  "GraphQL error echoing the token, over lines",
			fault: railwaytest.Fault{GraphQLError: "token " + railwaytest.DefaultToken + "\n\tis  invalid"},
			check: isGraphQLError,
			want:  "Railway API error: token [token] is invalid",
		},
		{
			name:  "wrong token",
			token: "not-the-token",
			check: isUnauthorized,
			want:  "Railway rejected the token (Not Authorized)",
		},
		{
			name:  "HTTP 401",
			fault: railwaytest.Fault{Status: 401},
			check: isUnauthorized,
			want:  "Railway rejected the token",
		},
		{
			name:  "HTTP 403",
			fault: railwaytest.Fault{Status: 403},
			check: isUnauthorized,
			want:  "Railway rejected the token",
		},
		{
			name:  "HTTP 429 with Retry-After",
			fault: railwaytest.Fault{Status: 429, RetryAfter: 30 * time.Second},
			check: func(t *testing.T, err error) {
				var rl *railway.RateLimitError
				if !errors.As(err, &rl) || rl.RetryAfter != 30*time.Second || !errors.Is(err, railway.ErrRateLimited) {
					t.Errorf("error %v is not a RateLimitError with RetryAfter 30s", err)
				}
			},
			want: "Railway rate limit reached (retry after 30s)",
		},
		{
			name:  "HTTP 429 without Retry-After",
			fault: railwaytest.Fault{Status: 429},
			check: func(t *testing.T, err error) {
				if !errors.Is(err, railway.ErrRateLimited) {
					t.Errorf("error %v is not ErrRateLimited", err)
				}
			},
			want: "Railway rate limit reached",
		},
		{
			name:  "HTTP 502",
			fault: railwaytest.Fault{Status: 502, Body: "<html>Bad Gateway</html>"},
			check: func(t *testing.T, err error) {
				var se *railway.StatusError
				if !errors.As(err, &se) || se.StatusCode != 502 {
					t.Errorf("error %v is not a StatusError 502", err)
				}
			},
			want: "Railway API answered HTTP 502",
		},
		{
			name:  "not JSON",
			fault: railwaytest.Fault{Body: "<html>maintenance</html>"},
			want:  "Railway API answer is not JSON",
		},
		{
			name:  "no data",
			fault: railwaytest.Fault{Body: `{"data":null}`},
			want:  "Railway API answered without data",
		},
		{
			name:  "oversized answer",
			fault: railwaytest.Fault{Body: `{"data":{"deployments":"` + strings.Repeat("x", 3<<20) + `"}}`},
			want:  "railway: Deployments answer is larger than 2097152 bytes",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := railwaytest.New(t)
			srv.SetDeployments(serviceID, envID, deployment("d-1", "SUCCESS", time.Hour))
			srv.Fail(railwaytest.OpDeployments, 1, tt.fault)
			token := tt.token
			if token == "" {
				token = srv.Token()
			}
			c, err := railway.NewClient(railway.ClientOptions{URL: srv.URL(), Token: token})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.LatestDeployment(t.Context(), serviceID, envID)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error %q contains the token", err)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

func TestClientTimeout(t *testing.T) {
	srv := railwaytest.New(t)
	srv.Fail(railwaytest.OpMetrics, 1, railwaytest.Fault{Delay: time.Hour})
	c := newClient(t, srv)

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Metrics(ctx, railway.MetricsQuery{ServiceID: serviceID, EnvironmentID: envID, Start: now.Add(-time.Minute), Measurements: []railway.Measurement{railway.CPUUsage}})
	if err == nil || err.Error() != "Railway API not reachable: timed out" {
		t.Errorf("error %v, want Railway API not reachable: timed out", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
}

func TestClientUnreachable(t *testing.T) {
	// Port 1 on the loopback interface refuses connections.
	c, err := railway.NewClient(railway.ClientOptions{URL: "http://127.0.0.1:1/graphql/v2", Token: "secret-token"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.LatestDeployment(t.Context(), serviceID, envID)
	if err == nil || !strings.HasPrefix(err.Error(), "Railway API not reachable: ") || strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("error %v, want a short 'not reachable' without the address", err)
	}
}

func TestNewClient(t *testing.T) {
	tests := []struct {
		name string
		o    railway.ClientOptions
		want string
	}{
		{"no token", railway.ClientOptions{}, "railway: Token is empty (set the Railway API token in the environment)"},
		{"bad URL", railway.ClientOptions{URL: "backboard.railway.com", Token: "t"}, "railway: URL must be an http(s) URL with a host"},
		{"bad kind", railway.ClientOptions{Token: "t", TokenKind: "robot"}, `railway: TokenKind: token kind "robot" is unknown (use account, workspace or project)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := railway.NewClient(tt.o)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := railway.NewClient(railway.ClientOptions{Token: "t", TokenKind: "team"}); err != nil {
		t.Errorf("team token: %v", err)
	}
}

func isGraphQLError(t *testing.T, err error) {
	t.Helper()
	var gqlErr *railway.GraphQLError
	if !errors.As(err, &gqlErr) {
		t.Errorf("error %v is not a GraphQLError", err)
	}
}

func isUnauthorized(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, railway.ErrUnauthorized) {
		t.Errorf("error %v is not ErrUnauthorized", err)
	}
}
