package storage

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/incident"
)

// LastResolved returns the latest incident of fingerprint fp if it is
// resolved: the one a failure that comes back may reopen. ok is false
// when fp has no incident or its latest is unresolved. On the embedded
// server this scans the incidents collection, which Prune keeps bounded;
// it runs once per rule that fires.
func (r *Incidents) LastResolved(ctx context.Context, fp string) (inc incident.Incident, ok bool, err error) {
	var d incidentDoc
	err = r.incs.FindOne(ctx, bson.D{{Key: "fingerprint", Value: fp}},
		options.FindOne().SetSort(bson.D{{Key: "seq", Value: -1}})).Decode(&d)
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return incident.Incident{}, false, nil
		}
		return incident.Incident{}, false, fmt.Errorf("storage: last incident of %s: %w", fp, err)
	}
	inc, err = r.forward(ctx, d.Incident)
	if err != nil {
		return incident.Incident{}, false, fmt.Errorf("storage: last incident of %s: %w", fp, err)
	}
	return inc, inc.Status == incident.StatusResolved, nil
}
