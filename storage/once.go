package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// OnceCollection holds one claim per key, {_id: key, at}.
const OnceCollection = "once"

// Once decides which process does something that must happen once, such
// as running level 1's action of an incident: the first Claim of a key
// wins. A claim is an insert against the unique _id, atomic on MongoDB and
// on FerretDB v1 alike (where a conditional update, say setting a flag on
// the incident, is not atomic across connections).
//
// A claim lasts until Prune deletes it; after that the key can be claimed
// again, so keep claims longer than whatever they guard can recur.
type Once struct {
	coll *mongo.Collection
}

// Once returns the once repository.
func (s *Store) Once() *Once { return &Once{coll: s.db.Collection(OnceCollection)} }

func onceIndexes() collectionIndexes {
	return collectionIndexes{
		collection: OnceCollection,
		models: []mongo.IndexModel{
			// Prune, on MongoDB.
			{Keys: bson.D{{Key: "at", Value: 1}}, Options: options.Index().SetName("at_1")},
		},
	}
}

type onceDoc struct {
	Key string    `bson:"_id"`
	At  time.Time `bson:"at"`
}

// Claim claims key at at and reports whether this call was the first to:
// exactly one Claim of a key, across processes, returns true. On an error
// the outcome is unknown (the insert may have been stored even so), and a
// retry may then report false although nobody acted: Claim before acting,
// so that such a doubt costs an action rather than repeating one.
func (o *Once) Claim(ctx context.Context, key string, at time.Time) (first bool, err error) {
	if key == "" {
		return false, fmt.Errorf("%w: once key is empty", ErrInvalid)
	}
	_, err = o.coll.InsertOne(ctx, onceDoc{Key: key, At: at.UTC().Truncate(time.Millisecond)})
	if IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: claim once %s: %w", key, err)
	}
	return true, nil
}

// Prune deletes the claims made before before and returns how many it
// deleted. Run it periodically: FerretDB has no TTL indexes.
func (o *Once) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := o.coll.DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: before}}}})
	if err != nil {
		return 0, fmt.Errorf("storage: prune once: %w", err)
	}
	return res.DeletedCount, nil
}
