package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/incident"
)

// The collections of the incident repository.
const (
	// IncidentsCollection holds each incident whole, timeline included,
	// keyed by its human id ("INC-42"). It is a materialised copy of the
	// latest revision, which may lag IncidentRevsCollection after a crash.
	IncidentsCollection = "incidents"
	// OpenFingerprintsCollection holds one claim {_id: fingerprint,
	// incident: "INC-42"} per unresolved incident: the unique _id is what
	// makes "one open incident per fingerprint" atomic.
	OpenFingerprintsCollection = "open_fingerprints"
	// IncidentRevsCollection holds the revision chain: {_id: "INC-42|7"}
	// is the revision that follows revision 7, with the whole incident.
	// It also holds the release markers of claims.
	IncidentRevsCollection = "incident_revs"
)

// ErrConflict is returned (wrapped) by [Incidents.Update] when the stored
// incident is no longer at the revision the caller started from: someone
// else changed it first. Reload and apply the command again.
var ErrConflict = errors.New("storage: conflicting update")

// ErrFingerprintTaken is returned (wrapped, and matching [ErrConflict]) by
// [Incidents.Update] when a reopen finds the fingerprint held by another
// unresolved incident.
var ErrFingerprintTaken = fmt.Errorf("%w: fingerprint held by another incident", ErrConflict)

// ErrIncidentNotFound is returned (wrapped) for an unknown incident id.
var ErrIncidentNotFound = errors.New("storage: incident not found")

// incidentClaimGrace is how long a claim or release in progress is trusted before
// another process takes it over as abandoned (its holder crashed).
const incidentClaimGrace = time.Minute

// maxIncidentRevChain bounds the roll-forward of one read.
const maxIncidentRevChain = 10000

// Incidents is the incident repository.
//
// # Atomicity
//
// FerretDB v1 does not make findAndModify or conditional updates atomic
// across connections, so every decision that must be taken once is an
// insert against a unique _id:
//
//   - one open incident per fingerprint: Open and reopen insert the claim
//     {_id: fingerprint}; a duplicate means another incident holds it;
//   - optimistic updates: Update inserts {_id: "INC-42|<prevRev>"}
//     carrying the new incident; only one writer can be the successor of a
//     revision, a duplicate is [ErrConflict]. That insert is the commit
//     point; replacing the document in IncidentsCollection afterwards is
//     a cache write, and every read rolls the chain forward from it, so a
//     crash or a lost (out-of-order) replace never loses a committed
//     revision;
//   - releasing a claim: only the process that inserted the release
//     marker {_id: "INC-42|release|<claim rev>|<claim time>|<k>"} deletes that claim,
//     so a late delete can never remove a claim inserted after it (a
//     delete is a read-then-delete on FerretDB). A marker older than
//     incidentClaimGrace whose claim is still there was abandoned: the next
//     marker k+1 takes over.
//
// On MongoDB the same inserts are atomic as well, so replicas sharing one
// database stay correct.
type Incidents struct {
	incs   *mongo.Collection
	claims *mongo.Collection
	revs   *mongo.Collection
	ctrs   *Counters
	now    func() time.Time
}

// Incidents returns the incident repository.
func (s *Store) Incidents() *Incidents {
	return &Incidents{
		incs:   s.db.Collection(IncidentsCollection),
		claims: s.db.Collection(OpenFingerprintsCollection),
		revs:   s.db.Collection(IncidentRevsCollection),
		ctrs:   s.Counters(),
		now:    time.Now,
	}
}

func incidentIndexes() collectionIndexes {
	return collectionIndexes{
		collection: IncidentsCollection,
		models: []mongo.IndexModel{
			// List, newest first, and Prune, on MongoDB.
			{Keys: bson.D{{Key: "opened_at", Value: -1}}, Options: options.Index().SetName("opened_at_-1")},
			{Keys: bson.D{{Key: "status", Value: 1}, {Key: "resolved_at", Value: 1}}, Options: options.Index().SetName("status_1_resolved_at_1")},
		},
	}
}

// incidentDoc is an incident as stored in IncidentsCollection.
type incidentDoc struct {
	Key string `bson:"_id"`

	incident.Incident `bson:",inline"`
}

// fpClaim is a claim in OpenFingerprintsCollection. Rev is the incident
// revision the claim was made for (0 by Open): a claim for a resolved
// incident whose Rev is at or below the incident's is left over from its
// resolution.
type fpClaim struct {
	Fingerprint string    `bson:"_id"`
	Incident    string    `bson:"incident"`
	Rev         int64     `bson:"rev"`
	At          time.Time `bson:"at"`
}

// revDoc is a revision in IncidentRevsCollection: the successor of Prev.
type revDoc struct {
	ID       string            `bson:"_id"`
	Incident string            `bson:"incident"`
	Prev     int64             `bson:"prev"`
	Rev      int64             `bson:"rev"`
	At       time.Time         `bson:"at"`
	Doc      incident.Incident `bson:"doc"`
}

// incidentReleaseMarker entitles its inserter to delete one claim.
type incidentReleaseMarker struct {
	ID       string    `bson:"_id"`
	Incident string    `bson:"incident"`
	At       time.Time `bson:"at"`
}

func incidentRevKey(id string, prev int64) string { return id + "|" + strconv.FormatInt(prev, 10) }

// Open opens the incident of fingerprint fp, unless one is open already.
//
// It claims fp first, then allocates the number and calls build(seq) for
// the incident to store (build is incident.Open with that Seq; its
// effects already carry the right id). When fp is already held by an
// unresolved incident, build is not called and Open returns that
// incident with created false: the failure is a repeat of it.
//
// Crash window: the claim names the incident id before the incident is
// inserted. When a claim's incident is missing (its opener crashed or
// is still on its way), Open calls build with that number and inserts
// it; the incident's unique _id lets exactly one of the two insert it,
// and the other gets it back with created false. Numbers lost to a
// concurrent Open of the same fingerprint leave a gap.
func (r *Incidents) Open(ctx context.Context, fp string, build func(seq int64) (incident.Incident, error)) (stored incident.Incident, created bool, err error) {
	if fp == "" || build == nil {
		return incident.Incident{}, false, fmt.Errorf("%w: open needs a fingerprint and a build function", ErrInvalid)
	}
	for attempt := range 20 {
		if attempt > 0 {
			if err := incidentSleep(ctx, time.Duration(attempt)*10*time.Millisecond); err != nil {
				return incident.Incident{}, false, err
			}
		}
		c, found, err := r.claim(ctx, fp)
		if err != nil {
			return incident.Incident{}, false, fmt.Errorf("storage: open %s: %w", fp, err)
		}
		if !found {
			n, err := r.ctrs.Next(ctx, "incident")
			if err != nil {
				return incident.Incident{}, false, err
			}
			c = fpClaim{Fingerprint: fp, Incident: incident.FormatID(n), At: r.now().UTC().Truncate(time.Millisecond)}
			if _, err := r.claims.InsertOne(ctx, c); IsDuplicateKeyError(err) {
				continue // lost the race: read the winner's claim
			} else if err != nil {
				return incident.Incident{}, false, fmt.Errorf("storage: open %s: claim: %w", fp, err)
			}
			return r.complete(ctx, c, build)
		}
		inc, ok, err := r.get(ctx, c.Incident)
		if err != nil {
			return incident.Incident{}, false, fmt.Errorf("storage: open %s: %w", fp, err)
		}
		if !ok {
			return r.complete(ctx, c, build)
		}
		if inc.Status != incident.StatusResolved {
			return inc, false, nil
		}
		if !r.stale(c, inc) {
			// A reopen of inc is under way.
			continue
		}
		if _, err := r.release(ctx, c); err != nil {
			return incident.Incident{}, false, fmt.Errorf("storage: open %s: %w", fp, err)
		}
	}
	return incident.Incident{}, false, fmt.Errorf("%w: open %s: the fingerprint stays claimed, retry later", ErrConflict, fp)
}

// complete inserts the incident claim c names, built by build.
func (r *Incidents) complete(ctx context.Context, c fpClaim, build func(int64) (incident.Incident, error)) (incident.Incident, bool, error) {
	seq, err := incident.ParseID(c.Incident)
	if err != nil {
		return incident.Incident{}, false, fmt.Errorf("storage: open %s: claim names %q: %w", c.Fingerprint, c.Incident, err)
	}
	inc, err := build(seq)
	if err != nil {
		return incident.Incident{}, false, err
	}
	if inc.Seq != seq || inc.ID != c.Incident || inc.Fingerprint != c.Fingerprint {
		return incident.Incident{}, false, fmt.Errorf("%w: built incident %s (seq %d, fingerprint %q), want %s for %q",
			ErrInvalid, inc.ID, inc.Seq, inc.Fingerprint, c.Incident, c.Fingerprint)
	}
	_, err = r.incs.InsertOne(ctx, incidentDoc{Key: inc.ID, Incident: inc})
	if IsDuplicateKeyError(err) {
		existing, ok, err := r.get(ctx, inc.ID)
		if err == nil && !ok {
			err = fmt.Errorf("%w: %s", ErrIncidentNotFound, inc.ID)
		}
		if err != nil {
			return incident.Incident{}, false, fmt.Errorf("storage: open %s: %w", inc.ID, err)
		}
		return existing, false, nil
	}
	if err != nil {
		return incident.Incident{}, false, fmt.Errorf("storage: open %s: %w", inc.ID, err)
	}
	return inc, true, nil
}

// Get returns incident id (e.g. "INC-42") at its latest revision, or an
// error wrapping [ErrIncidentNotFound].
func (r *Incidents) Get(ctx context.Context, id string) (incident.Incident, error) {
	inc, ok, err := r.get(ctx, id)
	if err != nil {
		return incident.Incident{}, fmt.Errorf("storage: get %s: %w", id, err)
	}
	if !ok {
		return incident.Incident{}, fmt.Errorf("%w: %s", ErrIncidentNotFound, id)
	}
	return inc, nil
}

// ByFingerprint returns the unresolved incident of fingerprint fp; ok is
// false when there is none.
func (r *Incidents) ByFingerprint(ctx context.Context, fp string) (inc incident.Incident, ok bool, err error) {
	c, found, err := r.claim(ctx, fp)
	if err != nil || !found {
		return incident.Incident{}, false, err
	}
	inc, ok, err = r.get(ctx, c.Incident)
	if err != nil {
		return incident.Incident{}, false, fmt.Errorf("storage: incident of %s: %w", fp, err)
	}
	if !ok || inc.Status == incident.StatusResolved {
		return incident.Incident{}, false, nil
	}
	return inc, true, nil
}

// Update stores inc, the result of a command applied to the incident at
// revision prevRev, if that is still the stored revision; otherwise it
// returns an error wrapping [ErrConflict] and stores nothing. inc.Rev must
// be above prevRev (commands may raise it by more than one).
//
// A resolution releases the fingerprint, so that the next failure opens a
// new incident. A reopen claims it again first and fails with
// [ErrFingerprintTaken] when another incident holds it.
func (r *Incidents) Update(ctx context.Context, prevRev int64, inc incident.Incident) error {
	if inc.ID == "" || inc.Rev <= prevRev {
		return fmt.Errorf("%w: update %s: revision %d does not follow %d", ErrInvalid, inc.ID, inc.Rev, prevRev)
	}
	cur, ok, err := r.get(ctx, inc.ID)
	if err != nil {
		return fmt.Errorf("storage: update %s: %w", inc.ID, err)
	}
	if !ok {
		return fmt.Errorf("%w: %s", ErrIncidentNotFound, inc.ID)
	}
	if cur.Rev != prevRev {
		return fmt.Errorf("%w: %s is at revision %d, not %d", ErrConflict, inc.ID, cur.Rev, prevRev)
	}
	if cur.Fingerprint != inc.Fingerprint {
		return fmt.Errorf("%w: update %s: the fingerprint cannot change", ErrInvalid, inc.ID)
	}
	if cur.Status == incident.StatusResolved && inc.Status != incident.StatusResolved {
		if err := r.reclaim(ctx, prevRev, inc); err != nil {
			return err
		}
	}
	rev := revDoc{ID: incidentRevKey(inc.ID, prevRev), Incident: inc.ID, Prev: prevRev, Rev: inc.Rev, At: r.now().UTC(), Doc: inc}
	if _, err := r.revs.InsertOne(ctx, rev); IsDuplicateKeyError(err) {
		return fmt.Errorf("%w: %s was changed after revision %d", ErrConflict, inc.ID, prevRev)
	} else if err != nil {
		return fmt.Errorf("storage: update %s: %w", inc.ID, err)
	}
	// Committed. The rest is best-effort: reads roll the chain forward,
	// and a left-over claim of a resolved incident is released by the
	// next Open of its fingerprint.
	r.materialise(ctx, inc)
	if inc.Status == incident.StatusResolved {
		if c, found, err := r.claim(ctx, inc.Fingerprint); err == nil && found && c.Incident == inc.ID && c.Rev <= inc.Rev {
			_, _ = r.release(ctx, c)
		}
	}
	return nil
}

// reclaim claims inc's fingerprint for its reopen from prevRev.
func (r *Incidents) reclaim(ctx context.Context, prevRev int64, inc incident.Incident) error {
	mine := fpClaim{Fingerprint: inc.Fingerprint, Incident: inc.ID, Rev: inc.Rev, At: r.now().UTC().Truncate(time.Millisecond)}
	for attempt := range 20 {
		if attempt > 0 {
			if err := incidentSleep(ctx, time.Duration(attempt)*10*time.Millisecond); err != nil {
				return err
			}
		}
		_, err := r.claims.InsertOne(ctx, mine)
		if err == nil {
			return nil
		}
		if !IsDuplicateKeyError(err) {
			return fmt.Errorf("storage: reopen %s: claim: %w", inc.ID, err)
		}
		c, found, err := r.claim(ctx, inc.Fingerprint)
		if err != nil {
			return fmt.Errorf("storage: reopen %s: %w", inc.ID, err)
		}
		if !found {
			continue
		}
		if c.Incident == inc.ID {
			if c.Rev > prevRev {
				return nil // a concurrent reopen of the same revision: the revision guard decides
			}
			// Left over from the resolution, not released yet.
			if _, err := r.release(ctx, c); err != nil {
				return fmt.Errorf("storage: reopen %s: %w", inc.ID, err)
			}
			continue
		}
		other, ok, err := r.get(ctx, c.Incident)
		if err != nil {
			return fmt.Errorf("storage: reopen %s: %w", inc.ID, err)
		}
		if !ok || other.Status != incident.StatusResolved || !r.stale(c, other) {
			return fmt.Errorf("%w: reopen %s: %s holds %q", ErrFingerprintTaken, inc.ID, c.Incident, inc.Fingerprint)
		}
		if _, err := r.release(ctx, c); err != nil {
			return fmt.Errorf("storage: reopen %s: %w", inc.ID, err)
		}
	}
	return fmt.Errorf("%w: reopen %s: the fingerprint stays claimed, retry later", ErrConflict, inc.ID)
}

// stale reports whether claim c of the resolved incident inc is left
// over: made at or before the resolving revision, or abandoned by a reopen
// that did not commit.
func (r *Incidents) stale(c fpClaim, inc incident.Incident) bool {
	return inc.Status == incident.StatusResolved && (c.Rev <= inc.Rev || r.now().Sub(c.At) > incidentClaimGrace)
}

// release deletes claim c if this call wins its release marker; done is
// false when another process is releasing it right now.
func (r *Incidents) release(ctx context.Context, c fpClaim) (done bool, err error) {
	now := r.now().UTC()
	for k := 1; k <= 100; k++ {
		m := incidentReleaseMarker{ID: c.Incident + "|release|" + strconv.FormatInt(c.Rev, 10) + "|" +
			strconv.FormatInt(c.At.UnixMilli(), 10) + "|" + strconv.Itoa(k), Incident: c.Incident, At: now}
		_, err := r.revs.InsertOne(ctx, m)
		if err == nil {
			_, err = r.claims.DeleteOne(ctx, bson.D{
				{Key: "_id", Value: c.Fingerprint}, {Key: "incident", Value: c.Incident}, {Key: "rev", Value: c.Rev}, {Key: "at", Value: c.At},
			})
			if err != nil {
				return false, fmt.Errorf("release %s: %w", c.Fingerprint, err)
			}
			return true, nil
		}
		if !IsDuplicateKeyError(err) {
			return false, fmt.Errorf("release %s: %w", c.Fingerprint, err)
		}
		var held incidentReleaseMarker
		if err := r.revs.FindOne(ctx, byID(m.ID)).Decode(&held); err != nil {
			return false, fmt.Errorf("release %s: %w", c.Fingerprint, err)
		}
		if now.Sub(held.At) <= incidentClaimGrace {
			return false, nil
		}
		// Abandoned by a crashed holder: take over with the next marker,
		// unless the claim is gone already.
		if cur, found, err := r.claim(ctx, c.Fingerprint); err != nil || !found ||
			cur.Incident != c.Incident || cur.Rev != c.Rev || !cur.At.Equal(c.At) {
			return err == nil, err
		}
	}
	return false, fmt.Errorf("release %s: too many abandoned releases", c.Fingerprint)
}

// Due returns the unresolved incidents whose timer (incident.NextTimer) is
// at or before now, earliest first, at most limit (0: all). Timers live in
// the incidents themselves, so a restart resumes them; the scan runs over
// the claims, one per unresolved incident, which bounds it.
func (r *Incidents) Due(ctx context.Context, now time.Time, limit int) ([]incident.Incident, error) {
	cur, err := r.claims.Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("storage: due incidents: %w", err)
	}
	var claims []fpClaim
	if err := cur.All(ctx, &claims); err != nil {
		return nil, fmt.Errorf("storage: due incidents: %w", err)
	}
	type due struct {
		at  time.Time
		inc incident.Incident
	}
	var all []due
	for _, c := range claims {
		inc, ok, err := r.get(ctx, c.Incident)
		if err != nil {
			return nil, fmt.Errorf("storage: due incidents: %w", err)
		}
		if !ok || inc.Status == incident.StatusResolved {
			continue
		}
		if at, ok := incident.NextTimer(inc); ok && !at.After(now) {
			all = append(all, due{at, inc})
		}
	}
	slices.SortStableFunc(all, func(a, b due) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return int(a.inc.Seq - b.inc.Seq)
	})
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	out := make([]incident.Incident, len(all))
	for i, d := range all {
		out[i] = d.inc
	}
	return out, nil
}

// ListStatus selects the incidents [Incidents.List] returns.
type ListStatus string

// The list selections.
const (
	ListAll   ListStatus = "all"   // every incident ("" too)
	ListOpen  ListStatus = "open"  // unresolved incidents
	ListToday ListStatus = "today" // opened at or after Since (the start of today), required
)

// ListFilter is the query of [Incidents.List].
type ListFilter struct {
	Status ListStatus
	// Since keeps incidents opened at or after it, when set.
	Since time.Time
	// Limit bounds the result; 0 means 50.
	Limit int
}

// List returns the incidents filter selects, newest first.
func (r *Incidents) List(ctx context.Context, filter ListFilter) ([]incident.Incident, error) {
	q := bson.D{}
	switch filter.Status {
	case "", ListAll:
	case ListOpen:
		q = append(q, bson.E{Key: "status", Value: bson.D{{Key: "$ne", Value: incident.StatusResolved}}})
	case ListToday:
		if filter.Since.IsZero() {
			return nil, fmt.Errorf("%w: list today needs Since", ErrInvalid)
		}
	default:
		return nil, fmt.Errorf("%w: list status %q", ErrInvalid, filter.Status)
	}
	if !filter.Since.IsZero() {
		q = append(q, bson.E{Key: "opened_at", Value: bson.D{{Key: "$gte", Value: filter.Since}}})
	}
	limit := filter.Limit
	if limit <= 0 {
		limit = 50
	}
	cur, err := r.incs.Find(ctx, q, options.Find().
		SetSort(bson.D{{Key: "opened_at", Value: -1}, {Key: "seq", Value: -1}}).
		SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("storage: list incidents: %w", err)
	}
	var docs []incidentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: list incidents: %w", err)
	}
	out := make([]incident.Incident, 0, len(docs))
	for _, d := range docs {
		inc, err := r.forward(ctx, d.Incident)
		if err != nil {
			return nil, fmt.Errorf("storage: list incidents: %w", err)
		}
		if filter.Status == ListOpen && inc.Status == incident.StatusResolved {
			continue // resolved by a revision not materialised yet
		}
		out = append(out, inc)
	}
	return out, nil
}

// Prune deletes the incidents resolved before before, with their
// revisions, and returns how many it deleted. An incident whose
// fingerprint claim is being released by another process is kept for the
// next Prune.
func (r *Incidents) Prune(ctx context.Context, before time.Time) (int, error) {
	cur, err := r.incs.Find(ctx, bson.D{
		{Key: "status", Value: incident.StatusResolved},
		{Key: "resolved_at", Value: bson.D{{Key: "$lt", Value: before}}},
	})
	if err != nil {
		return 0, fmt.Errorf("storage: prune incidents: %w", err)
	}
	var docs []incidentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, fmt.Errorf("storage: prune incidents: %w", err)
	}
	n := 0
	for _, d := range docs {
		inc, err := r.forward(ctx, d.Incident)
		if err != nil {
			return n, fmt.Errorf("storage: prune incidents: %w", err)
		}
		if inc.Status != incident.StatusResolved || !inc.ResolvedAt.Before(before) {
			continue // reopened since
		}
		// A claim left naming it would make Open rebuild it under its id.
		c, found, err := r.claim(ctx, inc.Fingerprint)
		if err != nil {
			return n, fmt.Errorf("storage: prune incidents: %w", err)
		}
		if found && c.Incident == inc.ID {
			if done, err := r.release(ctx, c); err != nil || !done {
				if err != nil {
					return n, fmt.Errorf("storage: prune incidents: %w", err)
				}
				continue
			}
		}
		// Its revisions and markers: every _id starting with "INC-42|"
		// ('}' follows '|'), a range on the _id index.
		if _, err := r.revs.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{
			{Key: "$gte", Value: inc.ID + "|"}, {Key: "$lt", Value: inc.ID + "}"},
		}}}); err != nil {
			return n, fmt.Errorf("storage: prune incidents: %w", err)
		}
		if _, err := r.incs.DeleteOne(ctx, byID(inc.ID)); err != nil {
			return n, fmt.Errorf("storage: prune incidents: %w", err)
		}
		n++
	}
	return n, nil
}

// claim reads the claim of fingerprint fp.
func (r *Incidents) claim(ctx context.Context, fp string) (fpClaim, bool, error) {
	var c fpClaim
	err := r.claims.FindOne(ctx, byID(fp)).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return fpClaim{}, false, nil
	}
	if err != nil {
		return fpClaim{}, false, err
	}
	c.At = c.At.UTC()
	return c, true, nil
}

// get reads incident id and rolls it forward to its latest revision.
func (r *Incidents) get(ctx context.Context, id string) (incident.Incident, bool, error) {
	var d incidentDoc
	err := r.incs.FindOne(ctx, byID(id)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return incident.Incident{}, false, nil
	}
	if err != nil {
		return incident.Incident{}, false, err
	}
	inc, err := r.forward(ctx, d.Incident)
	return inc, err == nil, err
}

// forward follows the revision chain from inc to the latest revision, and
// writes that back when the stored copy lagged.
func (r *Incidents) forward(ctx context.Context, inc incident.Incident) (incident.Incident, error) {
	moved := false
	for range maxIncidentRevChain {
		var next revDoc
		err := r.revs.FindOne(ctx, byID(incidentRevKey(inc.ID, inc.Rev))).Decode(&next)
		if errors.Is(err, mongo.ErrNoDocuments) {
			if moved {
				r.materialise(ctx, inc)
			}
			return inc, nil
		}
		if err != nil {
			return incident.Incident{}, err
		}
		if next.Rev <= inc.Rev {
			return incident.Incident{}, fmt.Errorf("%s: revision %d follows %d", inc.ID, next.Rev, inc.Rev)
		}
		inc, moved = next.Doc, true
	}
	return incident.Incident{}, fmt.Errorf("%s: revision chain longer than %d", inc.ID, maxIncidentRevChain)
}

// materialise writes inc to IncidentsCollection, best-effort: a failed or
// out-of-order write only makes later reads follow the chain further.
func (r *Incidents) materialise(ctx context.Context, inc incident.Incident) {
	_, _ = r.incs.ReplaceOne(ctx, byID(inc.ID), incidentDoc{Key: inc.ID, Incident: inc})
}

func incidentSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
