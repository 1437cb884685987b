package events

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Bounds on what one event keeps, so a store of events stays small.
const (
	// MaxEventsPerBody is how many events one request may carry.
	MaxEventsPerBody = 1000
	maxFields        = 64
	maxFieldBytes    = 8 << 10
	maxTypeLen       = 64
)

// ErrInvalidEvent is wrapped by Decode's errors.
var ErrInvalidEvent = errors.New("invalid event")

// Decode reads a body holding one event object or an array of them. An
// event is {"type": ..., "timestamp": ..., "data": {...}} or flat, with its
// fields beside "type"; "event_type" or "event" may name the type and
// "payload" may hold the fields. A timestamp is RFC 3339 (without an
// offset: UTC) or Unix seconds or milliseconds. Fields keeps at most 64
// fields of the event and 8 KiB of raw JSON in all.
func Decode(body []byte, receivedAt time.Time) ([]Event, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, fmt.Errorf("%w: body is not JSON", ErrInvalidEvent)
		}
		if len(list) == 0 {
			return nil, fmt.Errorf("%w: empty list", ErrInvalidEvent)
		}
		if len(list) > MaxEventsPerBody {
			return nil, fmt.Errorf("%w: more than %d events", ErrInvalidEvent, MaxEventsPerBody)
		}
		out := make([]Event, 0, len(list))
		for i, raw := range list {
			e, err := decodeOne(raw, receivedAt)
			if err != nil {
				return nil, fmt.Errorf("event %d: %w", i, err)
			}
			out = append(out, e)
		}
		return out, nil
	}
	e, err := decodeOne(body, receivedAt)
	if err != nil {
		return nil, err
	}
	return []Event{e}, nil
}

func decodeOne(raw []byte, receivedAt time.Time) (Event, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil || top == nil {
		return Event{}, fmt.Errorf("%w: not a JSON object", ErrInvalidEvent)
	}
	typ := ""
	for _, k := range []string{"type", "event_type", "event"} {
		if v, ok := top[k]; ok {
			if json.Unmarshal(v, &typ) != nil {
				return Event{}, fmt.Errorf("%w: %q is not a string", ErrInvalidEvent, k)
			}
			delete(top, k)
			break
		}
	}
	typ = strings.ToLower(strings.TrimSpace(typ))
	if typ == "" {
		return Event{}, fmt.Errorf("%w: no event type", ErrInvalidEvent)
	}
	if len(typ) > maxTypeLen {
		return Event{}, fmt.Errorf("%w: event type longer than %d bytes", ErrInvalidEvent, maxTypeLen)
	}
	fields := top
	for _, k := range []string{"data", "payload"} {
		if v, ok := top[k]; ok && len(v) > 0 && v[0] == '{' {
			var inner map[string]json.RawMessage
			if json.Unmarshal(v, &inner) == nil {
				delete(top, k)
				for ik, iv := range inner {
					fields[ik] = iv
				}
			}
			break
		}
	}
	e := Event{Type: Type(typ), ReceivedAt: receivedAt, Timestamp: receivedAt}
	if t, ok := timestamp(fields["timestamp"]); ok {
		e.Timestamp = t
	}
	switch e.Type {
	case TypeFileProcessed:
		e.File = &File{
			FileType:         str(fields["file_type"]),
			ProcessingTimeMS: number(fields["processing_time_ms"]),
			Success:          success(fields),
		}
	case TypeSystemAlert:
		e.Alert = &Alert{
			Level:     level(str(fields["alert_level"])),
			Component: str(fields["component"]),
			Message:   str(fields["message"]),
		}
	case TypePerformanceMetric:
		e.Metric = &Metric{MetricType: str(fields["metric_type"]), Value: number(fields["value"])}
	}
	e.Fields = bounded(fields)
	return e, nil
}

// bounded keeps the smallest fields first, within maxFields and
// maxFieldBytes in all.
func bounded(fields map[string]json.RawMessage) map[string]json.RawMessage {
	keys := slices.Collect(maps.Keys(fields))
	size := func(k string) int { return len(k) + len(fields[k]) }
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(size(a), size(b)), strings.Compare(a, b))
	})
	out := make(map[string]json.RawMessage, min(len(keys), maxFields))
	total := 0
	for _, k := range keys {
		if len(out) == maxFields || total+size(k) > maxFieldBytes {
			break
		}
		total += size(k)
		out[k] = fields[k]
	}
	return out
}

// str reads a JSON string, or the text of any other scalar.
func str(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if len(raw) > 0 && raw[0] != '{' && raw[0] != '[' && string(raw) != "null" {
		return string(raw)
	}
	return ""
}

// number reads a JSON number or a numeric string; otherwise 0.
func number(raw json.RawMessage) float64 {
	var f float64
	if json.Unmarshal(raw, &f) != nil {
		f, _ = strconv.ParseFloat(strings.TrimSpace(str(raw)), 64)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// success reads "success" as a bool, "true"/"false" or a number; when it
// is absent, a non-empty "error" means failure.
func success(fields map[string]json.RawMessage) bool {
	raw, ok := fields["success"]
	if !ok {
		e := strings.TrimSpace(str(fields["error"]))
		return e == "" || e == "false"
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	switch strings.ToLower(strings.TrimSpace(str(raw))) {
	case "true", "yes", "ok", "1":
		return true
	}
	return false
}

func level(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "warn":
		return LevelWarning
	case "err":
		return LevelError
	case "crit", "fatal":
		return LevelCritical
	}
	return s
}

// timestamp reads RFC 3339 (an offset-less one as UTC) or Unix seconds or
// milliseconds.
func timestamp(raw json.RawMessage) (time.Time, bool) {
	if len(raw) == 0 {
		return time.Time{}, false
	}
	var f float64
	if json.Unmarshal(raw, &f) == nil {
		if f <= 0 || f > 1e14 {
			return time.Time{}, false
		}
		if f > 1e11 { // milliseconds
			f /= 1000
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	}
	s := str(raw)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
