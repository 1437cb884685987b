package render

import (
	"strings"
	"unicode/utf8"
)

// Clip shortens s to its first n runes, without the spaces and newlines
// the cut leaves at its end, followed by "…"; s at most n runes long is
// returned as it is. It cuts plain text, before escaping.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return strings.TrimRight(s[:k], " \n") + "…"
		}
		i++
	}
	return s
}
