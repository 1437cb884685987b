package storage

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/incident"
)

// FingerprintLastCollection maps a fingerprint to its latest incident,
// {_id: fingerprint, incident: "INC-42"}, so that finding the incident a
// returning failure may reopen is one _id lookup rather than a scan.
const FingerprintLastCollection = "fingerprint_last"

type lastDoc struct {
	Fingerprint string `bson:"_id"`
	Incident    string `bson:"incident"`
	Seq         int64  `bson:"seq"`
}

// setLast records inc as its fingerprint's latest incident, best-effort:
// a lost write only means the next failure opens a new incident instead
// of reopening this one.
func (r *Incidents) setLast(ctx context.Context, inc incident.Incident) {
	_, _ = r.last.ReplaceOne(ctx, byID(inc.Fingerprint),
		lastDoc{Fingerprint: inc.Fingerprint, Incident: inc.ID, Seq: inc.Seq}, options.Replace().SetUpsert(true))
}

// LastResolved returns the latest incident of fingerprint fp if it is
// resolved: the one a failure that comes back may reopen. ok is false
// when fp has no incident or its latest is unresolved.
func (r *Incidents) LastResolved(ctx context.Context, fp string) (inc incident.Incident, ok bool, err error) {
	var d lastDoc
	err = r.last.FindOne(ctx, byID(fp)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return incident.Incident{}, false, nil
	}
	if err != nil {
		return incident.Incident{}, false, fmt.Errorf("storage: last incident of %s: %w", fp, err)
	}
	inc, found, err := r.get(ctx, d.Incident)
	if err != nil {
		return incident.Incident{}, false, fmt.Errorf("storage: last incident of %s: %w", fp, err)
	}
	return inc, found && inc.Status == incident.StatusResolved, nil
}
