package events

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var (
	testSecret = []byte("webhook-secret-from-env")
	testNow    = time.Date(2024, 1, 20, 10, 30, 0, 0, time.UTC)
)

func newServer(t *testing.T, sink EventSink, maxBody int64) *httptest.Server {
	t.Helper()
	h, err := NewHandler(Options{Secret: testSecret, Sink: sink, MaxBody: maxBody, Clock: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(Path, h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, body, signature string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+Path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(SignatureHeader, signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const alertBody = `{"type":"system_alert","timestamp":"2024-01-20T10:29:00Z","data":{"alert_level":"critical","component":"database","message":"MongoDB connection lost","timestamp":"2024-01-20T10:29:00Z"}}`

func TestHandlerAcceptsSignedEvents(t *testing.T) {
	mem := NewMemory(0)
	srv := newServer(t, mem, 0)

	code, body := post(t, srv.URL, alertBody, Sign(testSecret, []byte(alertBody)))
	if code != http.StatusOK || body != `{"status":"ok","recorded":1}`+"\n" {
		t.Fatalf("got %d %s", code, body)
	}
	list := `[{"event_type":"file_processed","file_type":"pdf","processing_time_ms":1200,"success":true},
	          {"event":"security_violation","user_id":666,"violation_type":"malicious_file"}]`
	// Upper-case hex and prefix are the same signature.
	sig := strings.ToUpper(Sign(testSecret, []byte(list)))
	if code, body := post(t, srv.URL, list, sig); code != http.StatusOK || !strings.Contains(body, `"recorded":2`) {
		t.Fatalf("got %d %s", code, body)
	}
	evs := mem.Since(time.Time{})
	if len(evs) != 3 {
		t.Fatalf("recorded %d events, want 3", len(evs))
	}
	a := evs[0]
	if a.Type != TypeSystemAlert || a.Alert == nil || *a.Alert != (Alert{Level: "critical", Component: "database", Message: "MongoDB connection lost"}) {
		t.Errorf("alert %+v %+v", a, a.Alert)
	}
	if !a.ReceivedAt.Equal(testNow) || !a.Timestamp.Equal(testNow.Add(-time.Minute)) {
		t.Errorf("received %v timestamp %v", a.ReceivedAt, a.Timestamp)
	}
	if f := evs[1].File; evs[1].Type != TypeFileProcessed || f == nil || *f != (File{FileType: "pdf", ProcessingTimeMS: 1200, Success: true}) {
		t.Errorf("file event %+v", evs[1])
	}
	if v := evs[2]; v.Type != TypeSecurityViolation || string(v.Fields["violation_type"]) != `"malicious_file"` {
		t.Errorf("security event %+v", v)
	}
}

func TestHandlerRefusesBadSignatures(t *testing.T) {
	mem := NewMemory(0)
	srv := newServer(t, mem, 0)
	good := Sign(testSecret, []byte(alertBody))
	tests := []struct {
		name, sig string
	}{
		{"missing", ""},
		{"wrong secret", Sign([]byte("another-secret"), []byte(alertBody))},
		{"signature of another body", Sign(testSecret, []byte(alertBody+" "))},
		{"sha1 prefix", "sha1=" + strings.TrimPrefix(good, "sha256=")},
		{"no prefix", strings.TrimPrefix(good, "sha256=")},
		{"not hex", "sha256=" + strings.Repeat("zz", 32)},
		{"too short", good[:len(good)-2]},
		{"too long", good + "00"},
		{"empty digest", "sha256="},
		{"one bit off", good[:len(good)-1] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", good[len(good)-1])+1)%16])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := post(t, srv.URL, alertBody, tt.sig)
			if code != http.StatusUnauthorized || !strings.Contains(body, "missing or invalid signature") {
				t.Errorf("got %d %s, want 401", code, body)
			}
		})
	}
	if n := len(mem.Since(time.Time{})); n != 0 {
		t.Errorf("%d events recorded from unsigned requests", n)
	}
}

func TestHandlerRefusals(t *testing.T) {
	mem := NewMemory(0)
	srv := newServer(t, mem, 256)
	big := `{"type":"user_message","text":"` + strings.Repeat("x", 300) + `"}`

	// Over the limit, declared or not (chunked): 413 before any signature check.
	if code, _ := post(t, srv.URL, big, Sign(testSecret, []byte(big))); code != http.StatusRequestEntityTooLarge {
		t.Errorf("declared oversize: %d, want 413", code)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+Path, io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set(SignatureHeader, Sign(testSecret, []byte(big)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked oversize: %d, want 413", resp.StatusCode)
	}

	for _, garbage := range []string{"not json", "", "[]", `{"no_type":1}`, `{"type":42}`, `"a string"`, `[{"type":"x"},"y"]`, "{"} {
		code, body := post(t, srv.URL, garbage, Sign(testSecret, []byte(garbage)))
		if code != http.StatusBadRequest {
			t.Errorf("%q: %d %s, want 400", garbage, code, body)
		}
	}

	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodHead} {
		req, _ := http.NewRequest(method, srv.URL+Path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
			t.Errorf("%s: %d allow %q, want 405 POST", method, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
	if n := len(mem.Since(time.Time{})); n != 0 {
		t.Errorf("%d events recorded from refused requests", n)
	}
}

type failingSink struct{}

func (failingSink) Record(context.Context, Event) error { return errors.New("disk full") }

func TestHandlerSinkFailure(t *testing.T) {
	srv := newServer(t, failingSink{}, 0)
	code, body := post(t, srv.URL, alertBody, Sign(testSecret, []byte(alertBody)))
	if code != http.StatusInternalServerError || strings.Contains(body, "disk full") {
		t.Errorf("got %d %s, want 500 without the internal error", code, body)
	}
	var msg map[string]string
	if err := json.Unmarshal([]byte(body), &msg); err != nil || msg["error"] == "" {
		t.Errorf("body %q is not a JSON error", body)
	}
}

func TestNewHandlerNeedsSecretAndSink(t *testing.T) {
	if _, err := NewHandler(Options{Sink: NewMemory(0)}); err == nil {
		t.Error("no error without a secret")
	}
	if _, err := NewHandler(Options{Secret: testSecret}); err == nil {
		t.Error("no error without a sink")
	}
}

func TestVerify(t *testing.T) {
	// RFC 4231 test case 2, what Python's
	// hmac.new(b"Jefe", body, hashlib.sha256).hexdigest() gives too.
	const rfc = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got := Sign([]byte("Jefe"), []byte("what do ya want for nothing?")); got != rfc {
		t.Errorf("Sign = %s, want %s", got, rfc)
	}
	body := []byte(`{"type":"user_registered"}`)
	sig := Sign([]byte("s"), body)
	if err := Verify([]byte("s"), body, sig); err != nil {
		t.Errorf("Verify(Sign) = %v", err)
	}
	for header, wantErr := range map[string]error{
		"":                            ErrNoSignature,
		"  ":                          ErrNoSignature,
		"sha256=abc":                  ErrMalformedSignature,
		"md5=" + sig[len("sha256="):]: ErrMalformedSignature,
		Sign([]byte("t"), body):       ErrBadSignature,
		" " + sig + " ":               nil,
	} {
		if err := Verify([]byte("s"), body, header); !errors.Is(err, wantErr) {
			t.Errorf("Verify(%q) = %v, want %v", header, err, wantErr)
		}
	}
}
