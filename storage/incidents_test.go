package storage_test

import (
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

var incT0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// builder returns the build function of an Open for check/target at at,
// counting its calls.
func builder(t *testing.T, check string, at time.Time, calls *int) func(int64) (incident.Incident, error) {
	return func(seq int64) (incident.Incident, error) {
		if calls != nil {
			*calls++
		}
		inc, _, err := incident.Open(incident.OpenParams{
			Seq: seq, Check: check, Target: "https://api.example.com", Rule: "health-check-failure",
			Severity: checks.SeverityCritical, Summary: "503", At: at, Policy: incident.DefaultPolicy(),
		})
		return inc, err
	}
}

func fp(check string) string {
	return incident.Fingerprint(check, "https://api.example.com", "health-check-failure")
}

func mustOpen(t *testing.T, r *storage.Incidents, check string, at time.Time) (incident.Incident, bool) {
	t.Helper()
	inc, created, err := r.Open(t.Context(), fp(check), builder(t, check, at, nil))
	if err != nil {
		t.Fatalf("Open(%s): %v", check, err)
	}
	return inc, created
}

func mustUpdate(t *testing.T, r *storage.Incidents, prev int64, inc incident.Incident, err error) incident.Incident {
	t.Helper()
	if err != nil {
		t.Fatalf("command: %v", err)
	}
	if err := r.Update(t.Context(), prev, inc); err != nil {
		t.Fatalf("Update(%s, %d -> %d): %v", inc.ID, prev, inc.Rev, err)
	}
	return inc
}

func TestIncidentsOpenDedupAndIDs(t *testing.T) {
	t.Parallel()
	r := storagetest.Open(t).Incidents()
	ctx := t.Context()

	first, created := mustOpen(t, r, "health", incT0)
	if !created || first.ID != "INC-1" || first.Seq != 1 {
		t.Fatalf("first Open = %s (seq %d), created %v; want INC-1, true", first.ID, first.Seq, created)
	}
	calls := 0
	again, created, err := r.Open(ctx, fp("health"), builder(t, "health", incT0.Add(time.Minute), &calls))
	if err != nil || created || again.ID != "INC-1" || calls != 0 {
		t.Fatalf("repeat Open = %s, created %v, %v, build calls %d; want INC-1, false, nil, 0", again.ID, created, err, calls)
	}
	second, created := mustOpen(t, r, "disk", incT0)
	if !created || second.ID != "INC-2" {
		t.Fatalf("other fingerprint = %s, %v; want INC-2, true", second.ID, created)
	}

	got, err := r.Get(ctx, "INC-1")
	if err != nil || got.Fingerprint != fp("health") || len(got.Timeline) != len(first.Timeline) || got.Rev != first.Rev ||
		!got.OpenedAt.Equal(incT0) || got.Policy.Top() != first.Policy.Top() {
		t.Fatalf("Get(INC-1) = %+v, %v", got, err)
	}
	if _, err := r.Get(ctx, "INC-99"); !errors.Is(err, storage.ErrIncidentNotFound) {
		t.Errorf("Get(INC-99) error = %v, want ErrIncidentNotFound", err)
	}
	if inc, ok, err := r.ByFingerprint(ctx, fp("disk")); err != nil || !ok || inc.ID != "INC-2" {
		t.Errorf("ByFingerprint(disk) = %s, %v, %v", inc.ID, ok, err)
	}
	if _, ok, err := r.ByFingerprint(ctx, fp("none")); err != nil || ok {
		t.Errorf("ByFingerprint(none) = %v, %v; want false", ok, err)
	}

	// A build that does not use the number it is given is refused.
	_, _, err = r.Open(ctx, fp("cpu"), func(int64) (incident.Incident, error) {
		return builder(t, "cpu", incT0, nil)(77)
	})
	if !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("Open with a wrong build error = %v, want ErrInvalid", err)
	}
}

// TestIncidentsConcurrentOpen opens one fingerprint from two clients at
// once: exactly one incident is created, and everybody gets it.
func TestIncidentsConcurrentOpen(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	const workers = 8
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		ids     = map[string]int{}
		created int
	)
	for i := range workers {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			inc, c, err := s.Incidents().Open(t.Context(), fp("health"), builder(t, "health", incT0, nil))
			if err != nil {
				t.Errorf("Open: %v", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			ids[inc.ID]++
			if c {
				created++
			}
		})
	}
	wg.Wait()
	if created != 1 || len(ids) != 1 {
		t.Fatalf("created %d, ids %v; want one incident for all", created, ids)
	}
	list, err := a.Incidents().List(t.Context(), storage.ListFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %d incidents, %v; want 1", len(list), err)
	}
}

func TestIncidentsUpdateConflict(t *testing.T) {
	t.Parallel()
	r := storagetest.Open(t).Incidents()
	ctx := t.Context()
	inc, _ := mustOpen(t, r, "health", incT0)

	acked, _, err := incident.Acknowledge(inc, "alice", incT0.Add(time.Minute))
	acked = mustUpdate(t, r, inc.Rev, acked, err)

	// bob started from the same revision: his write must not win silently.
	commented, _, err := incident.Comment(inc, "bob", "looking", incT0.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Update(ctx, inc.Rev, commented); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("stale Update error = %v, want ErrConflict", err)
	}
	got, err := r.Get(ctx, inc.ID)
	if err != nil || got.Status != incident.StatusAcknowledged || got.Rev != acked.Rev || got.AcknowledgedBy != "alice" {
		t.Fatalf("after conflict Get = %s rev %d by %q, %v; want acknowledged rev %d", got.Status, got.Rev, got.AcknowledgedBy, err, acked.Rev)
	}
	// Retried on the current revision, it goes through.
	commented, _, err = incident.Comment(got, "bob", "looking", incT0.Add(2*time.Minute))
	mustUpdate(t, r, got.Rev, commented, err)
	if got, _ := r.Get(ctx, inc.ID); got.Rev != commented.Rev || len(got.Timeline) != len(commented.Timeline) {
		t.Fatalf("Get after retry: rev %d, %d entries; want %d, %d", got.Rev, len(got.Timeline), commented.Rev, len(commented.Timeline))
	}
	if err := r.Update(ctx, commented.Rev, commented); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("Update without a new revision error = %v, want ErrInvalid", err)
	}
}

// TestIncidentsConcurrentUpdates races writers from one revision on two
// clients: exactly one wins.
func TestIncidentsConcurrentUpdates(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	inc, _ := mustOpen(t, a.Incidents(), "health", incT0)
	const workers = 6
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for i := range workers {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			next, _, err := incident.Comment(inc, "user", "note", incT0.Add(time.Minute))
			if err != nil {
				t.Error(err)
				return
			}
			err = s.Incidents().Update(t.Context(), inc.Rev, next)
			switch {
			case err == nil:
				mu.Lock()
				wins++
				mu.Unlock()
			case !errors.Is(err, storage.ErrConflict):
				t.Errorf("Update: %v", err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d updates from one revision won, want 1", wins)
	}
}

// TestIncidentsReopenRacesOpen reopens a resolved incident on one client
// while the other opens its fingerprint: one unresolved incident remains.
func TestIncidentsReopenRacesOpen(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	for round := range 4 {
		check := "svc" + string(rune('a'+round))
		inc, _ := mustOpen(t, a.Incidents(), check, incT0)
		resolved, _, err := incident.Resolve(inc, "", "", incT0.Add(time.Minute))
		resolved = mustUpdate(t, a.Incidents(), inc.Rev, resolved, err)
		reopened, _, err := incident.Reopen(resolved, incT0.Add(2*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		var (
			wg        sync.WaitGroup
			reopenErr error
			opened    [3]incident.Incident
		)
		wg.Go(func() { reopenErr = a.Incidents().Update(t.Context(), resolved.Rev, reopened) })
		for i := range opened {
			wg.Go(func() {
				got, _, err := b.Incidents().Open(t.Context(), fp(check), builder(t, check, incT0.Add(2*time.Minute), nil))
				if err != nil {
					t.Errorf("Open: %v", err)
				}
				opened[i] = got
			})
		}
		wg.Wait()
		if reopenErr != nil && !errors.Is(reopenErr, storage.ErrFingerprintTaken) {
			t.Fatalf("reopen: %v", reopenErr)
		}
		holder, ok, err := a.Incidents().ByFingerprint(t.Context(), fp(check))
		if err != nil || !ok {
			t.Fatalf("ByFingerprint = %v, %v", ok, err)
		}
		if (reopenErr == nil) != (holder.ID == inc.ID) {
			t.Errorf("round %d: reopen error %v, but %s holds the fingerprint", round, reopenErr, holder.ID)
		}
		for _, o := range opened {
			if o.ID != holder.ID {
				t.Errorf("round %d: Open returned %s, holder is %s", round, o.ID, holder.ID)
			}
		}
		open, err := a.Incidents().List(t.Context(), storage.ListFilter{Status: storage.ListOpen, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, o := range open {
			if o.Fingerprint == fp(check) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("round %d: %d unresolved incidents for one fingerprint", round, n)
		}
	}
}

func TestIncidentsResolveReopen(t *testing.T) {
	t.Parallel()
	r := storagetest.Open(t).Incidents()
	ctx := t.Context()
	one, _ := mustOpen(t, r, "health", incT0)
	resolved, _, err := incident.Resolve(one, "", "", incT0.Add(time.Minute))
	resolved = mustUpdate(t, r, one.Rev, resolved, err)
	if _, ok, err := r.ByFingerprint(ctx, fp("health")); err != nil || ok {
		t.Fatalf("ByFingerprint after resolve = %v, %v; want none", ok, err)
	}

	// The fingerprint fails again: a new incident.
	two, created := mustOpen(t, r, "health", incT0.Add(2*time.Minute))
	if !created || two.ID != "INC-2" {
		t.Fatalf("Open after resolve = %s, %v; want INC-2, true", two.ID, created)
	}
	// INC-1 cannot be reopened while INC-2 holds the fingerprint.
	reopened, _, err := incident.Reopen(resolved, incT0.Add(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Update(ctx, resolved.Rev, reopened); !errors.Is(err, storage.ErrFingerprintTaken) || !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("reopen while taken error = %v, want ErrFingerprintTaken", err)
	}
	if got, _ := r.Get(ctx, "INC-1"); got.Status != incident.StatusResolved {
		t.Fatalf("INC-1 after refused reopen: %s", got.Status)
	}

	// Once INC-2 is resolved, INC-1 reopens and holds the fingerprint.
	res2, _, err := incident.Resolve(two, "bob", "fixed", incT0.Add(4*time.Minute))
	mustUpdate(t, r, two.Rev, res2, err)
	mustUpdate(t, r, resolved.Rev, reopened, nil)
	if inc, ok, err := r.ByFingerprint(ctx, fp("health")); err != nil || !ok || inc.ID != "INC-1" || inc.Status != incident.StatusOpen {
		t.Fatalf("ByFingerprint after reopen = %s %s, %v, %v; want INC-1 open", inc.ID, inc.Status, ok, err)
	}
	if again, created := mustOpen(t, r, "health", incT0.Add(5*time.Minute)); created || again.ID != "INC-1" {
		t.Fatalf("Open after reopen = %s, %v; want INC-1, false", again.ID, created)
	}
	// Resolve and reopen again: the claim cycle repeats.
	res1, _, err := incident.Resolve(reopened, "", "", incT0.Add(6*time.Minute))
	res1 = mustUpdate(t, r, reopened.Rev, res1, err)
	re2, _, err := incident.Reopen(res1, incT0.Add(7*time.Minute))
	mustUpdate(t, r, res1.Rev, re2, err)
	if inc, ok, _ := r.ByFingerprint(ctx, fp("health")); !ok || inc.ID != "INC-1" || inc.Reopened != 2 {
		t.Fatalf("ByFingerprint after second reopen = %s, %v (reopened %d)", inc.ID, ok, inc.Reopened)
	}
}

// TestIncidentsCrashWindows simulates the crashes between the steps of
// Open and Update by writing the intermediate states directly.
func TestIncidentsCrashWindows(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	r := s.Incidents()
	ctx := t.Context()
	db := s.Database()

	// Open crashed after claiming INC-7 for the fingerprint: the next Open
	// completes it under that id.
	if _, err := db.Collection(storage.OpenFingerprintsCollection).InsertOne(ctx,
		bson.D{{Key: "_id", Value: fp("health")}, {Key: "incident", Value: "INC-7"}, {Key: "rev", Value: int64(0)}, {Key: "at", Value: time.Now().Add(-time.Second)}}); err != nil {
		t.Fatal(err)
	}
	inc, created := mustOpen(t, r, "health", incT0)
	if !created || inc.ID != "INC-7" {
		t.Fatalf("Open over an orphan claim = %s, %v; want INC-7, true", inc.ID, created)
	}

	// Update crashed after its commit, before writing the document: reads
	// roll forward.
	acked, _, err := incident.Acknowledge(inc, "alice", incT0.Add(time.Minute))
	acked = mustUpdate(t, r, inc.Rev, acked, err)
	if _, err := db.Collection(storage.IncidentsCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: inc.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "rev", Value: inc.Rev}, {Key: "status", Value: incident.StatusOpen}}}}); err != nil {
		t.Fatal(err)
	}
	if got, err := r.Get(ctx, inc.ID); err != nil || got.Rev != acked.Rev || got.Status != incident.StatusAcknowledged {
		t.Fatalf("Get after lost write = rev %d %s, %v; want rev %d acknowledged", got.Rev, got.Status, err, acked.Rev)
	}
	// And an update from the stale document's revision still conflicts.
	stale, _, _ := incident.Comment(inc, "bob", "x", incT0.Add(2*time.Minute))
	if err := r.Update(ctx, inc.Rev, stale); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("Update from a superseded revision error = %v, want ErrConflict", err)
	}

	// Resolve crashed after its commit, before releasing the fingerprint:
	// the next Open releases it and opens a new incident.
	resolved, _, err := incident.Resolve(acked, "", "", incT0.Add(3*time.Minute))
	mustUpdate(t, r, acked.Rev, resolved, err)
	if _, err := db.Collection(storage.OpenFingerprintsCollection).InsertOne(ctx,
		bson.D{{Key: "_id", Value: fp("health")}, {Key: "incident", Value: "INC-7"}, {Key: "rev", Value: int64(0)}, {Key: "at", Value: time.Now().Add(-time.Second)}}); err != nil {
		t.Fatal(err)
	}
	next, created := mustOpen(t, r, "health", incT0.Add(4*time.Minute))
	if !created || next.ID == "INC-7" {
		t.Fatalf("Open over a left-over claim = %s, %v; want a new incident", next.ID, created)
	}
}

func TestIncidentsDueSurvivesRestart(t *testing.T) {
	t.Parallel()
	if os.Getenv(storagetest.EnvURI) != "" {
		t.Skip("restart needs the embedded server")
	}
	dir := t.TempDir()
	s := storagetest.OpenAt(t, dir)
	r := s.Incidents()
	one, _ := mustOpen(t, r, "health", incT0)
	two, _ := mustOpen(t, r, "disk", incT0.Add(time.Minute))
	three, _ := mustOpen(t, r, "cpu", incT0)
	acked, _, err := incident.Acknowledge(three, "alice", incT0.Add(time.Second))
	mustUpdate(t, r, three.Rev, acked, err)
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}

	r = storagetest.OpenAt(t, dir).Incidents()
	ctx := t.Context()
	first, _ := incident.NextTimer(one)
	if due, err := r.Due(ctx, first.Add(-time.Second), 0); err != nil || len(due) != 0 {
		t.Fatalf("Due before the timer = %d, %v; want none", len(due), err)
	}
	due, err := r.Due(ctx, first.Add(time.Hour), 0)
	if err != nil || len(due) != 2 || due[0].ID != one.ID || due[1].ID != two.ID {
		t.Fatalf("Due after restart = %v, %v; want %s, %s", ids(due), err, one.ID, two.ID)
	}
	if due, _ := r.Due(ctx, first.Add(time.Hour), 1); len(due) != 1 || due[0].ID != one.ID {
		t.Fatalf("Due limit 1 = %v; want %s", ids(due), one.ID)
	}
	// Ticked and stored, INC-1's timer moves on.
	ticked, _ := incident.Tick(due[0], first)
	mustUpdate(t, r, one.Rev, ticked, nil)
	if due, _ := r.Due(ctx, first, 0); len(due) != 0 {
		t.Fatalf("Due after tick = %v; want none", ids(due))
	}
}

func TestIncidentsListAndPrune(t *testing.T) {
	t.Parallel()
	r := storagetest.Open(t).Incidents()
	ctx := t.Context()
	old, _ := mustOpen(t, r, "health", incT0.Add(-48*time.Hour))
	mustOpen(t, r, "disk", incT0.Add(-time.Hour))
	mustOpen(t, r, "cpu", incT0.Add(time.Hour))
	resolved, _, err := incident.Resolve(old, "", "", incT0.Add(-47*time.Hour))
	mustUpdate(t, r, old.Rev, resolved, err)

	check := func(f storage.ListFilter, want ...string) {
		t.Helper()
		got, err := r.List(ctx, f)
		if err != nil {
			t.Fatalf("List(%+v): %v", f, err)
		}
		if g := ids(got); !equal(g, want) {
			t.Errorf("List(%+v) = %v, want %v", f, g, want)
		}
	}
	check(storage.ListFilter{}, "INC-3", "INC-2", "INC-1")
	check(storage.ListFilter{Status: storage.ListAll, Limit: 2}, "INC-3", "INC-2")
	check(storage.ListFilter{Status: storage.ListOpen}, "INC-3", "INC-2")
	check(storage.ListFilter{Status: storage.ListToday, Since: incT0.Truncate(24 * time.Hour)}, "INC-3", "INC-2")
	if _, err := r.List(ctx, storage.ListFilter{Status: storage.ListToday}); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("List(today) without Since error = %v, want ErrInvalid", err)
	}

	n, err := r.Prune(ctx, incT0.Add(-24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1", n, err)
	}
	check(storage.ListFilter{}, "INC-3", "INC-2")
	if _, err := r.Get(ctx, "INC-1"); !errors.Is(err, storage.ErrIncidentNotFound) {
		t.Errorf("Get(INC-1) after prune error = %v", err)
	}
	if n, err := r.Prune(ctx, incT0.Add(24*time.Hour)); err != nil || n != 0 {
		t.Errorf("Prune of open incidents = %d, %v; want 0", n, err)
	}
	// The pruned incident's fingerprint opens anew, with a new number.
	if inc, created := mustOpen(t, r, "health", incT0); !created || inc.ID != "INC-4" {
		t.Errorf("Open after prune = %s, %v; want INC-4, true", inc.ID, created)
	}
}

func ids(incs []incident.Incident) []string {
	out := make([]string, len(incs))
	for i, inc := range incs {
		out[i] = inc.ID
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
