package app_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/telegramtest"
)

// /checklist posts the daily list with a button per item; two people
// tapping the same item at once make one tick, and both are told who.
func TestChecklistTicksThroughTelegram(t *testing.T) {
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	cfg := testConfig(t, tg, t.TempDir())
	cfg.Auth.Admins = []int64{alice.ID}
	cfg.Auth.Operators = []int64{bob.ID}
	cfg.Auth.Viewers = []int64{mallory.ID}
	start(t, cfg, app.Options{})

	list := command(t, tg, opsChat, alice, "/checklist daily")
	mustContain(t, "/checklist", list.Text, "0/", "done")
	if len(list.ReplyMarkup) == 0 {
		t.Fatalf("checklist without buttons:\n%s", list.Text)
	}
	data := list.ReplyMarkup[0][0].CallbackData
	if !strings.HasPrefix(data, "chk:") {
		t.Fatalf("first button data %q", data)
	}

	qs := []string{tg.PressButton(alice, list, data), tg.PressButton(bob, list, data)}
	var toasts []string
	for _, q := range qs {
		text, _ := answered(t, tg, q)
		toasts = append(toasts, text)
	}
	joined := strings.Join(toasts, " | ")
	if strings.Count(joined, "Ticked") != 1 || strings.Count(joined, "Already ticked by") != 1 {
		t.Errorf("toasts %q, want one tick and one 'already ticked'", joined)
	}
	ticked := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool {
		return m.ID == list.ID && strings.Contains(m.Text, "1/")
	})
	if _, still := ticked.Button(data); still {
		t.Errorf("the ticked item still has its button")
	}
	q := tg.PressButton(mallory, ticked, ticked.ReplyMarkup[0][0].CallbackData)
	if text, alert := answered(t, tg, q); !alert || text == "" {
		t.Errorf("a viewer's tick answered %q alert=%v, want a refusal", text, alert)
	}
}

// /report answers with the digest and its chart as a photo.
func TestReportSendsTheDigestAndAChart(t *testing.T) {
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	db := newTarget(t, 200, "HEALTHY")
	cfg := incidentConfig(t, tg, db)
	start(t, cfg, app.Options{})

	placeholder := command(t, tg, opsChat, mallory, "/report weekly")
	reply := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == placeholder.ID && m.EditCount > 0 })
	mustContain(t, "/report", reply.Text, "db")
	photo := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.Kind == "photo" })
	if photo.File == nil {
		t.Fatal("the photo has no file")
	}
	img, err := png.Decode(bytes.NewReader(photo.File.Data))
	if err != nil {
		t.Fatalf("chart is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 400 {
		t.Errorf("chart is %dx%d, want 800x400", b.Dx(), b.Dy())
	}
	usage := command(t, tg, opsChat, mallory, "/report yearly")
	usage = tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == usage.ID && strings.Contains(m.Text, "/report [") })
	mustContain(t, "/report yearly", usage.Text, "daily")
}

// /maint lists the checklist's recurring windows and lets an admin add a
// one-off window; others may only look.
func TestMaintListsAndAddsWindows(t *testing.T) {
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	cfg := incidentConfig(t, tg, newTarget(t, 200, "HEALTHY"))
	start(t, cfg, app.Options{})

	day := time.Now().UTC().Add(48 * time.Hour).Format("2006-01-02")
	added := command(t, tg, opsChat, alice, "/maint add "+day+" 02:00 2h dependency updates")
	mustContain(t, "/maint add", added.Text, "M-1", "dependency updates")
	refused := command(t, tg, opsChat, bob, "/maint cancel M-1")
	mustContain(t, "/maint cancel by an operator", refused.Text, "Only admins")
	list := command(t, tg, opsChat, mallory, "/maint")
	mustContain(t, "/maint", list.Text, "M-1", "dependency updates")
	bad := command(t, tg, opsChat, alice, "/maint add tomorrow")
	mustContain(t, "/maint add tomorrow", bad.Text, "/maint")
}

// /maint emergency starts the procedure: a message with a button per
// step; a step pressed is done, and the window holds pages meanwhile.
func TestEmergencyProcedureThroughTelegram(t *testing.T) {
	tg := telegramtest.New(t)
	tg.AddChat(opsChat)
	cfg := incidentConfig(t, tg, newTarget(t, 200, "HEALTHY"))
	start(t, cfg, app.Options{})

	refused := command(t, tg, opsChat, bob, "/maint emergency database failover")
	mustContain(t, "/maint emergency by an operator", refused.Text, "Only admins")
	msg := command(t, tg, opsChat, alice, "/maint emergency database failover")
	mustContain(t, "/maint emergency", msg.Text, "E-1", "database failover")
	if len(msg.ReplyMarkup) == 0 {
		t.Fatalf("no step buttons:\n%s", msg.Text)
	}
	first := msg.ReplyMarkup[0][0].CallbackData
	q := tg.PressButton(bob, msg, first)
	answered(t, tg, q)
	done := tg.WaitMessage(t, opsChat.ID, func(m telegramtest.Message) bool { return m.ID == msg.ID && m.EditCount > 0 })
	if _, still := done.Button(first); still {
		t.Errorf("the done step still has its button:\n%s", done.Text)
	}
	mustContain(t, "after the step", done.Text, "@bob")
	list := command(t, tg, opsChat, mallory, "/maint")
	mustContain(t, "/maint during the emergency", list.Text, "M-1")
	status := command(t, tg, opsChat, mallory, "/status")
	mustContain(t, "/status during the emergency", status.Text, "🛠 maintenance: M-1", "pages for all checks held")
}
