package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/incident/maint"
)

// MaintenanceCollection holds the one-off and emergency maintenance
// windows, keyed by their id ("M-3"), and the overrides of recurring
// windows, keyed by the occurrence's id ("monthly-2026-12-06").
const MaintenanceCollection = "maintenance"

// maintenanceCounter is the [Counters] name of stored window numbers.
const maintenanceCounter = "maintenance"

// ErrWindowNotFound is returned (wrapped) for an unknown window id. It
// matches maint.ErrUnknown too, which is what maint and the commands test.
var ErrWindowNotFound = fmt.Errorf("storage: %w", maint.ErrUnknown)

// Maintenance stores maintenance windows. Recurring windows are computed
// from configuration (maint.Calendar); only their early end, early start
// or cancellation is stored here, as an override document with the
// occurrence's id.
//
// Numbers are allocated by [Counters] (an insert against a unique _id,
// atomic on FerretDB v1 too), so two admins adding windows at once get
// two numbers. Start, end and cancel are read-modify-replace by _id: not
// atomic on FerretDB, so of two people ending one window at once the later
// write wins, which is harmless for a rare, human change. List and Prune
// filter on other fields, which scans on the embedded server: Prune keeps
// the collection small.
type Maintenance struct {
	coll *mongo.Collection
	ctrs *Counters
}

// Maintenance returns the maintenance window repository.
func (s *Store) Maintenance() *Maintenance {
	return &Maintenance{coll: s.db.Collection(MaintenanceCollection), ctrs: s.Counters()}
}

// maintenanceIndexes serves List and Prune on MongoDB. indexes() does not
// list it yet (indexes.go belongs to another change); until it does, the
// collection is scanned, which its size (see Prune) allows.
func maintenanceIndexes() collectionIndexes {
	return collectionIndexes{
		collection: MaintenanceCollection,
		models: []mongo.IndexModel{
			{Keys: bson.D{{Key: "until", Value: 1}}, Options: options.Index().SetName("until_1")},
		},
	}
}

// windowDoc is a window as stored. From and Until are its span for
// queries: from the start, or the early start, to the scheduled end.
type windowDoc struct {
	ID        string        `bson:"_id"`
	Title     string        `bson:"title"`
	Kind      maint.Kind    `bson:"kind"`
	Start     time.Time     `bson:"start"`
	End       time.Time     `bson:"end"`
	Notice    time.Duration `bson:"notice"`
	Scope     []string      `bson:"scope"`
	CreatedBy string        `bson:"created_by"`
	Canceled  bool          `bson:"canceled"`
	EndedAt   time.Time     `bson:"ended_at"`
	StartedAt time.Time     `bson:"started_at"`
	From      time.Time     `bson:"from"`
	Until     time.Time     `bson:"until"`
}

// windowTime is t in UTC at millisecond precision, as BSON stores it, so
// that what a method returns equals what a later read returns.
func windowTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Millisecond)
}

func newWindowDoc(w maint.Window) windowDoc {
	d := windowDoc{
		ID: w.ID, Title: w.Title, Kind: w.Kind, Start: windowTime(w.Start), End: windowTime(w.End),
		Notice: w.Notice, Scope: w.Scope, CreatedBy: w.CreatedBy, Canceled: w.Canceled,
		EndedAt: windowTime(w.EndedAt), StartedAt: windowTime(w.StartedAt),
	}
	d.From, d.Until = d.window().EffectiveStart(), d.End
	return d
}

func (d windowDoc) window() maint.Window {
	return maint.Window{
		ID: d.ID, Title: d.Title, Kind: d.Kind, Start: d.Start, End: d.End, Notice: d.Notice,
		Scope: d.Scope, CreatedBy: d.CreatedBy, Canceled: d.Canceled, EndedAt: windowUTC(d.EndedAt), StartedAt: windowUTC(d.StartedAt),
	}
}

// windowUTC keeps a stored zero time zero.
func windowUTC(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// Add stores a one-off or emergency window (an empty Kind is one-off),
// allocating its id, and returns it as stored. w.ID must be empty.
func (m *Maintenance) Add(ctx context.Context, w maint.Window) (maint.Window, error) {
	if w.Kind == "" {
		w.Kind = maint.KindOneOff
	}
	if w.ID != "" || w.Kind == maint.KindRecurring {
		return maint.Window{}, fmt.Errorf("%w: add a one-off or emergency window without an id", ErrInvalid)
	}
	if err := w.Validate(); err != nil {
		return maint.Window{}, errors.Join(ErrInvalid, err)
	}
	n, err := m.ctrs.Next(ctx, maintenanceCounter)
	if err != nil {
		return maint.Window{}, err
	}
	w.ID = maint.FormatID(n)
	d := newWindowDoc(w)
	if _, err := m.coll.InsertOne(ctx, d); err != nil {
		return maint.Window{}, fmt.Errorf("storage: add window %s: %w", w.ID, err)
	}
	return d.window(), nil
}

// Get returns window id, or an error wrapping [ErrWindowNotFound]. An
// override's id returns the override.
func (m *Maintenance) Get(ctx context.Context, id string) (maint.Window, error) {
	var d windowDoc
	err := m.coll.FindOne(ctx, byID(id)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return maint.Window{}, fmt.Errorf("%w: %s", ErrWindowNotFound, id)
	}
	if err != nil {
		return maint.Window{}, fmt.Errorf("storage: get window %s: %w", id, err)
	}
	return d.window(), nil
}

// List returns the windows and overrides whose span overlaps [from, to),
// by start: every window active at some moment of it, ended and canceled
// ones included (maint.Window.Phase tells them apart). A window started
// early counts from its early start.
func (m *Maintenance) List(ctx context.Context, from, to time.Time) ([]maint.Window, error) {
	// Stored times are whole milliseconds and BSON truncates the bounds
	// to milliseconds as well. Rounding the end of the range up keeps
	// "from < to" exact (a window starting at 12:00 overlaps [11:00,
	// 12:00+1ns), which is how Calendar.Suppressed asks); truncating the
	// beginning keeps "until > from" exact as it is.
	if t := to.Truncate(time.Millisecond); t.Before(to) {
		to = t.Add(time.Millisecond)
	}
	cur, err := m.coll.Find(ctx, bson.D{
		{Key: "from", Value: bson.D{{Key: "$lt", Value: to}}},
		{Key: "until", Value: bson.D{{Key: "$gt", Value: from}}},
	}, options.Find().SetSort(bson.D{{Key: "start", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: list windows: %w", err)
	}
	var docs []windowDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: list windows: %w", err)
	}
	out := make([]maint.Window, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.window())
	}
	return out, nil
}

// StartNow starts window id early, at at (maint.Window.StartAt).
func (m *Maintenance) StartNow(ctx context.Context, id string, at time.Time) (maint.Window, error) {
	return m.change(ctx, id, func(w maint.Window) (maint.Window, error) { return w.StartAt(windowTime(at)) })
}

// End ends active window id at at (maint.Window.EndAt).
func (m *Maintenance) End(ctx context.Context, id string, at time.Time) (maint.Window, error) {
	return m.change(ctx, id, func(w maint.Window) (maint.Window, error) { return w.EndAt(windowTime(at)) })
}

// Cancel calls off window id at at, before it starts (maint.Window.CancelAt).
func (m *Maintenance) Cancel(ctx context.Context, id string, at time.Time) (maint.Window, error) {
	return m.change(ctx, id, func(w maint.Window) (maint.Window, error) { return w.CancelAt(windowTime(at)) })
}

// change reads window id, applies op and replaces it. A refusal is
// op's *maint.StateError, returned as it is.
func (m *Maintenance) change(ctx context.Context, id string, op func(maint.Window) (maint.Window, error)) (maint.Window, error) {
	w, err := m.Get(ctx, id)
	if err != nil {
		return maint.Window{}, err
	}
	if w, err = op(w); err != nil {
		return maint.Window{}, err
	}
	d := newWindowDoc(w)
	res, err := m.coll.ReplaceOne(ctx, byID(id), d)
	if err != nil {
		return maint.Window{}, fmt.Errorf("storage: change window %s: %w", id, err)
	}
	if res.MatchedCount == 0 { // pruned in between
		return maint.Window{}, fmt.Errorf("%w: %s", ErrWindowNotFound, id)
	}
	return d.window(), nil
}

// Override stores the early start, early end or cancellation of recurring
// window w (the whole occurrence, so that List finds it by its span),
// replacing an earlier override of it.
func (m *Maintenance) Override(ctx context.Context, w maint.Window) error {
	if w.Kind != maint.KindRecurring || w.ID == "" || strings.HasPrefix(w.ID, "M-") {
		return fmt.Errorf("%w: override %q: only recurring windows are overridden", ErrInvalid, w.ID)
	}
	if err := w.Validate(); err != nil {
		return errors.Join(ErrInvalid, err)
	}
	d := newWindowDoc(w)
	_, err := m.coll.ReplaceOne(ctx, byID(d.ID), d, options.Replace().SetUpsert(true))
	if IsDuplicateKeyError(err) { // two upserts inserting at once: now it exists
		_, err = m.coll.ReplaceOne(ctx, byID(d.ID), d)
	}
	if err != nil {
		return fmt.Errorf("storage: override window %s: %w", d.ID, err)
	}
	return nil
}

// Prune deletes the windows and overrides scheduled to end before before
// and returns how many it deleted. Run it periodically: FerretDB has no
// TTL indexes, and every List scans the collection on the embedded server.
// A window ended early goes by its scheduled end, a little later.
func (m *Maintenance) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := m.coll.DeleteMany(ctx, bson.D{{Key: "until", Value: bson.D{{Key: "$lt", Value: before}}}})
	if err != nil {
		return 0, fmt.Errorf("storage: prune windows: %w", err)
	}
	return res.DeletedCount, nil
}
