package logcheck

import "time"

// leadingTime parses a timestamp at the start of line: RFC 3339
// ("2024-01-20T10:30:00Z", with optional fraction and offset) or
// "2024-01-20 10:30:00" (Python logging adds ",123"), optionally inside
// "[...]". A timestamp without an offset is in loc. It returns the time and
// the rest of the line after the timestamp and following spaces.
func leadingTime(line []byte, loc *time.Location) (time.Time, []byte, bool) {
	s := line
	if len(s) > 0 && s[0] == '[' {
		s = s[1:]
	}
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, line, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, line, false
	}
	s = s[19:]
	nsec := 0
	if len(s) > 1 && (s[0] == '.' || s[0] == ',') && isDigit(s[1]) {
		scale := 100_000_000
		i := 1
		for ; i < len(s) && isDigit(s[i]); i++ {
			nsec += int(s[i]-'0') * scale
			scale /= 10
		}
		s = s[i:]
	}
	if off, n, ok := zone(s); ok {
		loc = time.FixedZone("", off)
		s = s[n:]
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if len(s) > 0 && s[0] == ']' {
		s = s[1:]
	}
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	return t, s, true
}

// zone parses "Z", "+hh:mm", "+hhmm" or "+hh" at the start of s and
// returns the offset in seconds and the bytes used.
func zone(s []byte) (int, int, bool) {
	if len(s) == 0 {
		return 0, 0, false
	}
	if s[0] == 'Z' || s[0] == 'z' {
		return 0, 1, true
	}
	if s[0] != '+' && s[0] != '-' || len(s) < 3 {
		return 0, 0, false
	}
	h, ok := digits(s[1:3])
	if !ok || h > 14 {
		return 0, 0, false
	}
	n, m := 3, 0
	switch {
	case len(s) >= 6 && s[3] == ':':
		if m, ok = digits(s[4:6]); ok {
			n = 6
		}
	case len(s) >= 5 && isDigit(s[3]) && isDigit(s[4]):
		m, _ = digits(s[3:5])
		n = 5
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return off, n, true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
