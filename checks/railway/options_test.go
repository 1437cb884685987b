package railway_test

import (
	"context"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/railway"
)

func TestNewCheckValidation(t *testing.T) {
	base := func() railway.Options {
		return railway.Options{Token: "t", ServiceID: serviceID, EnvironmentID: envID}
	}
	tests := []struct {
		name   string
		change func(o *railway.Options)
		want   string
	}{
		{"no service", func(o *railway.Options) { o.ServiceID = "" }, "railway: ServiceID is empty"},
		{"no environment", func(o *railway.Options) { o.EnvironmentID = "" }, "railway: EnvironmentID is empty"},
		{"no token", func(o *railway.Options) { o.Token = "" }, "railway: Token is empty (set the Railway API token in the environment)"},
		{"negative window", func(o *railway.Options) { o.Window = -time.Minute }, "railway: Window -1m0s is negative"},
		{"negative timeout", func(o *railway.Options) { o.Timeout = -time.Second }, "railway: Timeout -1s is negative"},
		{"warn above crit", func(o *railway.Options) { o.CPUWarnPercent = 95 }, "railway: CPUWarnPercent 95 is above CPUCritPercent 90"},
		{"not a percentage", func(o *railway.Options) { o.MemCritPercent = 120 }, "railway: MemCritPercent 120 is not a percentage (0-100)"},
		{"bad token kind", func(o *railway.Options) { o.TokenKind = "robot" }, `railway: TokenKind: token kind "robot" is unknown (use account, workspace or project)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base()
			tt.change(&o)
			_, err := railway.NewCheck(o)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := railway.NewCheck(base()); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

// fakeAPI is an API of funcs, for what the HTTP fake cannot show.
type fakeAPI struct {
	metrics     func(railway.MetricsQuery) ([]railway.Series, error)
	deployments func(railway.DeploymentsQuery) ([]railway.Deployment, error)
}

func (f fakeAPI) Metrics(_ context.Context, q railway.MetricsQuery) ([]railway.Series, error) {
	return f.metrics(q)
}

func (f fakeAPI) Deployments(_ context.Context, q railway.DeploymentsQuery) ([]railway.Deployment, error) {
	return f.deployments(q)
}

func TestCheckDefaultsAndClient(t *testing.T) {
	var got railway.MetricsQuery
	api := fakeAPI{
		metrics: func(q railway.MetricsQuery) ([]railway.Series, error) {
			got = q
			return []railway.Series{
				{Measurement: railway.CPUUsage, Samples: []railway.Sample{{At: now, Value: 7.3}}},
				{Measurement: railway.CPULimit, Samples: []railway.Sample{{At: now, Value: 8}}},
				{Measurement: railway.MemoryUsageGB, Samples: []railway.Sample{{At: now, Value: 0.25}}},
				{Measurement: railway.MemoryLimitGB, Samples: []railway.Sample{{At: now, Value: 8}}},
			}, nil
		},
		deployments: func(railway.DeploymentsQuery) ([]railway.Deployment, error) {
			return []railway.Deployment{{ID: "d", Status: railway.StatusSuccess}}, nil
		},
	}
	c, err := railway.NewCheck(railway.Options{Client: api, ServiceID: serviceID, EnvironmentID: envID, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	r := c.Check(t.Context())
	if r.Status != checks.StatusCrit || r.Message != "CPU 91% (above 90%), memory 3% (0.25 of 8 GB), deployment SUCCESS" {
		t.Errorf("got %s %q", r.Status, r.Message)
	}
	if !got.Start.Equal(now.Add(-railway.DefaultWindow)) || got.SampleRate != railway.DefaultSampleRate {
		t.Errorf("query %+v, want the default window and sample rate", got)
	}
}
