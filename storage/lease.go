package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// LeasesCollection holds the terms of every [Lease], plus one hint document
// per lease.
const LeasesCollection = "leases"

// maxLeaseProbes bounds the upward probe from the hint (or from the highest
// stored term) to the latest term. Every step is a term somebody won since
// the hint was last written, so the bound is only reached if the hint is
// hopelessly behind.
const maxLeaseProbes = 10000

// Lease elects one leader among replicas sharing a database, such as the one
// that runs checks, escalations and schedules, with fencing terms.
//
// The lease is a sequence of terms 1, 2, 3, ... A term n is the document
// {_id: "<name>|<n>", name, term: n, holder, expires}; whoever inserts it
// holds the lease until its expires. The only atomic decision is that
// insert against the unique _id (FerretDB v1 does not make findAndModify or
// conditional updates atomic across connections): of all callers that saw
// term n as the latest and try to take n+1, exactly one insert wins, so
// every term has at most one holder. Renewing is winning a new term too;
// releasing is writing a term with no holder that has already expired.
//
// The latest term is found as in [Counters]: a hint {_id: "<name>", last: n}
// written best-effort after every term, then a probe upward by _id until a
// term is missing. A lost hint (or a hint naming a pruned term) falls back
// to the highest stored term; either way only the probe decides.
//
// Fencing rule: a holder is the leader from the moment [Lease.Acquire]
// returns ok until the expires of the term it won (now + ttl by the clock
// it passed), and must stop acting as leader as soon as that moment passes
// without a newer term won, whatever the reason (a refusal, an error, a
// stalled renewal loop). Renew every ttl/3: that leaves two attempts before
// expiry and a margin of ttl/3 for clock skew between replicas, which must
// stay well below that. Writes that must come from the leader only can
// carry the term they were decided under: a reader (or a conditional write
// on MongoDB) then rejects a term lower than the highest it has seen, and
// [Lease.Holder] tells whether a term is still the current one.
//
// Every renewal adds a document, and on the embedded server every query
// scans the collection, so call [Lease.Prune] periodically (say once per
// ttl, keeping a few terms).
type Lease struct {
	coll *mongo.Collection
	name string
	ttl  time.Duration
}

// Lease returns the lease called name (non-empty, without '|'), whose terms
// last ttl from the time they are won.
func (s *Store) Lease(name string, ttl time.Duration) *Lease {
	return &Lease{coll: s.db.Collection(LeasesCollection), name: name, ttl: ttl}
}

type leaseTerm struct {
	ID      string    `bson:"_id"`
	Name    string    `bson:"name"`
	Term    int64     `bson:"term"`
	Holder  string    `bson:"holder"`
	Expires time.Time `bson:"expires"`
}

type leaseHint struct {
	ID   string `bson:"_id"`
	Last int64  `bson:"last"`
}

func (l *Lease) check() error {
	if l.name == "" || strings.Contains(l.name, "|") {
		return fmt.Errorf("%w: lease name %q (non-empty, without '|')", ErrInvalid, l.name)
	}
	return nil
}

func (l *Lease) termID(term int64) string { return l.name + "|" + strconv.FormatInt(term, 10) }

// Acquire tries to make holder the leader at now. When the latest term is
// holder's and has not expired, it renews by winning the next term; when it
// has expired (now >= expires) or was released, it tries to win the next
// term; when somebody else holds it, it refuses. ok reports whether holder
// won term, which then lasts until now + ttl; when ok is false, term is the
// latest term seen (0 when there is none).
//
// Concurrent callers that saw the same latest term race for the next one
// and exactly one of them wins. On an error holder must assume it is not
// the leader (the insert may have been stored even so: the next Acquire
// then finds the term holder's and renews it).
func (l *Lease) Acquire(ctx context.Context, holder string, now time.Time) (term int64, ok bool, err error) {
	if err := l.check(); err != nil {
		return 0, false, err
	}
	if holder == "" {
		return 0, false, fmt.Errorf("%w: lease %s: empty holder", ErrInvalid, l.name)
	}
	if l.ttl <= 0 {
		return 0, false, fmt.Errorf("%w: lease %s: ttl %s", ErrInvalid, l.name, l.ttl)
	}
	cur, err := l.latest(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("storage: acquire lease %s: %w", l.name, err)
	}
	if cur.Term > 0 && cur.Holder != holder && now.Before(cur.Expires) {
		return cur.Term, false, nil
	}
	won, err := l.insert(ctx, cur.Term+1, holder, now.Add(l.ttl))
	if err != nil {
		return cur.Term, false, fmt.Errorf("storage: acquire lease %s: %w", l.name, err)
	}
	if !won {
		return cur.Term + 1, false, nil
	}
	return cur.Term + 1, true, nil
}

// Holder returns the holder of the latest term and its expires, or holder ""
// when that term has expired at now or was released. term is the latest
// term (0, with a zero expires, when the lease was never taken).
func (l *Lease) Holder(ctx context.Context, now time.Time) (holder string, term int64, expires time.Time, err error) {
	if err := l.check(); err != nil {
		return "", 0, time.Time{}, err
	}
	cur, err := l.latest(ctx)
	if err != nil {
		return "", 0, time.Time{}, fmt.Errorf("storage: lease %s holder: %w", l.name, err)
	}
	if now.Before(cur.Expires) {
		holder = cur.Holder
	}
	return holder, cur.Term, cur.Expires, nil
}

// Release gives up term, which holder won, at now, so that another replica
// can take over at once instead of waiting for the term to expire: it writes
// the next term with no holder, expired at now. Nothing is written when term
// is no longer the latest (somebody took over, or it was pruned). Stop acting
// as leader before calling Release.
func (l *Lease) Release(ctx context.Context, holder string, term int64, now time.Time) error {
	if err := l.check(); err != nil {
		return err
	}
	if holder == "" || term <= 0 {
		return fmt.Errorf("%w: lease %s: release of term %d by %q", ErrInvalid, l.name, term, holder)
	}
	var t leaseTerm
	err := l.coll.FindOne(ctx, bson.D{{Key: "_id", Value: l.termID(term)}}).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil // pruned: long superseded
	}
	if err != nil {
		return fmt.Errorf("storage: release lease %s: %w", l.name, err)
	}
	if t.Holder != holder {
		return fmt.Errorf("%w: lease %s: term %d is held by %q, not %q", ErrInvalid, l.name, term, t.Holder, holder)
	}
	if _, err := l.insert(ctx, term+1, "", now); err != nil {
		return fmt.Errorf("storage: release lease %s: %w", l.name, err)
	}
	return nil
}

// Prune deletes the terms below latest-keep (keeping the latest keep+1
// terms; a negative keep counts as 0) and returns how many it deleted.
func (l *Lease) Prune(ctx context.Context, keep int64) (int64, error) {
	if err := l.check(); err != nil {
		return 0, err
	}
	cur, err := l.latest(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: prune lease %s: %w", l.name, err)
	}
	below := cur.Term - max(keep, 0)
	if below <= 1 {
		return 0, nil
	}
	res, err := l.coll.DeleteMany(ctx, bson.D{
		{Key: "name", Value: l.name},
		{Key: "term", Value: bson.D{{Key: "$lt", Value: below}}},
	})
	if err != nil {
		return 0, fmt.Errorf("storage: prune lease %s: %w", l.name, err)
	}
	return res.DeletedCount, nil
}

// insert tries to win term n for holder until expires and reports whether
// it did. A duplicate key means somebody else won n first.
//
// A won insert is checked against n+1: a caller that read an old latest
// term and then stalled while the terms after it were won and pruned could
// otherwise win a pruned number again. Whoever won n+1 saw n taken (or, in
// that case, won before this insert), so n+1 present means n is not the
// latest and this caller must not count it as won. (The one other way n+1
// can be there already is a concurrent renewal by the same holder or an
// expiry shorter than this call; reporting false then is merely cautious.)
func (l *Lease) insert(ctx context.Context, n int64, holder string, expires time.Time) (bool, error) {
	_, err := l.coll.InsertOne(ctx, leaseTerm{
		ID:      l.termID(n),
		Name:    l.name,
		Term:    n,
		Holder:  holder,
		Expires: expires.UTC().Truncate(time.Millisecond),
	})
	if IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	l.setHint(ctx, n)
	next, err := l.exists(ctx, n+1)
	if err != nil {
		return false, err
	}
	return !next, nil
}

func (l *Lease) exists(ctx context.Context, n int64) (bool, error) {
	err := l.coll.FindOne(ctx, bson.D{{Key: "_id", Value: l.termID(n)}},
		options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, err
}

// latest returns the latest term, a zero leaseTerm when there is none.
func (l *Lease) latest(ctx context.Context) (leaseTerm, error) {
	var cur leaseTerm
	var h leaseHint
	err := l.coll.FindOne(ctx, bson.D{{Key: "_id", Value: l.name}}).Decode(&h)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
	case err != nil:
		return cur, fmt.Errorf("read hint: %w", err)
	case h.Last > 0:
		err := l.coll.FindOne(ctx, bson.D{{Key: "_id", Value: l.termID(h.Last)}}).Decode(&cur)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return cur, fmt.Errorf("read term %d: %w", h.Last, err)
		}
	}
	if cur.Term == 0 {
		// No hint, or it names a pruned term: start at the highest stored
		// term (never below it, or a pruned number could be won again).
		err := l.coll.FindOne(ctx, bson.D{{Key: "name", Value: l.name}},
			options.FindOne().SetSort(bson.D{{Key: "term", Value: -1}})).Decode(&cur)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return cur, fmt.Errorf("read highest term: %w", err)
		}
	}
	for range maxLeaseProbes {
		var next leaseTerm
		err := l.coll.FindOne(ctx, bson.D{{Key: "_id", Value: l.termID(cur.Term + 1)}}).Decode(&next)
		if errors.Is(err, mongo.ErrNoDocuments) {
			if cur.Term > h.Last {
				l.setHint(ctx, cur.Term)
			}
			return cur, nil
		}
		if err != nil {
			return cur, fmt.Errorf("read term %d: %w", cur.Term+1, err)
		}
		cur = next
	}
	return cur, fmt.Errorf("no end of terms within %d after %d", maxLeaseProbes, cur.Term-maxLeaseProbes)
}

// setHint raises the hint to n, best-effort, as [Counters] does.
func (l *Lease) setHint(ctx context.Context, n int64) {
	_, _ = l.coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: l.name}, {Key: "last", Value: bson.D{{Key: "$lt", Value: n}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "last", Value: n}}}},
		options.UpdateOne().SetUpsert(true))
}

func leaseIndexes() collectionIndexes {
	return collectionIndexes{
		collection: LeasesCollection,
		models: []mongo.IndexModel{
			// Prune and the lost-hint search, on MongoDB.
			{Keys: bson.D{{Key: "name", Value: 1}, {Key: "term", Value: -1}}, Options: options.Index().SetName("name_1_term_-1")},
		},
	}
}
