package httpcheck

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Op is a comparison operator of a Condition.
type Op string

// The operators ParseCondition understands.
const (
	OpEq Op = "=="
	OpNe Op = "!="
	OpLt Op = "<"
	OpLe Op = "<="
	OpGt Op = ">"
	OpGe Op = ">="
)

// ordered reports whether op compares magnitudes, so it needs numbers.
func (op Op) ordered() bool { return op != OpEq && op != OpNe }

// ErrSyntax is wrapped by every error ParseCondition returns.
var ErrSyntax = errors.New("bad condition")

// Condition is a parsed comparison of a JSON path with a constant, such as
// "metrics.error_rate_percent < 10". Build one with ParseCondition; the zero
// value is not a valid Condition.
type Condition struct {
	path    string
	keys    []string
	op      Op
	operand string
	// quoted is set when the operand was written in double quotes, which
	// makes it text even when it looks like a number.
	quoted bool
	// num is the operand as a number, valid when isNum.
	num   float64
	isNum bool
}

// ParseCondition parses "path operator value". The path is dot-separated
// object keys, or list indexes such as "items.0.status"; the operators are
// == != < <= > >=; the value is the rest of the line, or a Go-style double
// quoted string ("All systems operational"). The ordering operators need a
// numeric value. Examples: "status == healthy", "healthy == true",
// "metrics.average_response_time_ms < 5000".
func ParseCondition(s string) (Condition, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Condition{}, syntaxError(s, "empty (write path op value, e.g. status == healthy)")
	}
	if !utf8.ValidString(in) {
		return Condition{}, syntaxError(s, "not valid UTF-8")
	}
	end := strings.IndexAny(in, "=!<> \t")
	if end < 0 {
		return Condition{}, syntaxError(s, "no operator (use == != < <= > >=)")
	}
	c := Condition{path: in[:end]}
	if c.path == "" {
		return Condition{}, syntaxError(s, "no path before the operator")
	}
	keys, err := splitPath(c.path)
	if err != nil {
		return Condition{}, syntaxError(s, err.Error())
	}
	c.keys = keys

	rest := strings.TrimLeft(in[end:], " \t")
	op, n, err := readOp(rest)
	if err != nil {
		return Condition{}, syntaxError(s, err.Error())
	}
	c.op = op
	if err := c.setOperand(strings.TrimSpace(rest[n:])); err != nil {
		return Condition{}, syntaxError(s, err.Error())
	}
	return c, nil
}

// syntaxError wraps ErrSyntax with the input and the problem.
func syntaxError(in, problem string) error {
	return fmt.Errorf("%w %q: %s", ErrSyntax, clip(in, 80), problem)
}

// splitPath splits a dotted path into keys, rejecting empty keys, spaces
// and control characters.
func splitPath(path string) ([]string, error) {
	keys := strings.Split(path, ".")
	for i, k := range keys {
		if k == "" {
			return nil, fmt.Errorf("empty key at position %d of path %q", i+1, path)
		}
		for _, r := range k {
			if unicode.IsSpace(r) || unicode.IsControl(r) || r == '"' {
				return nil, fmt.Errorf("path %q holds %q", path, r)
			}
		}
	}
	return keys, nil
}

// readOp reads the operator at the start of s and returns its length.
func readOp(s string) (Op, int, error) {
	for _, op := range []Op{OpEq, OpNe, OpLe, OpGe, OpLt, OpGt} {
		if strings.HasPrefix(s, string(op)) {
			return op, len(op), nil
		}
	}
	switch {
	case s == "":
		return "", 0, errors.New("no operator after the path (use == != < <= > >=)")
	case s[0] == '=':
		return "", 0, errors.New("use == to compare, not =")
	case s[0] == '!':
		return "", 0, errors.New("use != to compare, not !")
	default:
		return "", 0, fmt.Errorf("expected an operator (== != < <= > >=) after the path, got %q", clip(s, 20))
	}
}

// setOperand parses the value after the operator.
func (c *Condition) setOperand(v string) error {
	if v == "" {
		return fmt.Errorf("no value after %s", c.op)
	}
	if v[0] == '"' {
		u, err := strconv.Unquote(v)
		if err != nil {
			return errors.New(`the value starts with " but is not one quoted string`)
		}
		c.operand, c.quoted = u, true
	} else {
		c.operand = v
		c.num, c.isNum = parseNumber(v)
	}
	if c.op.ordered() && !c.isNum {
		return fmt.Errorf("%s needs a number, got %q", c.op, clip(c.operand, 40))
	}
	return nil
}

// parseNumber parses a finite decimal number.
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// Path returns the condition's JSON path, e.g. "metrics.error_rate_percent".
func (c Condition) Path() string { return c.path }

// Op returns the condition's operator.
func (c Condition) Op() Op { return c.op }

// Operand returns the value compared with, unquoted.
func (c Condition) Operand() string { return c.operand }

// String returns the condition in the syntax ParseCondition reads.
func (c Condition) String() string {
	v := c.operand
	if c.quoted {
		v = strconv.Quote(v)
	}
	return c.path + " " + string(c.op) + " " + v
}

// want describes what the condition accepts: "healthy", "not degraded", "< 10".
func (c Condition) want() string {
	switch c.op {
	case OpEq:
		return c.operandText()
	case OpNe:
		return "not " + c.operandText()
	default:
		return string(c.op) + " " + c.operand
	}
}

// operandText is the operand for a message, quoted only when empty.
func (c Condition) operandText() string {
	if c.operand == "" {
		return `""`
	}
	return clip(oneLine(c.operand), 60)
}
