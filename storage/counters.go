package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// CountersCollection holds the numbers allocated by [Counters].
const CountersCollection = "counters"

// maxCounterProbes bounds one Next call. Every failed probe means another
// caller took that number, so the bound is only reached when the hint is
// far behind (thousands of numbers taken since it was last written).
const maxCounterProbes = 10000

// Counters allocates increasing numbers (INC-42) that are unique across
// processes sharing one database, on MongoDB and on FerretDB alike.
//
// A number n of counter c is taken by inserting {_id: "c|n"}; the unique
// _id index lets exactly one insert of it succeed, and that is atomic on
// both servers (FerretDB v1 does not make findAndModify or $inc atomic
// across connections, so a classic {$inc: 1} counter could hand out one
// number twice). Next starts at the hint, a document {_id: "c", last: n}
// written best-effort after each allocation, and probes upward: a duplicate
// key means somebody else holds that number, so it tries the next one.
//
// Numbers have no gaps: the hint only ever names a taken number and every
// number below it was found taken, so each Next takes the smallest free
// number at or above the hint. A lost or stale hint (FerretDB may lose a
// concurrent update) costs extra probes, never a duplicate. The one source
// of a gap is an insert whose outcome the client never learned (a timeout
// or a dropped connection after the server wrote it): that number is gone.
type Counters struct {
	coll *mongo.Collection
}

// Counters returns the counter repository.
func (s *Store) Counters() *Counters { return &Counters{coll: s.db.Collection(CountersCollection)} }

type counterHint struct {
	ID   string `bson:"_id"`
	Last int64  `bson:"last"`
}

// Next returns the next number of counter name, starting at 1.
func (c *Counters) Next(ctx context.Context, name string) (int64, error) {
	if name == "" || strings.Contains(name, "|") {
		return 0, fmt.Errorf("%w: counter name %q (non-empty, without '|')", ErrInvalid, name)
	}
	last, err := c.hint(ctx, name)
	if err != nil {
		return 0, err
	}
	for n := last + 1; n <= last+maxCounterProbes; n++ {
		_, err := c.coll.InsertOne(ctx, bson.D{{Key: "_id", Value: name + "|" + strconv.FormatInt(n, 10)}})
		if IsDuplicateKeyError(err) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("storage: next %s: %w", name, err)
		}
		c.setHint(ctx, name, n)
		return n, nil
	}
	return 0, fmt.Errorf("storage: next %s: no free number within %d after %d", name, maxCounterProbes, last)
}

// hint returns the last number known to be taken, 0 when none is.
func (c *Counters) hint(ctx context.Context, name string) (int64, error) {
	var h counterHint
	err := c.coll.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&h)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: next %s: read hint: %w", name, err)
	}
	return max(h.Last, 0), nil
}

// setHint raises the hint to n. It is best-effort: an error only costs the
// next caller extra probes. The filter keeps MongoDB from lowering it; when
// the hint is already at or above n, the upsert's insert fails as a
// duplicate, which is expected.
func (c *Counters) setHint(ctx context.Context, name string, n int64) {
	_, _ = c.coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: name}, {Key: "last", Value: bson.D{{Key: "$lt", Value: n}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "last", Value: n}}}},
		options.UpdateOne().SetUpsert(true))
}
