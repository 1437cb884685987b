package maint_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/storage/storagetest"
)

func TestDueMissedPingsEachStepOnce(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	store := s.Emergencies()
	desk := maint.EmergencyDesk{Store: store}
	steps := desk.Steps()
	ctx := t.Context()
	e1, err := desk.Start(ctx, "api down", "@alice", emgStart)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := desk.Start(ctx, "disk full", "@alice", emgStart.Add(20*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	due := func(at time.Duration, want ...string) []maint.MissedStep {
		t.Helper()
		got, err := maint.DueMissed(ctx, store, steps, emgStart.Add(at))
		if err != nil {
			t.Fatalf("DueMissed at +%s: %v", at, err)
		}
		names := []string{}
		for _, m := range got {
			names = append(names, m.Emergency.ID+" "+m.Step.Name)
		}
		if !slices.Equal(names, want) {
			t.Fatalf("DueMissed at +%s = %v, want %v", at, names, want)
		}
		return got
	}

	due(0)
	due(15 * time.Minute) // on time at the deadline itself
	got := due(15*time.Minute+time.Nanosecond, "E-1 assessment")
	if !got[0].Due.Equal(emgStart.Add(15*time.Minute)) || got[0].Emergency.Reason != "api down" {
		t.Errorf("missed = %+v", got[0])
	}
	due(15*time.Minute + time.Nanosecond) // once
	due(20 * time.Minute)

	// The decision is done (late, but done): only the notice is nudged.
	if _, err := desk.Mark(ctx, e1.ID, 1, "Go", "@bob", emgStart.Add(25*time.Minute)); err != nil {
		t.Fatal(err)
	}
	due(31*time.Minute, "E-1 notice")
	due(35*time.Minute+time.Nanosecond, "E-2 assessment")

	// A closed emergency is nudged no more.
	if err := store.Close(ctx, e2.ID, emgStart.Add(40*time.Minute)); err != nil {
		t.Fatal(err)
	}
	due(24 * time.Hour)
}

// TestDueMissedOnceAcrossSchedulers runs DueMissed from four schedulers at
// once: each missed step comes out of exactly one (storage's tests claim
// across two clients).
func TestDueMissedOnceAcrossSchedulers(t *testing.T) {
	t.Parallel()
	a := storagetest.Open(t)
	e, err := a.Emergencies().Start(t.Context(), maint.Emergency{Reason: "api down", By: "@alice", StartedAt: emgStart})
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		got []string
	)
	for w := range 4 {
		wg.Go(func() {
			missed, err := maint.DueMissed(t.Context(), a.Emergencies(), maint.EmergencySteps(), emgStart.Add(time.Hour+time.Duration(w)))
			if err != nil {
				t.Errorf("scheduler %d: %v", w, err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, m := range missed {
				got = append(got, m.Emergency.ID+" "+m.Step.Name)
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	if want := []string{e.ID + " assessment", e.ID + " decision", e.ID + " notice"}; !slices.Equal(got, want) {
		t.Errorf("nudges = %v, want %v", got, want)
	}
}
