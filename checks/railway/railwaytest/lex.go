package railwaytest

import (
	"fmt"
	"strconv"
	"strings"
)

// token kinds.
const (
	tokName = iota
	tokPunct
	tokInt
	tokFloat
	tokString
	tokEOF
)

type token struct {
	kind int
	text string
}

// lex splits src into tokens. Commas and comments are insignificant.
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.IndexByte("{}()[]:!$=@|&", c) >= 0:
			toks = append(toks, token{tokPunct, string(c)})
			i++
		case c == '.':
			return nil, fmt.Errorf("fragments are not supported")
		case c == '_' || isLetter(c):
			j := i + 1
			for j < len(src) && (src[j] == '_' || isLetter(src[j]) || isDigit(src[j])) {
				j++
			}
			toks = append(toks, token{tokName, src[i:j]})
			i = j
		case c == '-' || isDigit(c):
			j := i + 1
			kind := tokInt
			for j < len(src) && (isDigit(src[j]) || strings.IndexByte(".eE+-", src[j]) >= 0) {
				if src[j] == '.' || src[j] == 'e' || src[j] == 'E' {
					kind = tokFloat
				}
				j++
			}
			toks = append(toks, token{kind, src[i:j]})
			i = j
		case c == '"':
			if strings.HasPrefix(src[i:], `"""`) {
				return nil, fmt.Errorf("block strings are not supported")
			}
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				if j < len(src) && src[j] == '\n' {
					return nil, fmt.Errorf("unterminated string")
				}
				j++
			}
			if j >= len(src) {
				return nil, fmt.Errorf("unterminated string")
			}
			s, err := strconv.Unquote(src[i : j+1])
			if err != nil {
				return nil, fmt.Errorf("invalid string %s", src[i:j+1])
			}
			toks = append(toks, token{tokString, s})
			i = j + 1
		default:
			return nil, fmt.Errorf("unexpected character %q", c)
		}
	}
	return append(toks, token{tokEOF, ""}), nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
