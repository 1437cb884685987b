package app

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/checklist"
	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// The scheduled daily digest posts yesterday's figures and the chart
// once, however often its job runs for the same day; the daily checklist
// likewise.
func TestScheduledDigestAndChecklistArePostedOnce(t *testing.T) {
	cfg := config.Default()
	cfg.Telegram.OpsChatID = -1001
	cfg.Checks.List = []config.Check{{Name: "health", HTTP: &config.HTTPCheck{URL: "http://127.0.0.1:1/health"}}}
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(at)
	a := New(cfg, Options{Clock: clock})
	store := storagetest.Open(t)
	for i := range 24 { // yesterday: one ok result an hour, one failure at 13:30
		ts := time.Date(2026, 11, 26, i, 0, 0, 0, time.UTC)
		if err := store.History().RecordResult(t.Context(), checks.Result{Check: "health", Status: checks.StatusOK, Duration: 120 * time.Millisecond, ObservedAt: ts}); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.History().RecordResult(t.Context(), checks.Result{Check: "health", Status: checks.StatusCrit, Duration: 3 * time.Second,
		ObservedAt: time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	queue := outboxQueue{outbox: store.Outbox(), now: clock.Now, notify: func() {}}
	rep := a.reporter(store, func() []string { return []string{"health"} })
	digest := a.digestJob("daily", rep, queue)
	for range 2 {
		if err := digest(t.Context(), at); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := store.Outbox().Pending(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Key != "digest/daily/2026-11-26" || msgs[1].Kind != storage.KindPhoto {
		t.Fatalf("outbox = %+v, want the digest and its chart once", keysOf(msgs))
	}
	// 24 of 25 results ok: 96.00% available.
	if !strings.Contains(msgs[0].HTML, "96.00%") {
		t.Errorf("digest = %q, want 96.00%% availability", msgs[0].HTML)
	}
	if img, err := png.Decode(bytes.NewReader(msgs[1].Photo)); err != nil || img.Bounds().Dx() != 800 {
		t.Errorf("chart: %v", err)
	}

	// The checklist, with the health item ticked by opsbot from the
	// check's latest result.
	last := map[string]checks.Result{"health": {Check: "health", Status: checks.StatusOK, Message: "HTTP 200 in 45 ms",
		ObservedAt: at.Add(-time.Minute)}}
	lists := checklist.Desk{Store: store.Checklists(), Lists: checklistLists(cfg.Checklists),
		Verifier: resultVerifier{last: func() map[string]checks.Result { return last }, maxAge: time.Hour}}
	post := a.checklistJob(lists, queue)
	for range 2 {
		if err := post(t.Context(), "daily", at); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err = store.Outbox().Pending(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var list *storage.Message
	for i := range msgs {
		if msgs[i].Key == "checklist/daily/2026-11-27" {
			list = &msgs[i]
		}
	}
	if len(msgs) != 3 || list == nil || len(list.Keyboard) == 0 {
		t.Fatalf("outbox = %v, want the checklist once, with buttons", keysOf(msgs))
	}
	if !strings.Contains(list.HTML, "health ok at 08:59 UTC: HTTP 200 in 45 ms") {
		t.Errorf("checklist = %q, want the health item ticked with its evidence", list.HTML)
	}
}

func keysOf(msgs []storage.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Key
	}
	return out
}
