package httpcheck

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/opsbot/opsbot/checks"
)

// healthJSONConditions are the primary's /health/json conditions, as
// config.PrimaryChecks sets them.
var healthJSONConditions = []JSONCondition{
	{Expr: "status != unhealthy", Severity: checks.StatusCrit},
	{Expr: "components.database.mongodb.status == connected", Severity: checks.StatusCrit},
	{Expr: "status == healthy", Severity: checks.StatusWarn},
	{Expr: "metrics.error_rate_percent < 10", Severity: checks.StatusWarn},
	{Expr: "metrics.average_response_time_ms < 5000", Severity: checks.StatusWarn},
	{Expr: "items.0.status == up", Severity: checks.StatusWarn},
}

// FuzzHealthJSON judges arbitrary bodies as a /health/json answer with the
// primary's conditions plus one fuzzed condition. It must never panic; a
// body that does not decode is one critical "body is not JSON" finding;
// otherwise there is at most one finding per condition, each a single
// line of valid UTF-8 of bounded length with a warn or crit status, the
// metrics are finite and named after conditions, and judging is
// deterministic.
func FuzzHealthJSON(f *testing.F) {
	for _, seed := range []struct{ body, cond string }{
		{`{"status":"healthy","components":{"database":{"mongodb":{"status":"connected"}}},"metrics":{"error_rate_percent":0.5,"average_response_time_ms":120}}`, "metrics.uptime_seconds > 0"},
		{`{"status":"degraded","components":{"database":{"mongodb":{"status":"disconnected"}}},"metrics":{"error_rate_percent":"12","average_response_time_ms":9000}}`, "status == degraded"},
		{`{"status":"unhealthy","metrics":{"error_rate_percent":1e400,"average_response_time_ms":-0}}`, `message != "All systems operational"`},
		{`{"status":null,"components":[],"metrics":{"error_rate_percent":true}}`, "healthy == true"},
		{`{"items":[{"status":"up"},{"status":"down"}],"status":"healthy"}`, "items.1.status == up"},
		{`{"status":"healthy"} {"status":"unhealthy"}`, "status == healthy"},
		{`[1,2,3]`, "0 == 1"},
		{`"healthy"`, "status == healthy"},
		{`{"status":"he\u0000al\nthy\u2028"}`, "status == healthy"},
		{`<html><body>502 Bad Gateway</body></html>`, "status == healthy"},
		{``, ""},
		{`{"a":{"b":{"c":{"d":{"e":[[[[[[[[[[1]]]]]]]]]]}}}}}`, "a.b.c.d.e.0.0 == 1"},
		{`{"metrics":{"error_rate_percent":123456789012345678901234567890}}`, "metrics.error_rate_percent >= 1e30"},
	} {
		f.Add([]byte(seed.body), seed.cond)
	}
	f.Fuzz(func(t *testing.T, body []byte, cond string) {
		conds := healthJSONConditions
		if _, err := ParseCondition(cond); err == nil {
			conds = append(conds[:len(conds):len(conds)], JSONCondition{Expr: cond, Severity: checks.StatusWarn})
		}
		c, err := newChecker(Options{URL: "http://primary.invalid/health/json", Conditions: conds})
		if err != nil {
			t.Fatalf("newChecker with %q: %v", cond, err)
		}
		metrics := map[string]float64{}
		found := c.judgeJSON(body, "application/json", true, metrics)
		if _, err := decodeJSON(body); err != nil {
			if len(found) != 1 || found[0].status != checks.StatusCrit || !strings.HasPrefix(found[0].text, "body is not JSON") {
				t.Fatalf("undecodable body judged %+v", found)
			}
			if len(metrics) != 0 {
				t.Errorf("undecodable body gave metrics %v", metrics)
			}
		} else if len(found) > len(conds) {
			t.Fatalf("%d findings for %d conditions", len(found), len(conds))
		}
		paths := map[string]bool{}
		for _, jc := range conds {
			pc, _ := ParseCondition(jc.Expr)
			paths[pc.Path()] = true
		}
		for _, fd := range found {
			if fd.status != checks.StatusWarn && fd.status != checks.StatusCrit {
				t.Errorf("finding %q has status %v", fd.text, fd.status)
			}
			if fd.text == "" || !utf8.ValidString(fd.text) || strings.ContainsAny(fd.text, "\r\n\u2028\u2029") {
				t.Errorf("finding text %q is empty, not UTF-8 or spans lines", fd.text)
			}
			// A path (at most what a condition allows) and a clipped value.
			if n := utf8.RuneCountInString(fd.text); n > 2*len(cond)+400 {
				t.Errorf("finding text is %d runes: %q", n, fd.text)
			}
		}
		for name, v := range metrics {
			if !paths[name] || reservedMetric(name) {
				t.Errorf("metric %q is not a condition's path", name)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("metric %q = %v", name, v)
			}
		}
		again := map[string]float64{}
		if found2 := c.judgeJSON(body, "application/json", true, again); !reflect.DeepEqual(found, found2) || !reflect.DeepEqual(metrics, again) {
			t.Errorf("judging twice differs: %+v %v vs %+v %v", found, metrics, found2, again)
		}
		// With a wrong status code the code speaks: a body that is not
		// JSON adds nothing.
		if _, err := decodeJSON(body); err != nil {
			if extra := c.judgeJSON(body, "text/html", false, map[string]float64{}); len(extra) != 0 {
				t.Errorf("wrong code and undecodable body judged %+v", extra)
			}
		}
	})
}
