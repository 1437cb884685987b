package storage_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opsbot/opsbot/checklist"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

var clT0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// clRun is a small run of three items posted at posted.
func clRun(posted time.Time) checklist.Run {
	return checklist.Run{
		Kind: checklist.KindDaily, Title: "Daily", ChatID: -100, Posted: posted,
		Items: []checklist.Item{
			{ID: "d1", Text: "/health returns 200", Section: "System Health", Verify: checklist.VerifyHealth},
			{ID: "d2", Text: "Logs reviewed", Section: "Error Log Review"},
			{ID: "d3", Text: "Backups confirmed", Section: "Database Health"},
		},
	}
}

func mustCreate(t *testing.T, c *storage.Checklists, r checklist.Run) checklist.Run {
	t.Helper()
	got, err := c.Create(t.Context(), r)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return got
}

func TestChecklistsCreateGetTick(t *testing.T) {
	t.Parallel()
	c := storagetest.Open(t).Checklists()
	ctx := t.Context()

	r := clRun(clT0)
	auto := checklist.Tick{By: checklist.ByOpsbot, At: clT0, Evidence: "/health returned 200 at 09:00 UTC"}
	r.Ticks = map[string]checklist.Tick{"d1": auto}
	first := mustCreate(t, c, r)
	second := mustCreate(t, c, clRun(clT0))
	if first.ID != "CL-1" || second.ID != "CL-2" {
		t.Fatalf("ids = %s, %s; want CL-1, CL-2", first.ID, second.ID)
	}

	got, err := c.Get(ctx, "CL-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != r.Kind || got.Title != r.Title || got.ChatID != -100 || !got.Posted.Equal(clT0) || len(got.Items) != 3 || got.Items[0] != r.Items[0] {
		t.Fatalf("Get = %+v, want the run as created", got)
	}
	if len(got.Ticks) != 1 || got.Ticks["d1"] != auto {
		t.Fatalf("ticks = %+v, want only the automatic one", got.Ticks)
	}

	alice := checklist.Tick{By: "@alice", At: clT0.Add(14 * time.Minute)}
	if ok, held, err := c.Tick(ctx, "CL-1", "d2", alice); err != nil || !ok || held != alice {
		t.Fatalf("first Tick = %v, %+v, %v; want true and alice's tick", ok, held, err)
	}
	bob := checklist.Tick{By: "@bob", At: clT0.Add(15 * time.Minute)}
	if ok, held, err := c.Tick(ctx, "CL-1", "d2", bob); err != nil || ok || held != alice {
		t.Fatalf("second Tick = %v, %+v, %v; want false and alice's tick", ok, held, err)
	}
	if ok, _, err := c.Tick(ctx, "CL-2", "d2", bob); err != nil || !ok {
		t.Fatalf("the same item of another run = %v, %v; want a tick of its own", ok, err)
	}
	if got, _ := c.Get(ctx, "CL-1"); got.Ticks["d2"] != alice || len(got.Ticks) != 2 {
		t.Fatalf("ticks after = %+v", got.Ticks)
	}

	if err := c.SetMessage(ctx, "CL-1", -200, 42); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Get(ctx, "CL-1"); got.ChatID != -200 || got.MessageID != 42 {
		t.Fatalf("after SetMessage: chat %d message %d", got.ChatID, got.MessageID)
	}
}

func TestChecklistsErrors(t *testing.T) {
	t.Parallel()
	c := storagetest.Open(t).Checklists()
	ctx := t.Context()
	mustCreate(t, c, clRun(clT0))
	tick := checklist.Tick{By: "@alice", At: clT0}

	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, storage.ErrChecklistNotFound) || !errors.Is(err, checklist.ErrNotFound) {
			t.Errorf("%s error = %v, want ErrChecklistNotFound and checklist.ErrNotFound", what, err)
		}
	}
	_, err := c.Get(ctx, "CL-9")
	notFound("Get", err)
	_, _, err = c.Tick(ctx, "CL-9", "d1", tick)
	notFound("Tick", err)
	notFound("SetMessage", c.SetMessage(ctx, "CL-9", 1, 2))

	if _, _, err := c.Tick(ctx, "CL-1", "d9", tick); !errors.Is(err, storage.ErrInvalid) || !errors.Is(err, checklist.ErrUnknownItem) {
		t.Errorf("Tick of an unknown item error = %v, want ErrInvalid and checklist.ErrUnknownItem", err)
	}
	if _, _, err := c.Tick(ctx, "CL-1", "d1", checklist.Tick{At: clT0}); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("Tick without who error = %v, want ErrInvalid", err)
	}

	bad := map[string]func(r *checklist.Run){
		"no kind":          func(r *checklist.Run) { r.Kind = "" },
		"no items":         func(r *checklist.Run) { r.Items = nil },
		"no posted time":   func(r *checklist.Run) { r.Posted = time.Time{} },
		"duplicate id":     func(r *checklist.Run) { r.Items[1].ID = "d1" },
		"colon in id":      func(r *checklist.Run) { r.Items[1].ID = "d:2" },
		"pipe in id":       func(r *checklist.Run) { r.Items[1].ID = "d|2" },
		"tick of no item":  func(r *checklist.Run) { r.Ticks = map[string]checklist.Tick{"x": tick} },
		"tick without who": func(r *checklist.Run) { r.Ticks = map[string]checklist.Tick{"d1": {At: clT0}} },
	}
	for name, spoil := range bad {
		r := clRun(clT0)
		spoil(&r)
		if _, err := c.Create(ctx, r); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("Create with %s error = %v, want ErrInvalid", name, err)
		}
	}
	// The refused runs took no numbers.
	if r := mustCreate(t, c, clRun(clT0)); r.ID != "CL-2" {
		t.Errorf("next id = %s, want CL-2", r.ID)
	}
}

// TestChecklistsConcurrentTick taps one item from 8 goroutines on two
// clients at once: exactly one tick is stored, and every loser learns it.
func TestChecklistsConcurrentTick(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	run := mustCreate(t, a.Checklists(), clRun(clT0))
	const workers = 8
	type result struct {
		first bool
		held  checklist.Tick
	}
	var (
		wg      sync.WaitGroup
		results = make([]result, workers)
	)
	for w := range workers {
		c := a.Checklists()
		if w%2 == 1 {
			c = b.Checklists()
		}
		wg.Go(func() {
			mine := checklist.Tick{By: fmt.Sprintf("@user%d", w), At: clT0.Add(time.Duration(w) * time.Second)}
			first, held, err := c.Tick(t.Context(), run.ID, "d2", mine)
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
	var winner checklist.Tick
	for _, r := range results {
		if r.first {
			firsts++
			winner = r.held
		}
	}
	if firsts != 1 {
		t.Fatalf("%d first ticks, want exactly 1: %+v", firsts, results)
	}
	for w, r := range results {
		if r.held != winner {
			t.Errorf("worker %d was told %+v, the winner is %+v", w, r.held, winner)
		}
	}
	for _, s := range []*storage.Store{a, b} {
		got, err := s.Checklists().Get(t.Context(), run.ID)
		if err != nil || got.Ticks["d2"] != winner || len(got.Ticks) != 1 {
			t.Errorf("Get = %+v, %v; want only the winner's tick", got.Ticks, err)
		}
	}
}

func TestChecklistsCompletionAndPrune(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	c := s.Checklists()
	ctx := t.Context()
	day := 24 * time.Hour
	old := mustCreate(t, c, clRun(clT0.Add(-day))) // yesterday, 1 of 3 ticked
	r1 := clRun(clT0)                              // today, 2 of 3 ticked (1 at create)
	r1.Ticks = map[string]checklist.Tick{"d1": {By: checklist.ByOpsbot, At: clT0, Evidence: "ok"}}
	today := mustCreate(t, c, r1)
	later := mustCreate(t, c, clRun(clT0.Add(time.Hour))) // today, none ticked
	tick := func(id, item string) {
		t.Helper()
		if ok, _, err := c.Tick(ctx, id, item, checklist.Tick{By: "@alice", At: clT0.Add(2 * time.Hour)}); err != nil || !ok {
			t.Fatalf("Tick(%s, %s) = %v, %v", id, item, ok, err)
		}
	}
	tick(old.ID, "d3")
	tick(today.ID, "d2")
	_ = later

	completion := func(from, to time.Time, wantDone, wantTotal int) {
		t.Helper()
		done, total, err := c.Completion(ctx, from, to)
		if err != nil || done != wantDone || total != wantTotal {
			t.Fatalf("Completion(%s, %s) = %d/%d, %v; want %d/%d", from, to, done, total, err, wantDone, wantTotal)
		}
	}
	completion(clT0, clT0.Add(day), 2, 6)
	completion(clT0.Add(-day), clT0, 1, 3) // to is exclusive
	completion(clT0.Add(-day), clT0.Add(day), 3, 9)
	completion(clT0.Add(2*day), clT0.Add(3*day), 0, 0)

	if n, err := c.Prune(ctx, clT0); err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1", n, err)
	}
	if _, err := c.Get(ctx, old.ID); !errors.Is(err, storage.ErrChecklistNotFound) {
		t.Errorf("Get of a pruned run error = %v, want ErrChecklistNotFound", err)
	}
	completion(clT0.Add(-day), clT0.Add(day), 2, 6)
	if got, err := c.Get(ctx, today.ID); err != nil || len(got.Ticks) != 2 {
		t.Errorf("Get of a kept run = %+v, %v; want its 2 ticks", got.Ticks, err)
	}
	// The pruned run's tick went with it.
	if n, err := s.Database().Collection(storage.ChecklistTicksCollection).CountDocuments(ctx, bson.D{}); err != nil || n != 2 {
		t.Errorf("ticks left = %d, %v; want 2", n, err)
	}
}
