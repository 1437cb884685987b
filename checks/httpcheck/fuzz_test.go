package httpcheck

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// FuzzParseCondition checks that any input parses or fails cleanly, that
// a parsed condition prints to text that parses back to the same
// condition, and that evaluating it never panics.
func FuzzParseCondition(f *testing.F) {
	for _, seed := range []string{
		"status == healthy",
		"components.database.mongodb.status == connected",
		"metrics.error_rate_percent < 10",
		"metrics.average_response_time_ms <= 5e3",
		"healthy == true",
		`message != "All systems operational"`,
		"items.0.status == up",
		"a === b",
		"x < =3",
		"status = healthy",
		"",
	} {
		f.Add(seed)
	}
	var doc any
	dec := json.NewDecoder(strings.NewReader(`{"status":"healthy","items":[{"status":"up"}],"n":1.5,"t":true,"z":null}`))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseCondition(in)
		if err != nil {
			if !same(c, Condition{}) {
				t.Errorf("error %v with a non-zero Condition", err)
			}
			return
		}
		again, err := ParseCondition(c.String())
		if err != nil {
			t.Fatalf("String() %q of %q does not parse: %v", c.String(), in, err)
		}
		if !same(again, c) || strings.Join(c.keys, ".") != c.path {
			t.Fatalf("%q -> %q -> %#v, want %#v", in, c.String(), again, c)
		}
		v := c.Eval(doc)
		if !v.OK && v.Reason == "" {
			t.Errorf("%q failed without a reason", in)
		}
		if strings.ContainsAny(v.Reason, "\r\n") {
			t.Errorf("reason spans lines: %q", v.Reason)
		}
	})
}

// same reports whether two Conditions are equal field by field.
func same(a, b Condition) bool {
	return a.path == b.path && slices.Equal(a.keys, b.keys) && a.op == b.op && a.operand == b.operand &&
		a.quoted == b.quoted && a.isNum == b.isNum && (a.num == b.num)
}
