package httpcheck

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Verdict is the outcome of one Condition against one JSON document.
type Verdict struct {
	// OK reports whether the condition holds.
	OK bool
	// Found reports whether the path exists in the document.
	Found bool
	// Number is the value at the path when IsNumber, that is when the
	// value is a JSON number.
	Number   float64
	IsNumber bool
	// Reason says why the condition failed, for a Result message:
	// "status is degraded (want healthy)",
	// "components.database.mongodb.status missing". Empty when OK.
	Reason string
}

// Eval checks c against doc, a JSON document decoded by encoding/json into
// an any (with or without Decoder.UseNumber). A path that is not in doc
// fails with the reason "<path> missing".
func (c Condition) Eval(doc any) Verdict {
	v, ok := lookup(doc, c.keys)
	if !ok {
		return Verdict{Reason: c.path + " missing"}
	}
	return c.Match(v)
}

// Match checks c against v, the value found at c's path: a string, a
// bool, nil, a number (json.Number, float64, int or int64), or a decoded
// JSON object or list. Numbers compare numerically, everything else as
// text ("true", "null"); the ordering operators also accept a string that
// holds a number.
func (c Condition) Match(v any) Verdict {
	val := describe(v)
	verdict := Verdict{Found: true, Number: val.num, IsNumber: val.isNum && val.jsonNumber}
	switch {
	case c.op.ordered() && !val.isNum:
		verdict.Reason = c.path + " is " + val.text + ", not a number (want " + c.want() + ")"
		return verdict
	case c.op.ordered():
		verdict.OK = compare(c.op, val.num, c.num)
	default:
		var equal bool
		if val.jsonNumber && val.isNum && c.isNum && !c.quoted {
			equal = val.num == c.num
		} else {
			equal = val.scalar && val.raw == c.operand
		}
		verdict.OK = equal == (c.op == OpEq)
	}
	if !verdict.OK {
		verdict.Reason = c.path + " is " + val.text + " (want " + c.want() + ")"
	}
	return verdict
}

// compare applies an ordering operator.
func compare(op Op, a, b float64) bool {
	switch op {
	case OpLt:
		return a < b
	case OpLe:
		return a <= b
	case OpGt:
		return a > b
	default:
		return a >= b
	}
}

// value is a JSON value as the comparisons and messages see it.
type value struct {
	// raw is the value as text for equality ("degraded", "true", "12.5").
	raw string
	// text is the value for a message: one line, clipped.
	text string
	// scalar is false for objects and lists, which equal no operand.
	scalar bool
	// num is the value as a number, valid when isNum; jsonNumber tells a
	// JSON number from a string that holds one.
	num        float64
	isNum      bool
	jsonNumber bool
}

// describe classifies a decoded JSON value.
func describe(v any) value {
	switch t := v.(type) {
	case json.Number:
		return number(string(t))
	case float64:
		return number(strconv.FormatFloat(t, 'g', -1, 64))
	case int:
		return number(strconv.Itoa(t))
	case int64:
		return number(strconv.FormatInt(t, 10))
	case string:
		f, ok := parseNumber(strings.TrimSpace(t))
		text := `""`
		if t != "" {
			text = clip(oneLine(t), 60)
		}
		return value{raw: t, text: text, scalar: true, num: f, isNum: ok}
	case bool:
		s := strconv.FormatBool(t)
		return value{raw: s, text: s, scalar: true}
	case nil:
		return value{raw: "null", text: "null", scalar: true}
	case map[string]any:
		return value{text: "an object"}
	case []any:
		return value{text: "a list"}
	default:
		return value{text: "an unknown value"}
	}
}

// number describes a JSON number given as text.
func number(s string) value {
	f, ok := parseNumber(s)
	return value{raw: s, text: clip(s, 40), scalar: true, num: f, isNum: ok, jsonNumber: true}
}

// lookup follows keys into a decoded JSON document. A key indexes a list
// when it is a decimal index within the list.
func lookup(doc any, keys []string) (any, bool) {
	cur := doc
	for _, k := range keys {
		switch n := cur.(type) {
		case map[string]any:
			next, ok := n[k]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(n) {
				return nil, false
			}
			cur = n[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
