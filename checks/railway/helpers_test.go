package railway_test

import (
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/railway"
	"github.com/opsbot/opsbot/checks/railway/railwaytest"
)

const (
	serviceID = "svc-4bd252dc"
	envID     = "env-9fb4baf0"
	projectID = "prj-8df3b1d6"
)

// now is the fixed time of the tests' clock.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// newClient returns a Client for srv with an account token.
func newClient(t *testing.T, srv *railwaytest.Server) *railway.Client {
	t.Helper()
	c, err := railway.NewClient(railway.ClientOptions{URL: srv.URL(), Token: srv.Token()})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// usageSeries returns ten minutes of flat per-minute samples ending at now.
func usageSeries(cpu, cpuLimit, mem, memLimit float64) []railwaytest.Series {
	var out []railwaytest.Series
	add := func(m string, v float64) {
		if v >= 0 {
			out = append(out, railwaytest.Flat(m, v, now, time.Minute, 10))
		}
	}
	add(railwaytest.CPUUsage, cpu)
	add(railwaytest.CPULimit, cpuLimit)
	add(railwaytest.MemoryUsageGB, mem)
	add(railwaytest.MemoryLimitGB, memLimit)
	return out
}

// deployment returns a deployment created ago before now.
func deployment(id, status string, ago time.Duration) railwaytest.Deployment {
	return railwaytest.Deployment{ID: id, Status: status, CreatedAt: now.Add(-ago)}
}
