package checklist_test

import (
	"context"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checklist"
)

// fixedVerifier stands in for the app's adapter over check results: it
// passes the names it has evidence for and counts the calls.
type fixedVerifier struct {
	evidence map[string]string
	calls    map[string]int
}

func (v *fixedVerifier) Verify(_ context.Context, name string, _ time.Time) (string, bool) {
	v.calls[name]++
	e, ok := v.evidence[name]
	return e, ok
}

func TestAutoTick(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	earlier := checklist.Tick{By: "@alice", At: now.Add(-time.Minute)}
	r := checklist.Run{
		Items: []checklist.Item{
			{ID: "a", Text: "health answers", Verify: "health"},
			{ID: "b", Text: "health again", Verify: "health"},
			{ID: "c", Text: "database", Verify: "database"},
			{ID: "d", Text: "by hand"},
			{ID: "e", Text: "logs", Verify: "logs-errors"},
			{ID: "f", Text: "silent pass", Verify: "quiet"},
			{ID: "g", Text: "ticked before", Verify: "health"},
		},
		Ticks: map[string]checklist.Tick{"g": earlier},
	}
	v := &fixedVerifier{
		evidence: map[string]string{"health": "/health returned 200 at 09:00 UTC", "logs-errors": "no errors in 24 h", "quiet": ""},
		calls:    map[string]int{},
	}
	checklist.AutoTick(t.Context(), &r, v, now)

	want := map[string]checklist.Tick{
		"a": {By: "opsbot", At: now, Evidence: "/health returned 200 at 09:00 UTC"},
		"b": {By: "opsbot", At: now, Evidence: "/health returned 200 at 09:00 UTC"},
		"e": {By: "opsbot", At: now, Evidence: "no errors in 24 h"},
		"f": {By: "opsbot", At: now, Evidence: "verified automatically (quiet)"},
		"g": earlier,
	}
	if len(r.Ticks) != len(want) {
		t.Errorf("ticks = %+v, want %+v", r.Ticks, want)
	}
	for id, w := range want {
		if r.Ticks[id] != w {
			t.Errorf("tick of %s = %+v, want %+v", id, r.Ticks[id], w)
		}
	}
	for name, n := range v.calls {
		if n != 1 {
			t.Errorf("verification %s ran %d times, want once", name, n)
		}
	}
	if v.calls["database"] != 1 {
		t.Errorf("the failing verification did not run")
	}

	var none checklist.Run
	none.Items = r.Items
	checklist.AutoTick(t.Context(), &none, nil, now)
	if len(none.Ticks) != 0 {
		t.Errorf("a nil verifier ticked %+v", none.Ticks)
	}
}
