package maint_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/maint"
)

// win is a one-off window on Dec 6 2026, 02:00-04:00 UTC, announced a day ahead.
func win() maint.Window {
	return maint.Window{ID: "M-3", Title: "dependency updates", Kind: maint.KindOneOff,
		Start: utc(2026, 12, 6, 2, 0), End: utc(2026, 12, 6, 4, 0), Notice: 24 * time.Hour}
}

func TestPhaseAtItsBoundaries(t *testing.T) {
	w := win()
	startedEarly, endedEarly, canceled := w, w, w
	startedEarly.StartedAt = w.Start.Add(-30 * time.Minute)
	endedEarly.EndedAt = w.Start.Add(time.Hour)
	canceled.Canceled, canceled.EndedAt = true, w.Start.Add(-time.Hour)
	noNotice := w
	noNotice.Notice = 0
	announce := w.Start.Add(-w.Notice)
	for _, c := range []struct {
		name string
		w    maint.Window
		at   time.Time
		want maint.Phase
	}{
		{"before the notice", w, announce.Add(-1), maint.PhaseScheduled},
		{"at the notice", w, announce, maint.PhaseAnnounced},
		{"just before the start", w, w.Start.Add(-1), maint.PhaseAnnounced},
		{"at the start", w, w.Start, maint.PhaseActive},
		{"just before the end", w, w.End.Add(-1), maint.PhaseActive},
		{"at the end", w, w.End, maint.PhaseEnded},
		{"without notice, just before the start", noNotice, w.Start.Add(-1), maint.PhaseScheduled},
		{"just before an early start", startedEarly, startedEarly.StartedAt.Add(-1), maint.PhaseAnnounced},
		{"at an early start", startedEarly, startedEarly.StartedAt, maint.PhaseActive},
		{"just before an early end", endedEarly, endedEarly.EndedAt.Add(-1), maint.PhaseActive},
		{"at an early end", endedEarly, endedEarly.EndedAt, maint.PhaseEnded},
		{"canceled, before", canceled, announce.Add(-1), maint.PhaseCanceled},
		{"canceled, in the window", canceled, w.Start, maint.PhaseCanceled},
	} {
		if got := c.w.Phase(c.at); got != c.want {
			t.Errorf("%s: Phase = %s, want %s", c.name, got, c.want)
		}
	}
	// StartedAt after the start, EndedAt after the end change nothing.
	late := w
	late.StartedAt, late.EndedAt = w.Start.Add(time.Minute), w.End.Add(time.Minute)
	if !late.EffectiveStart().Equal(w.Start) || !late.EffectiveEnd().Equal(w.End) || late.Phase(w.Start) != maint.PhaseActive {
		t.Errorf("late marks moved the window: %v-%v", late.EffectiveStart(), late.EffectiveEnd())
	}
}

func TestCoversChecksInScopeWhileActive(t *testing.T) {
	w := win()
	w.Scope = []string{"api", "db-*", "cache?", "odd-["}
	at := w.Start.Add(time.Minute)
	for check, want := range map[string]bool{
		"api": true, "db-main": true, "db-": true, "db": false, "cache1": true, "cache12": false,
		"web": false, "apis": false, "odd-[": true, "odd-x": false,
	} {
		if got := w.Covers(check, at); got != want {
			t.Errorf("Covers(%q) = %v, want %v", check, got, want)
		}
	}
	all := win()
	for _, c := range []struct {
		at   time.Time
		want bool
	}{{all.Start.Add(-1), false}, {all.Start, true}, {all.End.Add(-1), true}, {all.End, false}} {
		if got := all.Covers("anything", c.at); got != c.want {
			t.Errorf("empty scope: Covers at %v = %v, want %v", c.at, got, c.want)
		}
	}
}

func TestTransitionsFollowThePhase(t *testing.T) {
	w := win()
	before := w.Start.Add(-2 * time.Hour)

	started, err := w.StartAt(before)
	if err != nil || !started.StartedAt.Equal(before) || started.Phase(before) != maint.PhaseActive {
		t.Fatalf("StartAt = %+v, %v", started, err)
	}
	ended, err := started.EndAt(before.Add(time.Hour))
	if err != nil || ended.Phase(before.Add(time.Hour)) != maint.PhaseEnded {
		t.Fatalf("EndAt = %+v, %v", ended, err)
	}
	canceled, err := w.CancelAt(before)
	if err != nil || !canceled.Canceled || !canceled.EndedAt.Equal(before) || canceled.Notices() != nil {
		t.Fatalf("CancelAt = %+v, %v", canceled, err)
	}
	if _, err := w.StartAt(w.Start.Add(-maint.MaxEarlyStart)); err != nil {
		t.Errorf("start exactly MaxEarlyStart ahead: %v", err)
	}
	for _, c := range []struct {
		name string
		do   func() (maint.Window, error)
		want string
	}{
		{"start too early", func() (maint.Window, error) { return w.StartAt(w.Start.Add(-maint.MaxEarlyStart - 1)) },
			"M-3 starts more than 24 hours from now: schedule a new window instead."},
		{"start an active one", func() (maint.Window, error) { return w.StartAt(w.Start) }, "M-3 is already active."},
		{"start an ended one", func() (maint.Window, error) { return w.StartAt(w.End) }, "M-3 has already ended."},
		{"end before the start", func() (maint.Window, error) { return w.EndAt(w.Start.Add(-1)) }, "M-3 has not started yet: cancel it instead."},
		{"end an ended one", func() (maint.Window, error) { return ended.EndAt(w.Start) }, "M-3 has already ended."},
		{"end a canceled one", func() (maint.Window, error) { return canceled.EndAt(w.Start) }, "M-3 was canceled."},
		{"cancel an active one", func() (maint.Window, error) { return w.CancelAt(w.Start) }, "M-3 is active: end it instead."},
		{"cancel a canceled one", func() (maint.Window, error) { return canceled.CancelAt(before) }, "M-3 was canceled."},
	} {
		got, err := c.do()
		var se *maint.StateError
		if !errors.As(err, &se) || err.Error() != c.want || got.ID != "" {
			t.Errorf("%s: %+v, %v; want a zero window and %q", c.name, got, err, c.want)
		}
	}
}

func TestWindowValidateAndIDs(t *testing.T) {
	if err := win().Validate(); err != nil {
		t.Fatal(err)
	}
	for field, bad := range map[string]func(*maint.Window){
		"title":  func(w *maint.Window) { w.Title = " " },
		"kind":   func(w *maint.Window) { w.Kind = "weekly" },
		"start":  func(w *maint.Window) { w.Start = time.Time{} },
		"end":    func(w *maint.Window) { w.End = w.Start },
		"notice": func(w *maint.Window) { w.Notice = -1 },
		"scope":  func(w *maint.Window) { w.Scope = []string{"["} },
	} {
		w := win()
		bad(&w)
		if err := w.Validate(); !errors.Is(err, maint.ErrInvalid) || !strings.Contains(err.Error(), ": "+field+": ") {
			t.Errorf("%s: error = %v", field, err)
		}
	}
	if maint.FormatID(3) != "M-3" {
		t.Errorf("FormatID(3) = %s", maint.FormatID(3))
	}
	for in, want := range map[string]int64{"M-3": 3, "m-12": 12, "7": 7} {
		if got, err := maint.ParseID(in); err != nil || got != want {
			t.Errorf("ParseID(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "M-", "M-0", "M--1", "M-+1", "+1", "X-1", "monthly-2026-12-06"} {
		if _, err := maint.ParseID(bad); !errors.Is(err, maint.ErrInvalid) {
			t.Errorf("ParseID(%q) error = %v", bad, err)
		}
	}
}
