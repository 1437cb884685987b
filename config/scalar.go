package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// isDuration is checked before any kind switch: a time.Duration is an int64
// underneath but is written as "30s".
func isDuration(t reflect.Type) bool { return t == reflect.TypeFor[time.Duration]() }

const durationHint = "use a Go duration like 2m or 90s"

// setScalar parses raw into v, a field of a scalar type (string, bool,
// number or time.Duration). It returns "" on success, or a message for the
// user such as `"bob" is not a Telegram user id (a number)`. want overrides
// the type's own description (the field's want tag).
func setScalar(v reflect.Value, raw, want string) string {
	if isDuration(v.Type()) {
		d, err := time.ParseDuration(raw)
		if err != nil {
			if _, numErr := strconv.ParseFloat(raw, 64); numErr == nil {
				return fmt.Sprintf("%s is not a duration (a number needs a unit: write %ss or %sm)", quote(raw), raw, raw)
			}
			return fmt.Sprintf("%s is not a duration (%s)", quote(raw), durationHint)
		}
		v.SetInt(int64(d))
		return ""
	}
	if want == "" {
		want = describeType(v.Type())
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(raw)
	case reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Sprintf("%s is not %s", quote(raw), want)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(raw, 10, v.Type().Bits())
		if err != nil {
			return numberProblem(raw, want, err)
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(raw, 10, v.Type().Bits())
		if err != nil {
			return numberProblem(raw, want, err)
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(raw, v.Type().Bits())
		if err != nil {
			return numberProblem(raw, want, err)
		}
		v.SetFloat(f)
	default:
		// A programming error in this package (a field type the decoder
		// does not know); report it rather than panic.
		return fmt.Sprintf("cannot hold a %s (unsupported field type in package config)", v.Type())
	}
	return ""
}

func numberProblem(raw, want string, err error) string {
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Sprintf("%s is too large for %s", quote(raw), want)
	}
	if strings.HasPrefix(raw, "@") {
		return fmt.Sprintf("%s is not %s; use the numeric id, not the @username", quote(raw), want)
	}
	return fmt.Sprintf("%s is not %s", quote(raw), want)
}

// describeType names what a value of type t looks like, for messages such
// as "expected a whole number, got a list".
func describeType(t reflect.Type) string {
	if isDuration(t) {
		return "a duration like 2m or 90s"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "a mapping of keys to values"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return t.String()
}

// maxQuoted bounds how much of a bad value a message repeats, so a pasted
// blob does not flood the output.
const maxQuoted = 60

// quote renders a non-secret value for a message: Go-quoted (so stray spaces
// and control characters show) and shortened when long.
func quote(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		r := []rune(s)
		return strconv.Quote(string(r[:maxQuoted])) + "…"
	}
	return strconv.Quote(s)
}

// formatDuration prints d without Go's trailing zero units: 1m, not 1m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
