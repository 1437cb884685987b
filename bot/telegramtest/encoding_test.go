package telegramtest_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/opsbot/opsbot/bot/telegramtest"
)

// The four encodings Telegram accepts, and how parameters are normalised.

func TestEncodings(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	base := s.URL() + "/bot" + s.Token()
	markup := `{"inline_keyboard":[[{"text":"Ack","callback_data":"ack:1"}]]}`

	// Query string, GET.
	q := url.Values{"chat_id": {"-1001234567890"}, "text": {"from query"}, "disable_notification": {"true"}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/sendMessage?"+q.Encode(), nil)
	wantOK(t, do(t, req))

	// application/x-www-form-urlencoded.
	f := url.Values{"chat_id": {"-1001234567890"}, "text": {"from form"}, "reply_markup": {markup}}
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/sendMessage", strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantOK(t, do(t, req))

	// multipart/form-data with an attach:// reference.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("chat_id", "-1001234567890")
	_ = mw.WriteField("document", "attach://report")
	fw, _ := mw.CreateFormFile("report", "report.txt")
	_, _ = fw.Write([]byte("all green"))
	_ = mw.Close()
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/senddocument", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	wantOK(t, do(t, req))

	// JSON.
	wantOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "from json", "disable_notification": true, "reply_markup": map[string]any{
		"inline_keyboard": []any{[]any{map[string]any{"text": "Ack", "callback_data": "ack:1"}}},
	}}))

	calls := s.Calls()
	if len(calls) != 4 {
		t.Fatalf("calls = %+v", calls)
	}
	for i, want := range []string{telegramtest.EncodingQuery, telegramtest.EncodingForm, telegramtest.EncodingMultipart, telegramtest.EncodingJSON} {
		if calls[i].Encoding != want {
			t.Errorf("call %d encoding = %q, want %q", i, calls[i].Encoding, want)
		}
	}
	if calls[2].Method != "sendDocument" {
		t.Errorf("method name not canonicalised: %q", calls[2].Method)
	}
	if up, ok := calls[2].Params["document"].(telegramtest.UploadedFile); !ok || up.Name != "report.txt" || string(up.Data) != "all green" {
		t.Errorf("attach:// upload = %#v", calls[2].Params["document"])
	}
	wantMarkup := map[string]any{"inline_keyboard": []any{[]any{map[string]any{"text": "Ack", "callback_data": "ack:1"}}}}
	for _, i := range []int{1, 3} {
		p := calls[i].Params
		if p["chat_id"] != opsGroup.ID || !reflect.DeepEqual(p["reply_markup"], wantMarkup) {
			t.Errorf("call %d params = %#v", i, p)
		}
	}
	if calls[0].Params["disable_notification"] != true || calls[3].Params["disable_notification"] != true {
		t.Errorf("booleans not normalised: %#v / %#v", calls[0].Params, calls[3].Params)
	}
	if got := len(s.Messages(opsGroup.ID)); got != 4 {
		t.Errorf("messages = %d", got)
	}
}

func TestEncodingRejections(t *testing.T) {
	s := telegramtest.New(t)
	s.AddChat(opsGroup)
	base := s.URL() + "/bot" + s.Token()

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/sendMessage", strings.NewReader(`["not", "an object"]`))
	req.Header.Set("Content-Type", "application/json")
	wantError(t, do(t, req), 400, "can't parse JSON body")

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("chat_id", "-1001234567890")
	_ = mw.WriteField("document", "attach://missing")
	_ = mw.Close()
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/sendDocument", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	wantError(t, do(t, req), 400, `refers to "attach://missing"`)

	body.Reset()
	mw = multipart.NewWriter(&body)
	_ = mw.WriteField("chat_id", "-1001234567890")
	_ = mw.WriteField("document", "https://example.com/r.pdf")
	fw, _ := mw.CreateFormFile("stray", "stray.bin")
	_, _ = fw.Write([]byte{1})
	_ = mw.Close()
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/sendDocument", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	wantError(t, do(t, req), 400, `unknown parameter "stray"`)

	// Rejected calls keep their raw parameters.
	wantError(t, call(t, s, "sendMessage", map[string]any{"chat_id": opsGroup.ID, "text": "x", "bogus": 1}), 400, "unknown parameter")
	last := s.Calls()[len(s.Calls())-1]
	if last.Params["chat_id"] != "-1001234567890" || last.Params["bogus"] != "1" {
		t.Errorf("raw params = %#v", last.Params)
	}
}
