package httpcheck

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/opsbot/opsbot/checks"
)

// The primary's endpoints, as reference/primary-service.md documents them.

func TestPrimaryPlainTextHealth(t *testing.T) {
	tests := []struct {
		name   string
		code   int
		body   string
		status checks.Status
		msg    string
	}{
		{"healthy", 200, "HEALTHY", checks.StatusOK, "HTTP 200 in 7 ms: HEALTHY"},
		{"healthy with newline", 200, "HEALTHY\n", checks.StatusOK, "HTTP 200 in 7 ms: HEALTHY"},
		{"degraded", 200, "DEGRADED - Core functionality operational", checks.StatusWarn, "DEGRADED - Core functionality operational"},
		{"unhealthy", 503, "UNHEALTHY - Critical functionality impaired", checks.StatusCrit,
			"HTTP 503 (want 200): UNHEALTHY - Critical functionality impaired"},
		{"unhealthy with 200", 200, "UNHEALTHY - Critical functionality impaired", checks.StatusCrit,
			"UNHEALTHY - Critical functionality impaired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := serve(t, text(tt.code, tt.body))
			r := run(t, Options{URL: ts.URL + "/health", BodyRules: DefaultBodyRules(), Now: newClock(7e6).Now})
			want(t, r, tt.status, tt.msg)
		})
	}
}

const primaryHealthJSON = `{
  "status": "healthy", "healthy": true, "degraded": false,
  "timestamp": "2024-01-20T10:30:00Z", "message": "All systems operational",
  "components": {
    "database": {
      "mongodb":  {"status": "connected", "latency_ms": 45, "last_check": "2024-01-20T10:30:00Z"},
      "supabase": {"status": "connected", "latency_ms": 23, "last_check": "2024-01-20T10:30:00Z"}
    },
    "ai_services":  {"huggingface_api": {"status": "available", "last_check": "..."}},
    "bot_services": {"telegram_api": {"status": "connected", "last_message": "..."},
                     "admin_system": {"status": "initialized", "admin_count": 3}}
  },
  "metrics": {"uptime_seconds": 1234567, "total_users": 1247, "active_users_24h": 342,
              "messages_processed_24h": 2341, "average_response_time_ms": 1200, "error_rate_percent": 0.3}
}`

// primaryConditions are the checklist's thresholds on /health/json.
func primaryConditions() []JSONCondition {
	return []JSONCondition{
		{Expr: "status == healthy"},
		{Expr: "healthy == true"},
		{Expr: "components.database.mongodb.status == connected"},
		{Expr: "metrics.error_rate_percent < 10", Severity: checks.StatusWarn},
		{Expr: "metrics.average_response_time_ms < 5000", Severity: checks.StatusWarn},
	}
}

// primaryWith returns the documented /health/json body with one value
// changed; a nil value deletes the key.
func primaryWith(t *testing.T, path string, v any) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(primaryHealthJSON), &doc); err != nil {
		t.Fatal(err)
	}
	keys := strings.Split(path, ".")
	m := doc
	for _, k := range keys[:len(keys)-1] {
		m = m[k].(map[string]any)
	}
	if v == nil {
		delete(m, keys[len(keys)-1])
	} else {
		m[keys[len(keys)-1]] = v
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPrimaryJSONHealthPasses(t *testing.T) {
	ts := serve(t, jsonBody(primaryHealthJSON))
	r := run(t, Options{URL: ts.URL + "/health/json", Conditions: primaryConditions(), Now: newClock(7e6).Now})
	want(t, r, checks.StatusOK, "HTTP 200 in 7 ms")
	for name, v := range map[string]float64{
		"metrics.error_rate_percent": 0.3, "metrics.average_response_time_ms": 1200, "status_code": 200, "response_ms": 7,
	} {
		if r.Metrics[name] != v {
			t.Errorf("Metrics[%q] = %v, want %v", name, r.Metrics[name], v)
		}
	}
	if len(r.Metrics) != 4 {
		t.Errorf("Metrics = %v, want only numbers named in conditions besides the standard ones", r.Metrics)
	}
}

func TestPrimaryJSONHealthFails(t *testing.T) {
	tests := []struct {
		path   string
		value  any
		status checks.Status
		msg    string
	}{
		{"status", "degraded", checks.StatusCrit, "status is degraded (want healthy)"},
		{"status", "unhealthy", checks.StatusCrit, "status is unhealthy (want healthy)"},
		{"healthy", false, checks.StatusCrit, "healthy is false (want true)"},
		{"healthy", "true", checks.StatusOK, "HTTP 200 in 0 ms"}, // text "true" equals true
		{"components.database.mongodb.status", "disconnected", checks.StatusCrit,
			"components.database.mongodb.status is disconnected (want connected)"},
		{"components.database.mongodb", nil, checks.StatusCrit, "components.database.mongodb.status missing"},
		{"components.database.mongodb.status", map[string]any{"ok": 1}, checks.StatusCrit,
			"components.database.mongodb.status is an object (want connected)"},
		{"metrics.error_rate_percent", 12.5, checks.StatusWarn, "metrics.error_rate_percent is 12.5 (want < 10)"},
		{"metrics.error_rate_percent", 10, checks.StatusWarn, "metrics.error_rate_percent is 10 (want < 10)"},
		{"metrics.error_rate_percent", "n/a", checks.StatusWarn, "metrics.error_rate_percent is n/a, not a number (want < 10)"},
		{"metrics.error_rate_percent", "9.5", checks.StatusOK, "HTTP 200 in 0 ms"}, // a number in a string still compares
		{"metrics.average_response_time_ms", 6000, checks.StatusWarn, "metrics.average_response_time_ms is 6000 (want < 5000)"},
		{"metrics", nil, checks.StatusWarn, "metrics.error_rate_percent missing; metrics.average_response_time_ms missing"},
	}
	for _, tt := range tests {
		t.Run(tt.path+"="+strings.ReplaceAll(jsonText(tt.value), "/", "-"), func(t *testing.T) {
			ts := serve(t, jsonBody(primaryWith(t, tt.path, tt.value)))
			r := run(t, Options{URL: ts.URL, Conditions: primaryConditions(), Now: newClock(0).Now})
			want(t, r, tt.status, tt.msg)
		})
	}
}

func TestPrimaryUnhealthyJSONWith503(t *testing.T) {
	body := primaryWith(t, "status", "unhealthy")
	ts := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(503)
		_, _ = w.Write([]byte(body))
	})
	r := run(t, Options{URL: ts.URL, Conditions: primaryConditions()})
	want(t, r, checks.StatusCrit, "HTTP 503 (want 200); status is unhealthy (want healthy)")
	if r.Metrics["metrics.error_rate_percent"] != 0.3 {
		t.Errorf("Metrics = %v", r.Metrics)
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestJSONMetricsDoNotOverwriteTheCheck(t *testing.T) {
	ts := serve(t, jsonBody(`{"status_code": 7, "response_ms": 9}`))
	r := run(t, Options{URL: ts.URL, Conditions: []JSONCondition{{Expr: "status_code > 0"}, {Expr: "response_ms > 0"}}, Now: newClock(0).Now})
	if r.Status != checks.StatusOK || r.Metrics["status_code"] != 200 || r.Metrics["response_ms"] != 0 {
		t.Errorf("got %s %q %v", r.Status, r.Message, r.Metrics)
	}
}
