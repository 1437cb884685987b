package storage_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// openGrouped opens an incident for check in storm group.
func openGrouped(t *testing.T, r *storage.Incidents, check, group string, at time.Time) incident.Incident {
	t.Helper()
	build := builder(t, check, at, nil)
	inc, created, err := r.Open(t.Context(), fp(check), func(seq int64) (incident.Incident, error) {
		inc, err := build(seq)
		inc.Group = group
		return inc, err
	})
	if err != nil || !created {
		t.Fatalf("Open(%s) = %v, %v", check, created, err)
	}
	return inc
}

// lag writes stale over the stored copy of an incident, as an Update that
// committed its revision but crashed before writing the copy leaves it.
func lag(t *testing.T, s *storage.Store, stale incident.Incident) {
	t.Helper()
	if _, err := s.Database().Collection(storage.IncidentsCollection).UpdateOne(t.Context(), bson.D{{Key: "_id", Value: stale.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "rev", Value: stale.Rev}, {Key: "status", Value: stale.Status}, {Key: "group", Value: stale.Group}}}}); err != nil {
		t.Fatal(err)
	}
}

func TestIncidentsUnresolved(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	r := s.Incidents()
	ctx := t.Context()
	// Claims are scanned in fingerprint order; the result is in Seq order.
	zeta, _ := mustOpen(t, r, "zeta", incT0)
	mid, _ := mustOpen(t, r, "mid", incT0)
	alpha, _ := mustOpen(t, r, "alpha", incT0)
	gone, _ := mustOpen(t, r, "gone", incT0)
	if got, err := r.Unresolved(ctx); err != nil || !equal(ids(got), ids([]incident.Incident{zeta, mid, alpha, gone})) {
		t.Fatalf("Unresolved = %v, %v; want INC-1..4", ids(got), err)
	}

	// Acknowledged, with the copy lagging: still unresolved, at its latest revision.
	acked, _, err := incident.Acknowledge(mid, "alice", incT0.Add(time.Minute))
	acked = mustUpdate(t, r, mid.Rev, acked, err)
	lag(t, s, mid)
	// Resolved, with the copy lagging and the claim not released: resolved.
	resolved, _, err := incident.Resolve(alpha, "", "", incT0.Add(time.Minute))
	mustUpdate(t, r, alpha.Rev, resolved, err)
	lag(t, s, alpha)
	if _, err := s.Database().Collection(storage.OpenFingerprintsCollection).InsertOne(ctx,
		bson.D{{Key: "_id", Value: fp("alpha")}, {Key: "incident", Value: alpha.ID}, {Key: "rev", Value: int64(0)}, {Key: "at", Value: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	// Resolved and released.
	res, _, err := incident.Resolve(gone, "bob", "", incT0.Add(time.Minute))
	mustUpdate(t, r, gone.Rev, res, err)

	got, err := r.Unresolved(ctx)
	if err != nil || !equal(ids(got), []string{zeta.ID, mid.ID}) {
		t.Fatalf("Unresolved = %v, %v; want %s, %s", ids(got), err, zeta.ID, mid.ID)
	}
	if got[1].Rev != acked.Rev || got[1].Status != incident.StatusAcknowledged {
		t.Fatalf("Unresolved %s at rev %d %s; want rev %d acknowledged", mid.ID, got[1].Rev, got[1].Status, acked.Rev)
	}
	if due, err := r.Due(ctx, incT0.Add(24*time.Hour), 0); err != nil || !equal(ids(due), []string{zeta.ID}) {
		t.Fatalf("Due = %v, %v; want only the open %s", ids(due), err, zeta.ID)
	}
}

func TestIncidentsByGroup(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	r := s.Incidents()
	ctx := t.Context()
	a := openGrouped(t, r, "a", "S-1", incT0)
	openGrouped(t, r, "b", "S-2", incT0)
	mustOpen(t, r, "c", incT0) // on its own
	d := openGrouped(t, r, "d", "S-1", incT0)
	e := openGrouped(t, r, "e", "S-1", incT0)

	byGroup := func(group string, want ...string) []incident.Incident {
		t.Helper()
		got, err := r.ByGroup(ctx, group)
		if err != nil || !equal(ids(got), want) {
			t.Fatalf("ByGroup(%s) = %v, %v; want %v", group, ids(got), err, want)
		}
		return got
	}
	byGroup("S-1", a.ID, d.ID, e.ID)
	byGroup("S-2", "INC-2")
	byGroup("S-9")
	if _, err := r.ByGroup(ctx, ""); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("ByGroup(\"\") error = %v, want ErrInvalid", err)
	}

	// Resolved members stay; a lagging copy is rolled forward; a member
	// that left the group in a revision the copy lacks is dropped.
	resolved, _, err := incident.Resolve(a, "alice", "", incT0.Add(time.Minute))
	resolved = mustUpdate(t, r, a.Rev, resolved, err)
	lag(t, s, a)
	acked, _, err := incident.Acknowledge(d, "bob", incT0.Add(time.Minute))
	acked = mustUpdate(t, r, d.Rev, acked, err)
	moved := e
	moved.Group, moved.Rev = "S-2", e.Rev+1
	mustUpdate(t, r, e.Rev, moved, nil)
	lag(t, s, e)

	got := byGroup("S-1", a.ID, d.ID)
	if got[0].Status != incident.StatusResolved || got[0].Rev != resolved.Rev || got[1].Rev != acked.Rev {
		t.Fatalf("ByGroup(S-1) = %s rev %d, %s rev %d; want resolved rev %d, rev %d",
			got[0].Status, got[0].Rev, got[1].Status, got[1].Rev, resolved.Rev, acked.Rev)
	}
	byGroup("S-2", "INC-2", e.ID)
	if names := indexNames(t, s, storage.IncidentsCollection); !slices.Contains(names, "group_1") {
		t.Errorf("incidents indexes = %v, want group_1 among them", names)
	}
}

func TestIncidentsLastResolved(t *testing.T) {
	ctx := t.Context()
	incs := storagetest.Open(t).Incidents()
	fp := incident.Fingerprint("health", "", "health-check-failure")
	if _, ok, err := incs.LastResolved(ctx, fp); err != nil || ok {
		t.Fatalf("LastResolved of an unknown fingerprint = %v, %v; want none", ok, err)
	}
	inc, _, err := incs.Open(ctx, fp, func(seq int64) (incident.Incident, error) {
		inc, _, err := incident.Open(incident.OpenParams{Seq: seq, Check: "health", Rule: "health-check-failure",
			Severity: "critical", At: time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC), Policy: incident.DefaultPolicy()})
		return inc, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := incs.LastResolved(ctx, fp); err != nil || ok {
		t.Fatalf("LastResolved while %s is open = %v, %v; want none", inc.ID, ok, err)
	}
	resolved, _, err := incident.Resolve(inc, "@alice", "", inc.OpenedAt.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := incs.Update(ctx, inc.Rev, resolved); err != nil {
		t.Fatal(err)
	}
	got, ok, err := incs.LastResolved(ctx, fp)
	if err != nil || !ok || got.ID != inc.ID || got.Status != incident.StatusResolved {
		t.Fatalf("LastResolved = %s %s %v %v, want %s resolved", got.ID, got.Status, ok, err, inc.ID)
	}
}
