package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/opsbot/opsbot/incident"
)

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
