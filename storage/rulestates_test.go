package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/storage/storagetest"
)

func TestRuleStatesSurviveAReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	first := storagetest.OpenAt(t, dir)
	states := first.RuleStates()
	pending := checks.RuleState{Rule: "health-check-failure", Check: "health", State: checks.StatePending, Since: at, LastChange: at}
	if err := states.SaveState(ctx, pending); err != nil {
		t.Fatal(err)
	}
	firing := pending
	firing.State, firing.FiredAt, firing.LastChange = checks.StateFiring, at.Add(2*time.Minute), at.Add(2*time.Minute)
	if err := states.SaveState(ctx, firing); err != nil {
		t.Fatal(err)
	}
	other := checks.RuleState{Rule: "database-connectivity", Check: "mongodb", State: checks.StateInactive, LastChange: at}
	if err := states.SaveState(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(ctx); err != nil {
		t.Fatal(err)
	}

	got, err := storagetest.OpenAt(t, dir).RuleStates().LoadStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]checks.RuleState{}
	for _, s := range got {
		byKey[s.Key()] = s
	}
	if len(got) != 2 {
		t.Fatalf("got %d states: %+v", len(got), got)
	}
	if s := byKey[firing.Key()]; s.State != checks.StateFiring || !s.FiredAt.Equal(firing.FiredAt) || !s.Since.Equal(at) {
		t.Fatalf("firing state came back as %+v", s)
	}
	if s := byKey[other.Key()]; s.State != checks.StateInactive {
		t.Fatalf("inactive state came back as %+v", s)
	}
}
