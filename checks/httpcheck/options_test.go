package httpcheck

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
)

func TestNewRejectsBadOptions(t *testing.T) {
	const u = "https://primary.example/health"
	tests := []struct {
		name  string
		o     Options
		field string
		msg   string
	}{
		{"no URL", Options{}, "URL", "missing"},
		{"no scheme", Options{URL: "primary.example/health"}, "URL", "no scheme (start it with https:// or http://)"},
		{"ftp", Options{URL: "ftp://primary.example/"}, "URL", `scheme "ftp" is not supported (use http or https)`},
		{"no host", Options{URL: "http:///health"}, "URL", "no host"},
		{"bad port", Options{URL: "http://primary.example:http/?token=SECRET"}, "URL", `not a URL: invalid port ":http" after host`},
		{"method", Options{URL: u, Method: "GET /x"}, "Method", `"GET /X" is not an HTTP method`},
		{"header name", Options{URL: u, Headers: map[string]string{"Bad Header": "x"}}, "Headers", `"Bad Header" is not a header name`},
		{"header value", Options{URL: u, Headers: map[string]string{"X-Token": "SECRET\r\nX-Evil: 1"}}, "Headers[X-Token]", "the value holds a line break or NUL"},
		{"status", Options{URL: u, ExpectStatus: []int{200, 700}}, "ExpectStatus[1]", "700 is not an HTTP status (use 100-599)"},
		{"rule status", Options{URL: u, BodyRules: []BodyRule{{Prefix: "OK", Status: 7}}}, "BodyRules[0].Status", "7 is not ok, warn or crit"},
		{"rule prefix", Options{URL: u, BodyRules: []BodyRule{{Prefix: "OK\nMORE"}}}, "BodyRules[0].Prefix", "holds a line break"},
		{"condition", Options{URL: u, Conditions: []JSONCondition{{Expr: "status == ok"}, {Expr: "status = ok"}}},
			"Conditions[1].Expr", `bad condition "status = ok": use == to compare, not =`},
		{"severity", Options{URL: u, Conditions: []JSONCondition{{Expr: "a == b", Severity: 9}}}, "Conditions[0].Severity", "9 is not warn or crit"},
		{"max response", Options{URL: u, MaxResponseTime: -time.Second}, "MaxResponseTime", "-1s is negative"},
		{"tls warn", Options{URL: u, TLSWarnDays: -1}, "TLSWarnDays", "-1 is negative"},
		{"tls crit", Options{URL: u, TLSCritDays: -1}, "TLSCritDays", "-1 is negative"},
		{"tls order", Options{URL: u, TLSWarnDays: 7, TLSCritDays: 14}, "TLSCritDays", "14 is more than TLSWarnDays (7)"},
		{"body size", Options{URL: u, MaxBodyBytes: -1}, "MaxBodyBytes", "-1 is negative"},
		{"timeout", Options{URL: u, Timeout: -time.Second}, "Timeout", "-1s is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.o)
			if err == nil || c != nil {
				t.Fatalf("New = %v, %v; want an error", c, err)
			}
			var oe *OptionError
			if !errors.As(err, &oe) || oe.Field != tt.field || !strings.Contains(oe.Err.Error(), tt.msg) {
				t.Errorf("error %q, want field %s saying %q", err, tt.field, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "httpcheck: "+tt.field+": ") {
				t.Errorf("error %q does not start with the field", err)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error leaks a secret: %q", err)
			}
		})
	}
}

func TestConditionErrorUnwraps(t *testing.T) {
	_, err := New(Options{URL: "http://x.test/", Conditions: []JSONCondition{{Expr: "a <"}}})
	if !errors.Is(err, ErrSyntax) {
		t.Errorf("%v does not wrap ErrSyntax", err)
	}
}

func TestDefaults(t *testing.T) {
	c := mustNew(t, Options{URL: "http://x.test/", Conditions: []JSONCondition{{Expr: "a == b"}, {Expr: "c == d", Severity: checks.StatusWarn}}})
	if c.req.Method != "GET" || c.maxBody != 1<<20 || c.timeout != 10*time.Second || len(c.expect) != 1 || c.expect[0] != 200 {
		t.Errorf("defaults: method %s maxBody %d timeout %s expect %v", c.req.Method, c.maxBody, c.timeout, c.expect)
	}
	if c.conds[0].severity != checks.StatusCrit || c.conds[1].severity != checks.StatusWarn {
		t.Errorf("severities %v %v", c.conds[0].severity, c.conds[1].severity)
	}
	if c.client.Transport == nil || c.client.CheckRedirect == nil {
		t.Error("client without transport or redirect policy")
	}
}

func TestOptionsAreCopied(t *testing.T) {
	o := Options{URL: "http://x.test/", ExpectStatus: []int{200}, BodyRules: DefaultBodyRules()}
	c := mustNew(t, o)
	o.ExpectStatus[0] = 500
	o.BodyRules[0].Prefix = "X"
	if c.expect[0] != 200 || c.rules[0].Prefix != "HEALTHY" {
		t.Error("the Checker shares the caller's slices")
	}
}
