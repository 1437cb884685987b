package storage_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// What maint's desk and DueMissed use.
var (
	_ maint.EmergencyStore = (*storage.Emergencies)(nil)
	_ maint.PingStore      = (*storage.Emergencies)(nil)
)

var emgT0 = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

func mustStart(t *testing.T, m *storage.Emergencies, reason string, at time.Time) maint.Emergency {
	t.Helper()
	e, err := m.Start(t.Context(), maint.Emergency{Reason: reason, By: "@alice", StartedAt: at, Window: "M-4"})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return e
}

func TestEmergenciesStartDoneClose(t *testing.T) {
	t.Parallel()
	m := storagetest.Open(t).Emergencies()
	ctx := t.Context()

	// Sub-millisecond times are kept as BSON keeps them.
	e := mustStart(t, m, "api down <for all>", emgT0.Add(123456))
	if e.ID != "E-1" || e.Reason != "api down <for all>" || e.By != "@alice" || e.Window != "M-4" ||
		!e.StartedAt.Equal(emgT0) || len(e.Done) != 0 || !e.Closed.IsZero() {
		t.Fatalf("Start = %+v", e)
	}
	if e2 := mustStart(t, m, "disk full", emgT0.Add(time.Minute)); e2.ID != "E-2" {
		t.Fatalf("second id = %s, want E-2", e2.ID)
	}

	bob := maint.StepDone{By: "@bob", At: emgT0.Add(10 * time.Minute)}
	if first, held, err := m.Done(ctx, "E-1", maint.StepAssessment, bob); err != nil || !first || held != bob {
		t.Fatalf("first Done = %v, %+v, %v; want true and bob's", first, held, err)
	}
	carol := maint.StepDone{By: "@carol", At: emgT0.Add(11 * time.Minute)}
	if first, held, err := m.Done(ctx, "E-1", maint.StepAssessment, carol); err != nil || first || held != bob {
		t.Fatalf("second Done = %v, %+v, %v; want false and bob's", first, held, err)
	}
	goDecision := maint.StepDone{By: "@carol", At: emgT0.Add(20 * time.Minute), Note: "Go"}
	if first, _, err := m.Done(ctx, "E-1", maint.StepDecision, goDecision); err != nil || !first {
		t.Fatalf("decision = %v, %v", first, err)
	}
	if first, _, err := m.Done(ctx, "E-2", maint.StepAssessment, carol); err != nil || !first {
		t.Fatalf("the same step of another emergency = %v, %v; want one of its own", first, err)
	}

	got, err := m.Get(ctx, "E-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Done) != 2 || got.Done[maint.StepAssessment] != bob || got.Done[maint.StepDecision] != goDecision || got.Reason != e.Reason {
		t.Fatalf("Get = %+v", got)
	}

	open, err := m.Open(ctx)
	if err != nil || len(open) != 2 || open[0].ID != "E-1" || open[1].ID != "E-2" || len(open[0].Done) != 2 || len(open[1].Done) != 1 {
		t.Fatalf("Open = %+v, %v", open, err)
	}

	closedAt := emgT0.Add(time.Hour)
	if err := m.Close(ctx, "E-1", closedAt); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(ctx, "E-1", closedAt.Add(time.Hour)); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if got, err := m.Get(ctx, "E-1"); err != nil || !got.Closed.Equal(closedAt) {
		t.Fatalf("closed = %v, %v; want the first close's %v", got.Closed, err, closedAt)
	}
	if open, err := m.Open(ctx); err != nil || len(open) != 1 || open[0].ID != "E-2" {
		t.Fatalf("Open after Close = %+v, %v", open, err)
	}
}

func TestEmergenciesErrors(t *testing.T) {
	t.Parallel()
	m := storagetest.Open(t).Emergencies()
	ctx := t.Context()
	mustStart(t, m, "api down", emgT0)
	d := maint.StepDone{By: "@bob", At: emgT0}

	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, storage.ErrEmergencyNotFound) || !errors.Is(err, maint.ErrUnknownEmergency) {
			t.Errorf("%s error = %v, want ErrEmergencyNotFound and maint.ErrUnknownEmergency", what, err)
		}
	}
	_, err := m.Get(ctx, "E-9")
	notFound("Get", err)
	_, _, err = m.Done(ctx, "E-9", maint.StepFix, d)
	notFound("Done", err)
	_, err = m.Pinged(ctx, "E-9", maint.StepFix, emgT0)
	notFound("Pinged", err)
	notFound("Close", m.Close(ctx, "E-9", emgT0))

	invalid := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("%s error = %v, want ErrInvalid", what, err)
		}
	}
	_, _, err = m.Done(ctx, "E-1", "", d)
	invalid("Done of no step", err)
	_, _, err = m.Done(ctx, "E-1", "fix|ping", d)
	invalid("Done of a step with '|'", err)
	_, _, err = m.Done(ctx, "E-1", maint.StepFix, maint.StepDone{At: emgT0})
	invalid("Done without who", err)
	_, err = m.Pinged(ctx, "E-1", "a|b", emgT0)
	invalid("Pinged of a step with '|'", err)
	for name, e := range map[string]maint.Emergency{
		"no reason": {Reason: " ", By: "@a", StartedAt: emgT0},
		"no by":     {Reason: "x", StartedAt: emgT0},
		"no time":   {Reason: "x", By: "@a"},
		"an id":     {ID: "E-7", Reason: "x", By: "@a", StartedAt: emgT0},
		"steps":     {Reason: "x", By: "@a", StartedAt: emgT0, Done: map[string]maint.StepDone{"fix": d}},
		"closed":    {Reason: "x", By: "@a", StartedAt: emgT0, Closed: emgT0},
	} {
		_, err := m.Start(ctx, e)
		invalid("Start with "+name, err)
	}
	// The refused emergencies took no numbers.
	if e := mustStart(t, m, "again", emgT0); e.ID != "E-2" {
		t.Errorf("next id = %s, want E-2", e.ID)
	}
}

// TestEmergenciesConcurrentDone marks one step from 8 goroutines on two
// clients at once: exactly one record is stored, and every loser learns it.
func TestEmergenciesConcurrentDone(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	e := mustStart(t, a.Emergencies(), "api down", emgT0)
	const workers = 8
	type result struct {
		first bool
		held  maint.StepDone
	}
	var (
		wg      sync.WaitGroup
		results = make([]result, workers)
	)
	for w := range workers {
		m := a.Emergencies()
		if w%2 == 1 {
			m = b.Emergencies()
		}
		wg.Go(func() {
			mine := maint.StepDone{By: fmt.Sprintf("@user%d", w), At: emgT0.Add(time.Duration(w) * time.Second), Note: "Go"}
			first, held, err := m.Done(t.Context(), e.ID, maint.StepDecision, mine)
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
				return
			}
			if first && held != mine {
				t.Errorf("worker %d won but holds %+v", w, held)
			}
			results[w] = result{first, held}
		})
	}
	wg.Wait()
	firsts := 0
	var winner maint.StepDone
	for _, r := range results {
		if r.first {
			firsts++
			winner = r.held
		}
	}
	if firsts != 1 {
		t.Fatalf("%d first records, want exactly 1: %+v", firsts, results)
	}
	for w, r := range results {
		if r.held != winner {
			t.Errorf("worker %d was told %+v, the winner is %+v", w, r.held, winner)
		}
	}
	for _, s := range []*storage.Store{a, b} {
		got, err := s.Emergencies().Get(t.Context(), e.ID)
		if err != nil || got.Done[maint.StepDecision] != winner || len(got.Done) != 1 {
			t.Errorf("Get = %+v, %v; want only the winner's record", got.Done, err)
		}
	}
}

// TestEmergenciesPingedOnceAcrossClients claims one nudge from 8
// goroutines on two clients: exactly one claim wins, and a nudge is not a
// done step.
func TestEmergenciesPingedOnceAcrossClients(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	e := mustStart(t, a.Emergencies(), "api down", emgT0)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		firsts int
	)
	for w := range 8 {
		m := a.Emergencies()
		if w%2 == 1 {
			m = b.Emergencies()
		}
		wg.Go(func() {
			first, err := m.Pinged(t.Context(), e.ID, maint.StepAssessment, emgT0.Add(16*time.Minute))
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firsts != 1 {
		t.Fatalf("%d first claims, want exactly 1", firsts)
	}
	if first, err := a.Emergencies().Pinged(t.Context(), e.ID, maint.StepDecision, emgT0); err != nil || !first {
		t.Errorf("another step's nudge = %v, %v; want its own claim", first, err)
	}
	if got, err := b.Emergencies().Get(t.Context(), e.ID); err != nil || len(got.Done) != 0 {
		t.Errorf("Get after nudges = %+v, %v; want no step done", got.Done, err)
	}
	// A done step is not a claimed nudge, nor the other way round.
	if first, _, err := a.Emergencies().Done(t.Context(), e.ID, maint.StepAssessment, maint.StepDone{By: "@bob", At: emgT0}); err != nil || !first {
		t.Errorf("Done after its nudge = %v, %v; want first", first, err)
	}
}

func TestEmergenciesPrune(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	m := s.Emergencies()
	ctx := t.Context()
	day := 24 * time.Hour
	old := mustStart(t, m, "old", emgT0.Add(-40*day))
	kept := mustStart(t, m, "kept", emgT0)
	for _, e := range []maint.Emergency{old, kept} {
		if _, _, err := m.Done(ctx, e.ID, maint.StepAssessment, maint.StepDone{By: "@bob", At: e.StartedAt}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Pinged(ctx, e.ID, maint.StepDecision, e.StartedAt.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := m.Prune(ctx, emgT0.Add(-30*day)); err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1", n, err)
	}
	if _, err := m.Get(ctx, old.ID); !errors.Is(err, storage.ErrEmergencyNotFound) {
		t.Errorf("Get of a pruned emergency error = %v", err)
	}
	if got, err := m.Get(ctx, kept.ID); err != nil || len(got.Done) != 1 {
		t.Errorf("Get of a kept emergency = %+v, %v", got, err)
	}
	if n, err := s.Database().Collection(storage.EmergencyStepsCollection).CountDocuments(ctx, bson.D{}); err != nil || n != 2 {
		t.Errorf("steps and nudges left = %d, %v; want the kept emergency's 2", n, err)
	}
}
