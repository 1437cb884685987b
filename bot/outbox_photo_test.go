package bot_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/storage"
)

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A photo in the outbox (a digest's chart) goes out as sendPhoto with
// its caption, once.
func TestOutboxSendsAPhoto(t *testing.T) {
	e := newOutboxEnv(t)
	data := tinyPNG(t)
	e.enqueue(storage.Message{Key: "digest/2026-11-26/chart", ChatID: opsGroup.ID, Kind: storage.KindPhoto,
		Photo: data, HTML: "<b>Daily digest</b> — response time and availability"})
	_, stop := e.start("a")
	defer stop()
	call := e.fake.WaitCall(t, "sendPhoto", nil)
	if caption, _ := call.Params["caption"].(string); !strings.Contains(caption, "Daily digest") {
		t.Errorf("caption %q", caption)
	}
	upload, ok := call.Params["photo"].(telegramtest.UploadedFile)
	if !ok || !bytes.Equal(upload.Data, data) {
		t.Fatalf("photo param = %T, want the PNG uploaded", call.Params["photo"])
	}
	if n := len(e.fake.CallsTo("sendPhoto")); n != 1 {
		t.Errorf("sendPhoto called %d times, want once", n)
	}
	if _, err := e.store.Enqueue(t.Context(), storage.Message{Key: "bad-photo", ChatID: opsGroup.ID, Kind: storage.KindPhoto}); err == nil {
		t.Error("a photo message without an image was accepted")
	}
}
