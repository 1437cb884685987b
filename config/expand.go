package config

import (
	"fmt"
	"strings"
)

// expand replaces ${NAME} and ${NAME:-default} in the YAML text with values
// from getenv, before the text is parsed, so a reference can supply any
// scalar (a number, a duration, part of a URL).
//
//   - ${NAME} is the variable's value; unset is a problem (set but empty is
//     the empty string, as in a shell).
//   - ${NAME:-default} is the default when NAME is unset or empty. The
//     default runs to the first "}" and is used as written (no nesting).
//   - $$ is a literal $. A $ not followed by { or $ (such as $word) is left
//     as is.
//
// The value is inserted as text, so a value with YAML syntax in it (": ",
// " #", quotes) can change the document; quote the reference ("${NAME}")
// where that matters. A value with a line break is refused, because it
// would change the structure and shift every line number after it.
//
// Comments are copied unexpanded, so a commented-out example does not need
// its variables set. Comments are found line by line (see commentStart).
//
// Problems are reported with the 1-based line number through add.
func expand(text string, getenv func(string) (string, bool), add func(line int, msg string)) string {
	var out strings.Builder
	out.Grow(len(text))
	for i, line := range strings.SplitAfter(text, "\n") {
		c := commentStart(line)
		expandLine(&out, line[:c], getenv, func(msg string) { add(i+1, msg) })
		out.WriteString(line[c:])
	}
	return out.String()
}

// expandLine writes s to out with its references expanded.
func expandLine(out *strings.Builder, s string, getenv func(string) (string, bool), add func(msg string)) {
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			out.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			out.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				add(`"${" has no closing "}" on this line (write $$ for a literal $)`)
				out.WriteString(s[i:])
				return
			}
			ref := s[i+2 : i+2+end]
			out.WriteString(lookup(ref, getenv, add))
			i += 2 + end
		default:
			out.WriteByte('$')
		}
	}
}

// lookup resolves the inside of one ${...} reference.
func lookup(ref string, getenv func(string) (string, bool), add func(msg string)) string {
	name, def, hasDef := strings.Cut(ref, ":-")
	if !isEnvName(name) {
		add(fmt.Sprintf("${%s} is not a valid reference (use ${NAME} or ${NAME:-default} with NAME made of letters, digits and _; write $$ for a literal $)", ref))
		return ""
	}
	val, ok := getenv(name)
	switch {
	case hasDef && val == "":
		val = def
	case !ok:
		add(fmt.Sprintf("${%s} is used but %s is not set (set it, or give a default: ${%s:-value})", name, name, name))
		return ""
	}
	if strings.ContainsAny(val, "\r\n") {
		add(fmt.Sprintf("${%s}: the value has a line break, which would change the YAML structure", name))
		return ""
	}
	return val
}

// isEnvName reports whether s is a shell variable name: a letter or _, then
// letters, digits and _.
func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// commentStart returns the index in line of the '#' that starts a YAML
// comment, or len(line) when there is none. A '#' starts a comment at the
// start of the line or after a space or tab, outside quotes. Quotes are
// tracked within the line: a quote opens a quoted scalar only where YAML
// allows one to start (line start, or after whitespace, '[', '{' or ',').
// Lines inside block scalars or multi-line quoted strings can be misread;
// the cost is that a reference after " #" on such a line is not expanded.
func commentStart(line string) int {
	var q byte // the open quote, or 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case q == '"':
			if c == '\\' {
				i++ // skip the escaped character
			} else if c == '"' {
				q = 0
			}
		case q == '\'':
			if c == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++ // '' is an escaped quote
				} else {
					q = 0
				}
			}
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return i
		case (c == '"' || c == '\'') && (i == 0 || strings.IndexByte(" \t[{,", line[i-1]) >= 0):
			q = c
		}
	}
	return len(line)
}
