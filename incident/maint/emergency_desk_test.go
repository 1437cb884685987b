package maint_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// The Planner opens and ends the emergency's window.
var _ maint.WindowPlanner = maint.Planner{}

func TestEmergencyDeskRunsTheProcedure(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	p := maint.Planner{Recurring: maint.DefaultRecurrences(), Store: s.Maintenance()}
	desk := maint.EmergencyDesk{Store: s.Emergencies(), Windows: p}
	ctx := t.Context()

	e, err := desk.Start(ctx, "api down", "@alice", emgStart)
	if err != nil || e.ID != "E-1" || e.Window != "M-1" || e.By != "@alice" {
		t.Fatalf("Start = %+v, %v", e, err)
	}
	w, err := p.Window(ctx, "M-1")
	if err != nil || w.Kind != maint.KindEmergency || !w.Start.Equal(emgStart) || !w.End.Equal(emgStart.Add(2*time.Hour)) ||
		w.Title != "Emergency maintenance: api down" || len(w.Scope) != 0 || w.CreatedBy != "@alice" {
		t.Fatalf("window = %+v, %v", w, err)
	}
	if reason, ok := p.Calendar().Suppressed(ctx, "web", emgStart.Add(time.Minute)); !ok || !strings.Contains(reason, "M-1") {
		t.Errorf("pages are not held: %q, %v", reason, ok)
	}

	if _, err := desk.Mark(ctx, e.ID, 1, "", "@bob", emgStart); !errors.Is(err, maint.ErrInvalid) {
		t.Errorf("the decision without a choice: %v, want ErrInvalid", err)
	}
	if _, err := desk.Mark(ctx, e.ID, 0, "Go", "@bob", emgStart); !errors.Is(err, maint.ErrInvalid) {
		t.Errorf("the assessment with a choice: %v, want ErrInvalid", err)
	}
	if _, err := desk.Mark(ctx, e.ID, 6, "", "@bob", emgStart); !errors.Is(err, maint.ErrInvalid) {
		t.Errorf("step 6: %v, want ErrInvalid", err)
	}
	if _, err := desk.Mark(ctx, "E-9", 0, "", "@bob", emgStart); !errors.Is(err, maint.ErrUnknownEmergency) {
		t.Errorf("E-9: %v, want ErrUnknownEmergency", err)
	}

	at := emgStart
	for i, s := range desk.Steps() {
		at = at.Add(5 * time.Minute)
		note := ""
		if i == 1 {
			note = "Go"
		}
		m, err := desk.Mark(ctx, e.ID, i, note, "@bob", at)
		last := i == len(desk.Steps())-1
		if err != nil || !m.First || m.Step.Name != s.Name || m.Done.Note != note || m.Closed != last || len(m.Emergency.Done) != i+1 {
			t.Fatalf("Mark %s = %+v, %v", s.Name, m, err)
		}
		if again, err := desk.Mark(ctx, e.ID, i, note, "@carol", at.Add(time.Second)); err != nil || again.First || again.Done.By != "@bob" || again.Closed {
			t.Fatalf("second Mark %s = %+v, %v", s.Name, again, err)
		}
	}
	got, err := s.Emergencies().Get(ctx, e.ID)
	if err != nil || !got.Closed.Equal(at) {
		t.Fatalf("after the last step: %+v, %v", got, err)
	}
	if w, err := p.Window(ctx, "M-1"); err != nil || !w.EndedAt.Equal(at) {
		t.Errorf("window after the last step = %+v, %v", w, err)
	}
	if reason, ok := p.Calendar().Suppressed(ctx, "web", at.Add(time.Minute)); ok {
		t.Errorf("pages still held: %q", reason)
	}
}

// TestEmergencyDeskClosesAfterTheWindow checks that a procedure completed
// after its window ran out closes all the same.
func TestEmergencyDeskClosesAfterTheWindow(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	steps := []maint.Step{{Name: maint.StepFix}}
	desk := maint.EmergencyDesk{Store: s.Emergencies(), Windows: maint.Planner{Store: s.Maintenance()}, StepList: steps}
	e, err := desk.Start(t.Context(), "disk full", "@alice", emgStart)
	if err != nil {
		t.Fatal(err)
	}
	m, err := desk.Mark(t.Context(), e.ID, 0, "", "@bob", emgStart.Add(3*time.Hour))
	if err != nil || !m.Closed || !m.Emergency.Closed.Equal(emgStart.Add(3*time.Hour)) {
		t.Fatalf("Mark = %+v, %v", m, err)
	}
	if open, err := s.Emergencies().Open(t.Context()); err != nil || len(open) != 0 {
		t.Errorf("Open = %+v, %v", open, err)
	}
}

func TestEmergencyDeskWithoutWindows(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	desk := maint.EmergencyDesk{Store: s.Emergencies()}
	e, err := desk.Start(t.Context(), "disk full", "@alice", emgStart)
	if err != nil || e.Window != "" {
		t.Fatalf("Start = %+v, %v", e, err)
	}
	// A refused emergency leaves no window open.
	withWindows := maint.EmergencyDesk{Store: s.Emergencies(), Windows: maint.Planner{Store: s.Maintenance()}}
	if _, err := withWindows.Start(t.Context(), " ", "@alice", emgStart); err == nil {
		t.Fatal("Start without a reason succeeded")
	}
	if w, err := s.Maintenance().Get(t.Context(), "M-1"); err != nil || !w.EndedAt.Equal(emgStart) {
		t.Errorf("the refused emergency's window = %+v, %v; want it ended", w, err)
	}
}
