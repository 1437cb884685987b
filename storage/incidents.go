package storage

import (
	"context"
	"errors"
	"fmt"
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
	last   *mongo.Collection
	ctrs   *Counters
	now    func() time.Time
}

// Incidents returns the incident repository.
func (s *Store) Incidents() *Incidents {
	return &Incidents{
		incs:   s.db.Collection(IncidentsCollection),
		claims: s.db.Collection(OpenFingerprintsCollection),
		revs:   s.db.Collection(IncidentRevsCollection),
		last:   s.db.Collection(FingerprintLastCollection),
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
			// ByGroup, on MongoDB.
			{Keys: bson.D{{Key: "group", Value: 1}}, Options: options.Index().SetName("group_1")},
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
	r.setLast(ctx, inc)
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
