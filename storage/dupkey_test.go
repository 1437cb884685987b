package storage_test

import (
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// TestDuplicateKeyErrors pins what leases, dedup and outbox claims will rely
// on: a second insert of the same _id, or of the same value under a unique
// secondary index, fails with an error mongo.IsDuplicateKeyError recognises
// (on FerretDB too), and leaves the first document as it was.
func TestDuplicateKeyErrors(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t).Database()
	ctx := t.Context()

	t.Run("_id", func(t *testing.T) {
		coll := db.Collection("dup_id")
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "lease:scheduler"}, {Key: "owner", Value: "a"}}); err != nil {
			t.Fatal(err)
		}
		_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "lease:scheduler"}, {Key: "owner", Value: "b"}})
		assertDuplicate(t, err, true)
		t.Logf("duplicate _id: %v", err)
		assertOwner(t, coll, bson.D{{Key: "_id", Value: "lease:scheduler"}}, "a")
	})

	t.Run("unique index", func(t *testing.T) {
		coll := db.Collection("dup_unique")
		_, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{
			Keys:    bson.D{{Key: "key", Value: 1}},
			Options: options.Index().SetName("key_1").SetUnique(true),
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "key", Value: "msg-1"}, {Key: "owner", Value: "a"}}); err != nil {
			t.Fatal(err)
		}
		_, err = coll.InsertOne(ctx, bson.D{{Key: "key", Value: "msg-1"}, {Key: "owner", Value: "b"}})
		assertDuplicate(t, err, true)
		t.Logf("unique index violation: %v", err)
		assertOwner(t, coll, bson.D{{Key: "key", Value: "msg-1"}}, "a")

		// An update that would create the duplicate is refused too, but
		// FerretDB reports it as an InternalError, which only
		// storage.IsDuplicateKeyError recognises.
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "key", Value: "msg-2"}, {Key: "owner", Value: "c"}}); err != nil {
			t.Fatal(err)
		}
		_, err = coll.UpdateOne(ctx, bson.D{{Key: "key", Value: "msg-2"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "key", Value: "msg-1"}}}})
		assertDuplicate(t, err, false)
		t.Logf("update into a unique key: %v", err)
		assertOwner(t, coll, bson.D{{Key: "key", Value: "msg-2"}}, "c")
	})

	t.Run("upsert", func(t *testing.T) {
		coll := db.Collection("dup_upsert")
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "lease:digest"}, {Key: "owner", Value: "a"}}); err != nil {
			t.Fatal(err)
		}
		// The lease pattern: take it if it is mine, else the upsert's
		// insert collides with the holder's _id.
		filter := bson.D{{Key: "_id", Value: "lease:digest"}, {Key: "owner", Value: "b"}}
		update := bson.D{{Key: "$set", Value: bson.D{{Key: "owner", Value: "b"}}}}
		err := coll.FindOneAndUpdate(ctx, filter, update, options.FindOneAndUpdate().SetUpsert(true)).Err()
		assertDuplicate(t, err, true)
		_, err = coll.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
		assertDuplicate(t, err, true)
		assertOwner(t, coll, bson.D{{Key: "_id", Value: "lease:digest"}}, "a")
	})
}

// assertDuplicate checks that err is a duplicate key error for
// storage.IsDuplicateKeyError and, if driverToo, for the driver's own check.
func assertDuplicate(t *testing.T, err error, driverToo bool) {
	t.Helper()
	if !storage.IsDuplicateKeyError(err) {
		t.Fatalf("err = %v, want a duplicate key error", err)
	}
	if driverToo && !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("mongo.IsDuplicateKeyError(%v) = false", err)
	}
}

func assertOwner(t *testing.T, coll *mongo.Collection, filter bson.D, want string) {
	t.Helper()
	var doc struct {
		Owner string `bson:"owner"`
	}
	if err := coll.FindOne(t.Context(), filter).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Owner != want {
		t.Errorf("owner = %q after the refused write, want %q", doc.Owner, want)
	}
}

func TestIsDuplicateKeyErrorOtherErrors(t *testing.T) {
	t.Parallel()
	for _, err := range []error{nil, errors.New("E11000 lookalike"), mongo.ErrNoDocuments} {
		if storage.IsDuplicateKeyError(err) {
			t.Errorf("IsDuplicateKeyError(%v) = true", err)
		}
	}
}
