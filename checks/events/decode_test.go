package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func decodeOneT(t *testing.T, body string) Event {
	t.Helper()
	evs, err := Decode([]byte(body), testNow)
	if err != nil || len(evs) != 1 {
		t.Fatalf("Decode(%s) = %d events, %v", body, len(evs), err)
	}
	return evs[0]
}

func TestDecodeShapes(t *testing.T) {
	tests := []struct {
		name, body string
		check      func(Event) bool
	}{
		{"nested data", `{"type":"file_processed","data":{"file_type":"pdf","processing_time_ms":950,"success":false}}`,
			func(e Event) bool { return *e.File == File{FileType: "pdf", ProcessingTimeMS: 950, Success: false} }},
		{"flat", `{"type":"file_processed","file_type":"docx","processing_time_ms":"1200","success":"true"}`,
			func(e Event) bool { return *e.File == File{FileType: "docx", ProcessingTimeMS: 1200, Success: true} }},
		{"error without success", `{"type":"file_processed","file_type":"png","error":"corrupt file"}`,
			func(e Event) bool { return !e.File.Success }},
		{"success as number", `{"type":"file_processed","success":0}`,
			func(e Event) bool { return !e.File.Success }},
		{"neither success nor error", `{"type":"file_processed"}`,
			func(e Event) bool { return e.File.Success }},
		{"event_type and payload", `{"event_type":"SYSTEM_ALERT","payload":{"alert_level":"WARN","component":"ai","message":"slow"}}`,
			func(e Event) bool {
				return e.Type == TypeSystemAlert && *e.Alert == Alert{Level: "warning", Component: "ai", Message: "slow"}
			}},
		{"alert level fatal", `{"type":"system_alert","alert_level":"fatal"}`,
			func(e Event) bool { return e.Alert.Level == LevelCritical }},
		{"performance metric", `{"type":"performance_metric","data":{"metric_type":"response_time","value":1234.5}}`,
			func(e Event) bool { return *e.Metric == Metric{MetricType: "response_time", Value: 1234.5} }},
		{"unknown type kept", `{"type":"deploy_finished","version":"1.2.3"}`,
			func(e Event) bool { return e.Type == "deploy_finished" && string(e.Fields["version"]) == `"1.2.3"` }},
		{"fields merge data over top", `{"type":"user_message","user_id":1,"data":{"user_id":2,"text":"hi"}}`,
			func(e Event) bool { return string(e.Fields["user_id"]) == "2" && string(e.Fields["text"]) == `"hi"` }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if e := decodeOneT(t, tt.body); !tt.check(e) {
				t.Errorf("%+v file %+v alert %+v metric %+v", e, e.File, e.Alert, e.Metric)
			}
		})
	}
}

func TestDecodeTimestamps(t *testing.T) {
	want := time.Date(2024, 1, 20, 10, 0, 0, 0, time.UTC)
	for _, ts := range []string{
		`"2024-01-20T10:00:00Z"`, `"2024-01-20T12:00:00+02:00"`, `"2024-01-20T10:00:00"`,
		`"2024-01-20 10:00:00"`, `"2024-01-20T10:00:00.000000"`, `1705744800`, `1705744800000`, `1705744800.0`,
	} {
		e := decodeOneT(t, `{"type":"user_registered","timestamp":`+ts+`}`)
		if !e.Timestamp.Equal(want) {
			t.Errorf("timestamp %s read as %v", ts, e.Timestamp)
		}
		if !e.ReceivedAt.Equal(testNow) {
			t.Errorf("received %v", e.ReceivedAt)
		}
	}
	for _, ts := range []string{`"yesterday"`, `null`, `-5`, `{}`, `1e300`} {
		if e := decodeOneT(t, `{"type":"user_registered","timestamp":`+ts+`}`); !e.Timestamp.Equal(testNow) {
			t.Errorf("bad timestamp %s read as %v, want the receive time", ts, e.Timestamp)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, body := range []string{
		"", "null", "nope", "[]", "[1]", `{"type":""}`, `{"type":["x"]}`, `{"data":{"type":"x"}}`,
		`{"type":"` + strings.Repeat("x", 65) + `"}`, `{"type":"a"} trailing`,
	} {
		if _, err := Decode([]byte(body), testNow); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("Decode(%q) = %v, want ErrInvalidEvent", body, err)
		}
	}
	many := "[" + strings.Repeat(`{"type":"user_message"},`, MaxEventsPerBody) + `{"type":"user_message"}]`
	if _, err := Decode([]byte(many), testNow); !errors.Is(err, ErrInvalidEvent) {
		t.Errorf("%d events: %v", MaxEventsPerBody+1, err)
	}
}

func TestDecodeBoundsFields(t *testing.T) {
	fields := map[string]any{"type": "user_message", "big": strings.Repeat("x", 10_000)}
	for i := range 100 {
		fields[fmt.Sprintf("f%03d", i)] = i
	}
	body, _ := json.Marshal(fields)
	e := decodeOneT(t, string(body))
	if len(e.Fields) != maxFields {
		t.Errorf("kept %d fields, want %d", len(e.Fields), maxFields)
	}
	if _, ok := e.Fields["big"]; ok {
		t.Error("kept a 10 kB field")
	}
	total := 0
	for k, v := range e.Fields {
		total += len(k) + len(v)
	}
	if total > maxFieldBytes {
		t.Errorf("kept %d bytes of fields", total)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(alertBody))
	f.Add([]byte(`[{"event_type":"file_processed","success":"no","processing_time_ms":"NaN"},{"event":"x","data":[1]}]`))
	f.Add([]byte(`{"type":"performance_metric","metric_type":"cpu %","value":1e400,"timestamp":99999999999999}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := Decode(body, testNow)
		if err != nil {
			return
		}
		for _, e := range evs {
			if e.Type == "" || len(e.Type) > maxTypeLen || len(e.Fields) > maxFields || e.ReceivedAt != testNow {
				t.Fatalf("event %+v", e)
			}
			if e.Type == TypeFileProcessed && e.File == nil || e.Type == TypeSystemAlert && e.Alert == nil {
				t.Fatalf("typed payload missing: %+v", e)
			}
		}
	})
}
