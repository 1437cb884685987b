package actions_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/railway"
	"github.com/opsbot/opsbot/checks/railway/railwaytest"
	"github.com/opsbot/opsbot/incident/actions"
)

const (
	serviceID = "svc-4bd252dc"
	envID     = "env-9fb4baf0"
	latestID  = "7f3c1a2b-5d1e-4c7a-9e0f-2b8d6c4a1e93"
	olderID   = "0a9b8c7d-1111-4222-8333-444455556666"
)

// railwayAction returns a Railway action for srv's service.
func railwayAction(t *testing.T, url, token string) actions.Railway {
	t.Helper()
	c, err := railway.NewClient(railway.ClientOptions{URL: url, Token: token})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return actions.Railway{API: c, ServiceID: serviceID, EnvironmentID: envID}
}

// railwayServer returns a fake Railway with a crashed latest deployment.
func railwayServer(t *testing.T) *railwaytest.Server {
	srv := railwaytest.New(t)
	now := time.Now()
	srv.SetDeployments(serviceID, envID,
		railwaytest.Deployment{ID: olderID, Status: "REMOVED", CreatedAt: now.Add(-48 * time.Hour)},
		railwaytest.Deployment{ID: latestID, Status: "CRASHED", CreatedAt: now.Add(-time.Hour)},
	)
	srv.SetDeployments("other-service", envID,
		railwaytest.Deployment{ID: "ffffffff-other", Status: "SUCCESS", CreatedAt: now})
	return srv
}

func TestRailwayRestartsLatestDeployment(t *testing.T) {
	srv := railwayServer(t)
	a := railwayAction(t, srv.URL(), srv.Token())

	for i := 1; i <= 2; i++ {
		got, err := a.Run(t.Context(), testIncident(), "restart")
		if err != nil {
			t.Fatalf("Run %d: %v", i, err)
		}
		if want := "restarted Railway deployment 7f3c1a2b (was CRASHED)"; got != want {
			t.Errorf("Run %d = %q, want %q", i, got, want)
		}
		// Each Run restarts exactly once: running once per incident is
		// the engine's business.
		if restarts := srv.Restarts(); len(restarts) != i || restarts[i-1] != latestID {
			t.Errorf("after Run %d restarts = %v, want %d × %s", i, restarts, i, latestID)
		}
	}
	if n, m := len(srv.CallsTo(railwaytest.OpDeployments)), len(srv.CallsTo(railwaytest.OpDeploymentRestart)); n != 2 || m != 2 {
		t.Errorf("%d deployments and %d restart calls for two Runs, want 2 and 2", n, m)
	}
}

func TestRailwayNoDeployment(t *testing.T) {
	srv := railwaytest.New(t)
	a := railwayAction(t, srv.URL(), srv.Token())
	_, err := a.Run(t.Context(), testIncident(), "restart")
	if err == nil || err.Error() != "Railway: no deployment to restart" {
		t.Errorf("Run without deployments: %v, want Railway: no deployment to restart", err)
	}
	if r := srv.CallsTo(railwaytest.OpDeploymentRestart); len(r) != 0 {
		t.Errorf("%d restart calls without a deployment, want 0", len(r))
	}
}

func TestRailwayErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*railwaytest.Server)
		token string // empty: the server's
		want  string
	}{
		{
			name: "restart GraphQL error",
			setup: func(s *railwaytest.Server) {
				// Railway echoing the token must not put it on the timeline.
				s.Fail(railwaytest.OpDeploymentRestart, 1, railwaytest.Fault{GraphQLError: "Cannot restart: token " + s.Token() + " lacks access"})
			},
			want: "Railway: restarting deployment 7f3c1a2b: Railway API error: Cannot restart: token [token] lacks access",
		},
		{
			name: "deployments GraphQL error",
			setup: func(s *railwaytest.Server) {
				s.Fail(railwaytest.OpDeployments, 1, railwaytest.Fault{GraphQLError: "Problem processing request"})
			},
			want: "Railway: finding the deployment to restart: Railway API error: Problem processing request",
		},
		{
			name:  "wrong token",
			token: "not-the-token",
			want:  "Railway: finding the deployment to restart: Railway rejected the token (Not Authorized)",
		},
		{
			name: "Railway down",
			setup: func(s *railwaytest.Server) {
				s.Fail(railwaytest.AnyOp, 1, railwaytest.Fault{Status: 503})
			},
			want: "Railway: finding the deployment to restart: Railway API answered HTTP 503",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := railwayServer(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			token := tt.token
			if token == "" {
				token = srv.Token()
			}
			out, err := railwayAction(t, srv.URL(), token).Run(t.Context(), testIncident(), "restart")
			if err == nil {
				t.Fatalf("Run = %q, want an error", out)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q\nwant    %q", err, tt.want)
			}
			if strings.Contains(err.Error(), srv.Token()) {
				t.Errorf("error %q contains the token", err)
			}
			if r := srv.Restarts(); len(r) != 0 {
				t.Errorf("restarts = %v, want none", r)
			}
		})
	}
}

func TestRailwayServerDown(t *testing.T) {
	down := httptest.NewServer(nil)
	url := down.URL + "/graphql/v2"
	down.Close()
	_, err := railwayAction(t, url, railwaytest.DefaultToken).Run(t.Context(), testIncident(), "restart")
	if want := "Railway: finding the deployment to restart: Railway API not reachable: connection refused"; err == nil || err.Error() != want {
		t.Errorf("Run against a closed port: %v, want %q", err, want)
	}
}

func TestRailwayTimeout(t *testing.T) {
	srv := railwayServer(t)
	srv.Fail(railwaytest.OpDeploymentRestart, 1, railwaytest.Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err := railwayAction(t, srv.URL(), srv.Token()).Run(ctx, testIncident(), "restart")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run past the deadline: %v, want an error wrapping context.DeadlineExceeded", err)
	}
	if err != nil && !strings.HasSuffix(err.Error(), "not reachable: timed out") {
		t.Errorf("error = %q, want it to end in not reachable: timed out", err)
	}
}

func TestRailwayNotConfigured(t *testing.T) {
	for _, a := range []actions.Railway{
		{},
		{API: &railway.Client{}, ServiceID: serviceID},
	} {
		if _, err := a.Run(t.Context(), testIncident(), "restart"); err == nil || !strings.HasPrefix(err.Error(), "Railway: ") {
			t.Errorf("Run of %+v: %v, want a Railway configuration error", a, err)
		}
	}
}
