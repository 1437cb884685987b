package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// SilencesCollection holds one silence per check, keyed by the check name.
const SilencesCollection = "silences"

// Silence mutes the pages of one check until Until.
type Silence struct {
	Check  string    `bson:"_id"`
	Until  time.Time `bson:"until"`
	By     string    `bson:"by"`
	At     time.Time `bson:"at"` // when it was set
	Reason string    `bson:"reason"`
}

// Silences stores the silences of checks. A check has at most one: its
// name is the _id, so Active is an _id lookup, the one indexed read on
// FerretDB's SQLite backend, and setting it again replaces it. An ended
// silence stays, harmless, until Prune deletes it.
type Silences struct {
	coll *mongo.Collection
}

// Silences returns the silence repository.
func (s *Store) Silences() *Silences {
	return &Silences{coll: s.db.Collection(SilencesCollection)}
}

func silenceIndexes() collectionIndexes {
	return collectionIndexes{
		collection: SilencesCollection,
		models: []mongo.IndexModel{
			// List and Prune, on MongoDB.
			{Keys: bson.D{{Key: "until", Value: 1}}, Options: options.Index().SetName("until_1")},
		},
	}
}

// Set stores s, replacing the silence of s.Check if there is one (to
// extend or shorten it). Times are kept in UTC at millisecond precision,
// as BSON stores them.
func (s *Silences) Set(ctx context.Context, sl Silence) error {
	if sl.Check == "" || sl.Until.IsZero() {
		return fmt.Errorf("%w: silence of %q needs a check and an end", ErrInvalid, sl.Check)
	}
	sl.Until = sl.Until.UTC().Truncate(time.Millisecond)
	sl.At = sl.At.UTC().Truncate(time.Millisecond)
	_, err := s.coll.ReplaceOne(ctx, byID(sl.Check), sl, options.Replace().SetUpsert(true))
	if IsDuplicateKeyError(err) { // two upserts inserting at once: now it exists
		_, err = s.coll.ReplaceOne(ctx, byID(sl.Check), sl)
	}
	if err != nil {
		return fmt.Errorf("storage: silence %s: %w", sl.Check, err)
	}
	return nil
}

// Active returns the silence of check when it lasts beyond now.
func (s *Silences) Active(ctx context.Context, check string, now time.Time) (Silence, bool, error) {
	var sl Silence
	err := s.coll.FindOne(ctx, byID(check)).Decode(&sl)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Silence{}, false, nil
	}
	if err != nil {
		return Silence{}, false, fmt.Errorf("storage: silence of %s: %w", check, err)
	}
	if !sl.Until.After(now) {
		return Silence{}, false, nil
	}
	return sl, true, nil
}

// List returns the silences that last beyond now, by check.
func (s *Silences) List(ctx context.Context, now time.Time) ([]Silence, error) {
	cur, err := s.coll.Find(ctx, bson.D{{Key: "until", Value: bson.D{{Key: "$gt", Value: now}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: list silences: %w", err)
	}
	var out []Silence
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("storage: list silences: %w", err)
	}
	return out, nil
}

// Delete lifts the silence of check and reports whether there was one
// (ended ones count: they are only waiting for Prune).
func (s *Silences) Delete(ctx context.Context, check string) (bool, error) {
	res, err := s.coll.DeleteOne(ctx, byID(check))
	if err != nil {
		return false, fmt.Errorf("storage: delete silence %s: %w", check, err)
	}
	return res.DeletedCount > 0, nil
}

// Prune deletes the silences that ended before before and returns how many
// it deleted. Run it periodically: FerretDB has no TTL indexes.
func (s *Silences) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.coll.DeleteMany(ctx, bson.D{{Key: "until", Value: bson.D{{Key: "$lt", Value: before}}}})
	if err != nil {
		return 0, fmt.Errorf("storage: prune silences: %w", err)
	}
	return res.DeletedCount, nil
}
