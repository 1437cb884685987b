package httpcheck

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseConditionGood(t *testing.T) {
	tests := []struct {
		in, path string
		op       Op
		operand  string
		str      string
	}{
		{"status == healthy", "status", OpEq, "healthy", "status == healthy"},
		{"  status==healthy  ", "status", OpEq, "healthy", "status == healthy"},
		{"components.database.mongodb.status == connected", "components.database.mongodb.status", OpEq, "connected", "components.database.mongodb.status == connected"},
		{"metrics.error_rate_percent < 10", "metrics.error_rate_percent", OpLt, "10", "metrics.error_rate_percent < 10"},
		{"metrics.average_response_time_ms<=5000", "metrics.average_response_time_ms", OpLe, "5000", "metrics.average_response_time_ms <= 5000"},
		{"uptime > 1e3", "uptime", OpGt, "1e3", "uptime > 1e3"},
		{"x >= -0.5", "x", OpGe, "-0.5", "x >= -0.5"},
		{"healthy == true", "healthy", OpEq, "true", "healthy == true"},
		{"degraded != true", "degraded", OpNe, "true", "degraded != true"},
		{"message == All systems operational", "message", OpEq, "All systems operational", "message == All systems operational"},
		{`message == "All systems operational"`, "message", OpEq, "All systems operational", `message == "All systems operational"`},
		{`version == "10"`, "version", OpEq, "10", `version == "10"`},
		{`name == ""`, "name", OpEq, "", `name == ""`},
		{"items.0.status == up", "items.0.status", OpEq, "up", "items.0.status == up"},
		{"a-b_c$.d == =x", "a-b_c$.d", OpEq, "=x", "a-b_c$.d == =x"},
		{"\tstatus\t!=\tdown", "status", OpNe, "down", "status != down"},
		{"größe == 1", "größe", OpEq, "1", "größe == 1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := ParseCondition(tt.in)
			if err != nil {
				t.Fatalf("ParseCondition: %v", err)
			}
			if c.Path() != tt.path || c.Op() != tt.op || c.Operand() != tt.operand || c.String() != tt.str {
				t.Errorf("got %q %q %q String %q", c.Path(), c.Op(), c.Operand(), c.String())
			}
		})
	}
}

func TestParseConditionBad(t *testing.T) {
	tests := []struct{ in, problem string }{
		{"", "empty (write path op value, e.g. status == healthy)"},
		{"   ", "empty"},
		{"status", "no operator (use == != < <= > >=)"},
		{"status healthy", `expected an operator (== != < <= > >=) after the path, got "healthy"`},
		{"== healthy", "no path before the operator"},
		{"status = healthy", "use == to compare, not ="},
		{"status ! healthy", "use != to compare, not !"},
		{"status =< 3", "use == to compare, not ="},
		{"status ==", "no value after =="},
		{"status ==   ", "no value after =="},
		{"error_rate < high", `< needs a number, got "high"`},
		{`error_rate < "10"`, `< needs a number, got "10"`},
		{"x >= NaN", `>= needs a number, got "NaN"`},
		{"x > Inf", `> needs a number, got "Inf"`},
		{"metrics..rate < 3", `empty key at position 2 of path "metrics..rate"`},
		{".status == x", "empty key at position 1"},
		{"status. == x", "empty key at position 2"},
		{`st"atus == x`, `path "st\"atus" holds '"'`},
		{`status == "healthy`, "starts with \" but is not one quoted string"},
		{`status == "a" "b"`, "is not one quoted string"},
		{"status == \xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseCondition(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("%v does not wrap ErrSyntax", err)
			}
			if !strings.Contains(err.Error(), tt.problem) {
				t.Errorf("error %q does not say %q", err, tt.problem)
			}
		})
	}
}

func TestConditionEval(t *testing.T) {
	const doc = `{"s":"degraded","t":true,"n":12.5,"i":3,"big":12345678901234567890,"z":null,
		"ns":"42","e":"","list":[{"status":"up"},{"status":"down"}],"obj":{"k":1},"multi":"two\nlines"}`
	tests := []struct {
		cond   string
		ok     bool
		reason string
	}{
		{"s == degraded", true, ""},
		{"s != healthy", true, ""},
		{"s == healthy", false, "s is degraded (want healthy)"},
		{"s != degraded", false, "s is degraded (want not degraded)"},
		{"t == true", true, ""},
		{"t == false", false, "t is true (want false)"},
		{"n < 13", true, ""},
		{"n <= 12.5", true, ""},
		{"n >= 12.50", true, ""},
		{"n == 12.50", true, ""}, // numeric equality
		{`n == "12.50"`, false, "n is 12.5 (want 12.50)"},
		{"n > 12.5", false, "n is 12.5 (want > 12.5)"},
		{"i == 3.0", true, ""},
		{"big > 1e19", true, ""},
		{"z == null", true, ""},
		{"z < 1", false, "z is null, not a number (want < 1)"},
		{"ns > 41", true, ""},
		{"ns == 42.0", false, "ns is 42 (want 42.0)"}, // strings compare as text
		{"e == x", false, `e is "" (want x)`},
		{`e == ""`, true, ""},
		{"list.1.status == down", true, ""},
		{"list.2.status == down", false, "list.2.status missing"},
		{"list.-1.status == down", false, "list.-1.status missing"},
		{"list.x == down", false, "list.x missing"},
		{"obj == x", false, "obj is an object (want x)"},
		{"obj != x", true, ""},
		{"list < 3", false, "list is a list, not a number (want < 3)"},
		{"s.deeper == x", false, "s.deeper missing"},
		{"missing == x", false, "missing missing"},
		{"multi == x", false, "multi is two lines (want x)"},
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			c, err := ParseCondition(tt.cond)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Eval(v)
			if got.OK != tt.ok || got.Reason != tt.reason {
				t.Errorf("Eval = %v %q, want %v %q", got.OK, got.Reason, tt.ok, tt.reason)
			}
		})
	}
}

func TestConditionEvalPlainDecoding(t *testing.T) {
	var v any
	if err := json.Unmarshal([]byte(`{"m":{"rate":0.3}}`), &v); err != nil {
		t.Fatal(err)
	}
	c, err := ParseCondition("m.rate < 10")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Eval(v)
	if !got.OK || !got.Found || !got.IsNumber || got.Number != 0.3 {
		t.Errorf("Eval = %+v", got)
	}
}

func TestConditionMatchGoValues(t *testing.T) {
	c, err := ParseCondition("x >= 5")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{5, int64(6), 7.5, json.Number("5")} {
		if got := c.Match(v); !got.OK || !got.IsNumber {
			t.Errorf("Match(%#v) = %+v", v, got)
		}
	}
	if got := c.Match(struct{}{}); got.OK || got.Reason != "x is an unknown value, not a number (want >= 5)" {
		t.Errorf("Match(struct{}{}) = %+v", got)
	}
}
