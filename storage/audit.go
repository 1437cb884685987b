package storage

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// AuditCollection is the collection that holds the audit log.
const AuditCollection = "audit"

// Kinds of audited input (AuditEntry.Kind).
const (
	AuditKindCommand  = "command"
	AuditKindCallback = "callback"
	AuditKindMessage  = "message"
)

// Outcomes of audited input (AuditEntry.Outcome).
const (
	AuditOutcomeOK      = "ok"
	AuditOutcomeDenied  = "denied"
	AuditOutcomeIgnored = "ignored"
	AuditOutcomeUsage   = "usage"
	AuditOutcomeError   = "error"
	AuditOutcomePanic   = "panic"
	AuditOutcomeUnknown = "unknown" // a command or button opsbot does not know
)

// Audit limits: page size bounds for Recent and ByUser, and the longest Args
// or Detail kept (longer text is cut at a rune boundary), so that one noisy
// chat cannot bloat the collection.
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 1000
	maxAuditText      = 1024
)

// AuditEntry is one audited command, button press or message.
type AuditEntry struct {
	ID       bson.ObjectID `bson:"_id,omitempty"`
	At       time.Time     `bson:"at"`
	ChatID   int64         `bson:"chat_id"`
	ThreadID int           `bson:"thread_id,omitempty"`
	UserID   int64         `bson:"user_id"`
	Username string        `bson:"username,omitempty"`
	Kind     string        `bson:"kind"`   // AuditKind*
	Action   string        `bson:"action"` // command name, or callback data
	Args     string        `bson:"args,omitempty"`
	Outcome  string        `bson:"outcome"` // AuditOutcome*
	Detail   string        `bson:"detail,omitempty"`
	// Duration is stored as integer nanoseconds: lossless, and summable
	// with $group/$sum on both MongoDB and FerretDB.
	Duration time.Duration `bson:"duration_ns"`
}

// AuditLog is the audit log repository.
//
// On the embedded server, Recent and ByUser read the whole collection (the
// SQLite backend indexes only _id lookups; about 60 ms per 1,000 entries),
// so call Prune periodically to keep the log bounded.
type AuditLog struct {
	coll *mongo.Collection
	now  func() time.Time
}

func newAuditLog(db *mongo.Database, now func() time.Time) *AuditLog {
	return &AuditLog{coll: db.Collection(AuditCollection), now: now}
}

func auditIndexes() collectionIndexes {
	return collectionIndexes{
		collection: AuditCollection,
		models: []mongo.IndexModel{
			// Prune by age.
			{Keys: bson.D{{Key: "at", Value: 1}}, Options: options.Index().SetName("at_1")},
			// ByUser, newest first.
			{Keys: bson.D{{Key: "user_id", Value: 1}, {Key: "at", Value: -1}}, Options: options.Index().SetName("user_id_1_at_-1")},
		},
	}
}

// Record stores e. A zero At is set from the store's clock; At is kept in
// UTC at millisecond precision, as BSON stores it.
func (a *AuditLog) Record(ctx context.Context, e AuditEntry) error {
	if err := e.validate(); err != nil {
		return err
	}
	if e.At.IsZero() {
		e.At = a.now()
	}
	e.At = e.At.UTC().Truncate(time.Millisecond)
	e.Args = truncate(e.Args, maxAuditText)
	e.Detail = truncate(e.Detail, maxAuditText)
	if _, err := a.coll.InsertOne(ctx, e); err != nil {
		return fmt.Errorf("storage: record audit entry: %w", err)
	}
	return nil
}

// Recent returns up to limit entries, newest first.
func (a *AuditLog) Recent(ctx context.Context, limit int) ([]AuditEntry, error) {
	return a.find(ctx, bson.D{}, limit)
}

// ByUser returns up to limit entries of one Telegram user, newest first.
func (a *AuditLog) ByUser(ctx context.Context, userID int64, limit int) ([]AuditEntry, error) {
	return a.find(ctx, bson.D{{Key: "user_id", Value: userID}}, limit)
}

// Prune deletes the entries older than before and returns how many it
// deleted. Run it periodically: FerretDB has no TTL indexes.
func (a *AuditLog) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := a.coll.DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: before}}}})
	if err != nil {
		return 0, fmt.Errorf("storage: prune audit log: %w", err)
	}
	return res.DeletedCount, nil
}

// find returns the entries matching filter, newest first. A limit below 1
// means DefaultAuditLimit; above MaxAuditLimit it is capped.
//
// Newest first sorts on at, not _id: on MongoDB the {at:1} and
// {user_id:1, at:-1} indexes then serve Recent and ByUser without an
// in-memory sort, and At may be older than the insert (the caller passes the
// time of the update). FerretDB's SQLite backend pushes down neither sorts
// nor filters other than _id equality, so either key costs a full scan
// there (measured: ~60 µs per stored entry, sort key makes no difference);
// Prune is what keeps that bounded.
func (a *AuditLog) find(ctx context.Context, filter bson.D, limit int) ([]AuditEntry, error) {
	switch {
	case limit < 1:
		limit = DefaultAuditLimit
	case limit > MaxAuditLimit:
		limit = MaxAuditLimit
	}
	opts := options.Find().SetSort(bson.D{{Key: "at", Value: -1}}).SetLimit(int64(limit))
	cur, err := a.coll.Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("storage: read audit log: %w", err)
	}
	entries := make([]AuditEntry, 0, limit)
	if err := cur.All(ctx, &entries); err != nil {
		return nil, fmt.Errorf("storage: read audit log: %w", err)
	}
	return entries, nil
}

func (e AuditEntry) validate() error {
	switch e.Kind {
	case AuditKindCommand, AuditKindCallback, AuditKindMessage:
	default:
		return fmt.Errorf("%w: audit entry kind %q (want command, callback or message)", ErrInvalid, e.Kind)
	}
	switch e.Outcome {
	case AuditOutcomeOK, AuditOutcomeDenied, AuditOutcomeIgnored, AuditOutcomeUsage, AuditOutcomeError, AuditOutcomePanic, AuditOutcomeUnknown:
	default:
		return fmt.Errorf("%w: audit entry outcome %q (want ok, denied, ignored, usage, error, panic or unknown)", ErrInvalid, e.Outcome)
	}
	return nil
}

// truncate cuts s to at most n bytes without splitting a rune.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
