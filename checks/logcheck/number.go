package logcheck

import "strconv"

// lastMillis returns the last number on line as milliseconds, the way the
// checklist reads `grep "processing time" | awk '{print $NF}'`. A unit
// written right after the number is honoured: "2.5s" is 2500 ms, "800us"
// is 0.8 ms; no unit or "ms" means milliseconds.
func lastMillis(line []byte) (float64, bool) {
	end := len(line)
	for end > 0 && !isDigit(line[end-1]) {
		end--
	}
	if end == 0 {
		return 0, false
	}
	start := end
	for start > 0 && isDigit(line[start-1]) {
		start--
	}
	if start > 1 && line[start-1] == '.' && isDigit(line[start-2]) {
		start--
		for start > 0 && isDigit(line[start-1]) {
			start--
		}
	}
	v, err := strconv.ParseFloat(string(line[start:end]), 64)
	if err != nil {
		return 0, false
	}
	return v * unitScale(line[end:]), true
}

// unitScale reads the unit word at the start of s (after spaces).
func unitScale(s []byte) float64 {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	n := 0
	for n < len(s) && n < 13 && isLetter(s[n]) {
		n++
	}
	if n < len(s) && isLetter(s[n]) {
		return 1
	}
	switch string(lowerASCII(make([]byte, 0, 13), s[:n])) {
	case "s", "sec", "secs", "second", "seconds":
		return 1000
	case "us", "usec", "microseconds":
		return 0.001
	default:
		return 1
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
