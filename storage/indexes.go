package storage

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// collectionIndexes lists the indexes one collection needs.
//
// Every index has an explicit name, so creating it again on each start is a
// no-op, and a changed definition under an old name fails loudly instead of
// piling up a second index. Only what FerretDB v1 supports belongs here:
// single-field, compound and unique indexes; no TTL, partial or text indexes.
type collectionIndexes struct {
	collection string
	models     []mongo.IndexModel
}

// indexes returns the indexes of every repository, created by Open. A new
// repository adds its own xxxIndexes function to this list.
func indexes() []collectionIndexes {
	return append([]collectionIndexes{
		auditIndexes(),
		outboxIndexes(),
		incidentIndexes(),
		silenceIndexes(),
		onceIndexes(),
		maintenanceIndexes(),
		leaseIndexes(),
	}, append(checklistIndexes(), emergencyIndexes()...)...)
}

// ensureIndexes creates the indexes that do not exist yet.
//
// One index per createIndexes command: FerretDB v1.24.2 panics (and drops
// the connection) when one command names two or more indexes that already
// exist (validateIndexesForCreation deletes from its result slice by the
// wrong position), which is exactly what every restart would do.
func ensureIndexes(ctx context.Context, db *mongo.Database, specs []collectionIndexes) error {
	for _, spec := range specs {
		view := db.Collection(spec.collection).Indexes()
		for _, model := range spec.models {
			if _, err := view.CreateOne(ctx, model); err != nil {
				return fmt.Errorf("storage: create index on %s: %w", spec.collection, err)
			}
		}
	}
	return nil
}
