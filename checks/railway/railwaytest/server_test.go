package railwaytest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/railway/railwaytest"
)

const metricsDoc = `query Metrics($serviceId: String, $environmentId: String, $startDate: DateTime!, $measurements: [MetricMeasurement!]!) {
  metrics(serviceId: $serviceId, environmentId: $environmentId, startDate: $startDate, measurements: $measurements) {
    measurement
    values { ts value }
  }
}`

// post sends a raw GraphQL request and returns the status and decoded body.
func post(t *testing.T, srv *railwaytest.Server, header http.Header, body any) (int, map[string]any) {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL(), bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if header == nil {
		req.Header.Set("Authorization", "Bearer "+srv.Token())
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("answer %q is not JSON", data)
	}
	return resp.StatusCode, out
}

func firstError(body map[string]any) string {
	errs, _ := body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	msg, _ := errs[0].(map[string]any)["message"].(string)
	return msg
}

func TestRejectsInvalidRequests(t *testing.T) {
	validVars := func() map[string]any {
		return map[string]any{"serviceId": "s", "environmentId": "e", "startDate": "2026-03-01T11:50:00Z", "measurements": []string{"CPU_USAGE"}}
	}
	tests := []struct {
		name  string
		query string
		vars  func(v map[string]any)
		want  string // a fragment of the rejection
	}{
		{"unknown root field", `query { metricz(startDate: "2026-03-01T11:50:00Z", measurements: [CPU_USAGE]) { measurement } }`, nil, `Cannot query field "metricz" on type "Query"`},
		{"unknown subfield", strings.Replace(metricsDoc, "measurement\n", "measurement\n    unit\n", 1), nil, `Cannot query field "unit" on type "MetricsResult"`},
		{"object without selection", strings.Replace(metricsDoc, "values { ts value }", "values", 1), nil, `must have a selection of subfields`},
		{"missing required variable", metricsDoc, func(v map[string]any) { delete(v, "startDate") }, `Variable "$startDate" of required type "DateTime!" was not provided`},
		{"DateTime not RFC 3339", metricsDoc, func(v map[string]any) { v["startDate"] = "10 minutes ago" }, `is not a valid DateTime`},
		{"unknown enum value", metricsDoc, func(v map[string]any) { v["measurements"] = []string{"CPU_PERCENT"} }, `CPU_PERCENT is not a value of enum MetricMeasurement`},
		{"string where a list belongs", metricsDoc, func(v map[string]any) { v["measurements"] = "CPU_USAGE" }, `expected a list`},
		{"undefined variable given", metricsDoc, func(v map[string]any) { v["endDate"] = "2026-03-01T12:00:00Z" }, `Variable "$endDate" is given a value but not defined`},
		{"wrong declared type", strings.Replace(metricsDoc, "$serviceId: String,", "$serviceId: ID,", 1), nil, `Variable "$serviceId" of type "ID" used in position expecting type "String"`},
		{"nullable variable for a required argument", strings.Replace(metricsDoc, "$startDate: DateTime!", "$startDate: DateTime", 1), nil, `used in position expecting type "DateTime!"`},
		{"unknown argument", strings.Replace(metricsDoc, "startDate: $startDate,", "startDate: $startDate, window: 5,", 1), nil, `Unknown argument "window" on field "metrics"`},
		{"unused variable", strings.Replace(metricsDoc, "$measurements: [MetricMeasurement!]!)", "$measurements: [MetricMeasurement!]!, $first: Int)", 1), nil, `Variable "$first" is never used`},
		{"syntax error", "query { metrics(", nil, "Syntax Error"},
		{"mutation field in a query", `query { deploymentRestart(id: "d") }`, nil, `Cannot query field "deploymentRestart" on type "Query"`},
		{"two root fields", `{ a: deploymentRestart(id: "d") b: deploymentRestart(id: "e") }`, nil, `exactly one root field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := railwaytest.New(t, railwaytest.Lenient())
			vars := validVars()
			if tt.vars != nil {
				tt.vars(vars)
			}
			if !strings.Contains(tt.query, "$") {
				vars = nil
			}
			status, body := post(t, srv, nil, map[string]any{"query": tt.query, "variables": vars})
			if status != http.StatusBadRequest || !strings.Contains(firstError(body), tt.want) {
				t.Errorf("answer %d %q, want 400 containing %q", status, firstError(body), tt.want)
			}
			calls := srv.Calls()
			if len(calls) != 1 || calls[0].Rejected == "" {
				t.Errorf("calls %+v, want one rejected", calls)
			}
		})
	}
}

func TestAnswersSelectedFieldsOnly(t *testing.T) {
	srv := railwaytest.New(t)
	at := time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)
	srv.SetDeployments("s", "e",
		railwaytest.Deployment{ID: "d-2", Status: "SUCCESS", CreatedAt: at},
		railwaytest.Deployment{ID: "d-1", Status: "REMOVED", CreatedAt: at.Add(-time.Hour)},
	)
	// Literal arguments, an alias, and a status filter.
	q := `{ list: deployments(input: {serviceId: "s", environmentId: "e", status: {notIn: [REMOVED]}}, first: 5) { edges { node { id } } } }`
	status, body := post(t, srv, nil, map[string]any{"query": q})
	if status != http.StatusOK {
		t.Fatalf("status %d: %v", status, body)
	}
	want := `{"data":{"list":{"edges":[{"node":{"id":"d-2"}}]}}}`
	if got, _ := json.Marshal(body); string(got) != want {
		t.Errorf("answer %s, want %s", got, want)
	}
}

func TestMetricsWindow(t *testing.T) {
	srv := railwaytest.New(t)
	end := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv.SetMetrics("s", "e",
		railwaytest.Flat(railwaytest.CPUUsage, 0.5, end, time.Minute, 20),
		railwaytest.Flat(railwaytest.MemoryUsageGB, 1, end, time.Minute, 20),
	)
	vars := map[string]any{"serviceId": "s", "environmentId": "e", "startDate": "2026-03-01T11:50:00Z", "measurements": []string{"CPU_USAGE"}}
	status, body := post(t, srv, nil, map[string]any{"query": metricsDoc, "variables": vars})
	if status != http.StatusOK {
		t.Fatalf("status %d: %v", status, body)
	}
	series := body["data"].(map[string]any)["metrics"].([]any)
	if len(series) != 1 {
		t.Fatalf("%d series, want only CPU_USAGE", len(series))
	}
	values := series[0].(map[string]any)["values"].([]any)
	if len(values) != 11 {
		t.Errorf("%d points, want the 11 from 11:50 to 12:00", len(values))
	}
	if ts := values[0].(map[string]any)["ts"].(float64); int64(ts) != end.Add(-10*time.Minute).Unix() {
		t.Errorf("first ts %v, want Unix seconds of 11:50", ts)
	}
}

func TestAuthentication(t *testing.T) {
	srv := railwaytest.New(t, railwaytest.WithProjectToken("p-token"))
	q := map[string]any{"query": `mutation R($id: String!) { deploymentRestart(id: $id) }`, "variables": map[string]any{"id": "d"}}
	tests := []struct {
		name   string
		header http.Header
		want   string
	}{
		{"project header", http.Header{"Project-Access-Token": {"p-token"}}, "Deployment not found"},
		{"as bearer", http.Header{"Authorization": {"Bearer p-token"}}, "Not Authorized"},
		{"wrong token", http.Header{"Project-Access-Token": {"other"}}, "Not Authorized"},
		{"none", http.Header{}, "Not Authorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, srv, tt.header, q)
			if status != http.StatusOK || firstError(body) != tt.want || body["data"] != nil {
				t.Errorf("answer %d %v, want 200 with data null and error %q", status, body, tt.want)
			}
		})
	}
	if got := srv.Restarts(); len(got) != 0 {
		t.Errorf("restarts %v, want none", got)
	}
}

func TestFaults(t *testing.T) {
	srv := railwaytest.New(t)
	srv.Fail(railwaytest.OpMetrics, 2, railwaytest.Fault{Status: 429, RetryAfter: 7 * time.Second})
	vars := map[string]any{"serviceId": "s", "startDate": "2026-03-01T11:50:00Z", "measurements": []string{"CPU_USAGE"}}
	for i, want := range []int{429, 429, 200} {
		status, _ := post(t, srv, nil, map[string]any{"query": metricsDoc, "variables": vars})
		if status != want {
			t.Errorf("request %d: status %d, want %d", i, status, want)
		}
	}
}
