package logcheck

import (
	"bytes"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
)

// Class is one pattern class: lines matching Pattern are counted under Name.
// Pattern is a Go regular expression, matched case-insensitively unless
// CaseSensitive is set, against the line without its leading timestamp.
type Class struct {
	Name          string
	Pattern       string
	CaseSensitive bool
}

// Class names that carry a meaning beyond their count: errors is the
// Checker's main value; requests and request_errors give the error rate.
const (
	ClassErrors        = "errors"
	ClassRequests      = "requests"
	ClassRequestErrors = "request_errors"
)

// DefaultClasses returns the checklist's grep patterns as classes. Like the
// checklist, `Request:`, `Error:` and `File processing` are case-sensitive
// (grep without -i) and the rest are not. rate_limit matches 429 only as a
// whole number, so a user id such as 14290 is not a rate-limit line, and
// also HTTP 429's reason phrase.
func DefaultClasses() []Class {
	return []Class{
		{Name: ClassErrors, Pattern: `error`},
		{Name: "database", Pattern: `mongodb|database|connection`},
		{Name: "rate_limit", Pattern: `rate limit|\b429\b|too many requests`},
		{Name: "security", Pattern: `security|violation|blocked`},
		{Name: "uploads", Pattern: `malicious|dangerous|blocked`},
		{Name: "admin", Pattern: `admin|owner`},
		{Name: ClassRequests, Pattern: `Request:`, CaseSensitive: true},
		{Name: ClassRequestErrors, Pattern: `Error:`, CaseSensitive: true},
		{Name: "file_processing", Pattern: `File processing`, CaseSensitive: true},
		{Name: "memory", Pattern: `memory|cleanup`},
	}
}

// matcher is a compiled Class. Most patterns are alternations of plain
// words; for them bytes.Contains, on a lower-cased copy of the line when
// case-insensitive, is several times faster than the regexp engine. So
// lits holds, for each alternative, a literal it cannot match without:
// no line lacking all of them can match, and when exact is set the
// literals are the whole pattern and the regexp is not needed.
type matcher struct {
	name  string
	fold  bool
	lits  [][]byte
	exact bool
	// re runs on the lower-cased line when onLower is set.
	re      *regexp.Regexp
	onLower bool
}

func (m *matcher) match(line, lower []byte) bool {
	s := line
	if m.fold {
		s = lower
	}
	if m.lits != nil {
		i := slices.IndexFunc(m.lits, func(l []byte) bool { return bytes.Contains(s, l) })
		if i < 0 {
			return false
		}
		if m.exact {
			return true
		}
	}
	if m.onLower {
		return m.re.Match(lower)
	}
	return m.re.Match(line)
}

func compileClasses(classes []Class) ([]matcher, error) {
	out := make([]matcher, 0, len(classes))
	seen := make(map[string]bool, len(classes))
	for i, c := range classes {
		if !validName(c.Name) {
			return nil, fmt.Errorf("classes[%d].name: %q must be 1-40 characters a-z, 0-9 or _", i, c.Name)
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("classes[%d].name: %q is used twice", i, c.Name)
		}
		seen[c.Name] = true
		m, err := compileClass(c)
		if err != nil {
			return nil, fmt.Errorf("classes[%d].pattern: %w", i, err)
		}
		out = append(out, m)
	}
	return out, nil
}

func compileClass(c Class) (matcher, error) {
	if c.Pattern == "" {
		return matcher{}, fmt.Errorf("empty pattern would match every line")
	}
	expr := c.Pattern
	if !c.CaseSensitive {
		expr = "(?i)" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return matcher{}, fmt.Errorf("%q is not a regular expression: %v", c.Pattern, err)
	}
	m := matcher{name: c.Name, fold: !c.CaseSensitive, re: re}
	m.lits, m.exact = literals(expr, m.fold)
	if m.fold {
		if low, ok := lowered(expr); ok {
			m.re, m.onLower = low, true
		}
	}
	return m, nil
}

// lowered returns expr compiled case-sensitively for lower-cased input,
// when its case folding only concerns ASCII literals: (?i)Rate|\b429\b
// becomes rate|\b429\b, which the engine runs several times faster.
func lowered(expr string) (*regexp.Regexp, bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil || !lowerLiterals(re) {
		return nil, false
	}
	low, err := regexp.Compile(re.String())
	return low, err == nil
}

func lowerLiterals(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		for i, r := range re.Rune {
			if r >= 0x80 {
				return false
			}
			if 'A' <= r && r <= 'Z' {
				re.Rune[i] = r + 'a' - 'A'
			}
		}
		re.Flags &^= syntax.FoldCase
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		for _, r := range re.Rune {
			if r >= 0x80 {
				return false
			}
		}
	}
	for _, sub := range re.Sub {
		if !lowerLiterals(sub) {
			return false
		}
	}
	return true
}

// literals returns, for each alternative of expr, an ASCII literal that a
// match must contain (lower-cased if fold), and whether the literals are
// the whole of expr. It returns nil when some alternative has no such
// literal.
func literals(expr string, fold bool) ([][]byte, bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, false
	}
	re = re.Simplify()
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpAlternate {
		subs = re.Sub
	}
	exact := true
	var out [][]byte
	for _, s := range subs {
		lit := s
		if s.Op == syntax.OpConcat {
			exact = false
			lit = nil
			for _, c := range s.Sub {
				if usable(c, fold) && (lit == nil || len(c.Rune) > len(lit.Rune)) {
					lit = c
				}
			}
		}
		if lit == nil || !usable(lit, fold) {
			return nil, false
		}
		b := []byte(string(lit.Rune))
		if fold {
			b = bytes.ToLower(b)
		}
		out = append(out, b)
	}
	return out, exact
}

// usable reports whether re is an ASCII literal with the given folding.
func usable(re *syntax.Regexp, fold bool) bool {
	if re.Op != syntax.OpLiteral || (re.Flags&syntax.FoldCase != 0) != fold {
		return false
	}
	for _, r := range re.Rune {
		if r >= 0x80 {
			return false
		}
	}
	return true
}

func validName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// lowerASCII writes the ASCII lower-case form of s into dst.
func lowerASCII(dst, s []byte) []byte {
	dst = dst[:0]
	for _, b := range s {
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst = append(dst, b)
	}
	return dst
}
