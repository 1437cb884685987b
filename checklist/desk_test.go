package checklist_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checklist"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// TestDeskOnStorage runs the desk on the real store: a list of its own,
// an unknown kind, and the errors a stale button meets.
func TestDeskOnStorage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	d := checklist.Desk{
		Store: storagetest.Open(t).Checklists(),
		Lists: []checklist.List{{Kind: "release", Title: "Release", Items: []checklist.Item{
			{ID: "r1", Text: "Staging green", Verify: "health"},
			{ID: "r2", Text: "Changelog written"},
		}}},
		Verifier: &fixedVerifier{evidence: map[string]string{"health": "ok"}, calls: map[string]int{}},
	}
	if got := d.Kinds(); !slices.Equal(got, []string{"release"}) {
		t.Errorf("Kinds = %v", got)
	}
	if _, err := d.Post(t.Context(), "daily", 1, now); !errors.Is(err, checklist.ErrUnknownKind) {
		t.Errorf("Post of a kind not in Lists error = %v, want ErrUnknownKind", err)
	}
	run, err := d.Post(t.Context(), "release", 1, now)
	if err != nil || run.ID != "CL-1" || run.Done() != 1 || run.Ticks["r1"].Evidence != "ok" {
		t.Fatalf("Post = %+v, %v; want CL-1 with r1 ticked automatically", run, err)
	}
	res, err := d.Tick(t.Context(), "CL-1", "r2", "@alice", now.Add(time.Minute))
	if err != nil || !res.First || res.Item.Text != "Changelog written" || res.Run.Done() != 2 || res.Tick.By != "@alice" {
		t.Fatalf("Tick = %+v, %v", res, err)
	}
	if _, err := d.Tick(t.Context(), "CL-2", "r2", "@alice", now); !errors.Is(err, checklist.ErrNotFound) {
		t.Errorf("Tick of an unknown run error = %v, want ErrNotFound", err)
	}
	if _, err := d.Tick(t.Context(), "CL-1", "r9", "@alice", now); !errors.Is(err, checklist.ErrUnknownItem) {
		t.Errorf("Tick of an unknown item error = %v, want ErrUnknownItem", err)
	}
	if kinds := (checklist.Desk{}).Kinds(); !slices.Equal(kinds, []string{"daily", "weekly", "monthly"}) {
		t.Errorf("default Kinds = %v", kinds)
	}
}
