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

// The collections of [Emergencies]: one document per emergency, keyed by
// its id ("E-3"), and one per done step ("E-3|assessment") or claimed
// nudge ("E-3|assessment|ping").
const (
	EmergenciesCollection    = "emergencies"
	EmergencyStepsCollection = "emergency_steps"
)

// emergencyCounter allocates the numbers of E-<n>.
const emergencyCounter = "emergency"

// The kinds of document in EmergencyStepsCollection.
const (
	emergencyStepDone = "done"
	emergencyStepPing = "ping"
)

// ErrEmergencyNotFound is returned (wrapped) for an unknown emergency id.
// It matches maint.ErrUnknownEmergency too.
var ErrEmergencyNotFound = fmt.Errorf("storage: %w", maint.ErrUnknownEmergency)

// Emergencies stores emergency maintenance runs, their done steps and the
// nudges claimed for missed deadlines.
//
// What must happen once is an insert against the unique _id, atomic on
// FerretDB v1 too (which does not make conditional updates atomic across
// connections): a step is done by inserting "E-3|assessment", so of two
// people pressing at once exactly one wins and the other reads the winner
// back; a missed deadline's nudge is claimed by inserting
// "E-3|assessment|ping", so it goes out once across processes and
// restarts. Only Close updates, idempotently.
//
// Get and Open find the steps by emergency, a filter FerretDB applies in
// Go to every stored step (some 100 µs each): emergencies are rare, and
// Prune keeps the collections small.
type Emergencies struct {
	list  *mongo.Collection
	steps *mongo.Collection
	c     *Counters
}

// Emergencies returns the emergency repository.
func (s *Store) Emergencies() *Emergencies {
	return &Emergencies{
		list:  s.db.Collection(EmergenciesCollection),
		steps: s.db.Collection(EmergencyStepsCollection),
		c:     s.Counters(),
	}
}

// emergencyIndexes serve Get, Open and Prune on MongoDB (FerretDB scans
// anyway). They belong in indexes().
func emergencyIndexes() []collectionIndexes {
	return []collectionIndexes{
		{collection: EmergenciesCollection, models: []mongo.IndexModel{
			{Keys: bson.D{{Key: "started_at", Value: 1}}, Options: options.Index().SetName("started_at_1")},
		}},
		{collection: EmergencyStepsCollection, models: []mongo.IndexModel{
			{Keys: bson.D{{Key: "emergency", Value: 1}}, Options: options.Index().SetName("emergency_1")},
			{Keys: bson.D{{Key: "started", Value: 1}}, Options: options.Index().SetName("started_1")},
		}},
	}
}

type emergencyDoc struct {
	ID        string    `bson:"_id"`
	Reason    string    `bson:"reason"`
	By        string    `bson:"by"`
	StartedAt time.Time `bson:"started_at"`
	Window    string    `bson:"window,omitempty"`
	Open      bool      `bson:"open"`
	Closed    time.Time `bson:"closed"`
}

// emergencyStepDoc carries its emergency's start, so that Prune deletes
// the steps with their emergency without a join.
type emergencyStepDoc struct {
	ID        string    `bson:"_id"` // "E-3|assessment", "E-3|assessment|ping"
	Emergency string    `bson:"emergency"`
	Step      string    `bson:"step"`
	Kind      string    `bson:"kind"`
	By        string    `bson:"by,omitempty"`
	At        time.Time `bson:"at"`
	Note      string    `bson:"note,omitempty"`
	Started   time.Time `bson:"started"`
}

func (d emergencyDoc) emergency() maint.Emergency {
	return maint.Emergency{
		ID: d.ID, Reason: d.Reason, By: d.By, StartedAt: windowUTC(d.StartedAt), Window: d.Window,
		Closed: windowUTC(d.Closed), Done: map[string]maint.StepDone{},
	}
}

func (d emergencyStepDoc) done() maint.StepDone {
	return maint.StepDone{By: d.By, At: windowUTC(d.At), Note: d.Note}
}

// Start stores e, a new emergency without an id, under the next "E-<n>"
// and returns it as stored. It needs a reason, who and when, and no done
// steps or close yet.
func (m *Emergencies) Start(ctx context.Context, e maint.Emergency) (maint.Emergency, error) {
	if e.ID != "" || strings.TrimSpace(e.Reason) == "" || e.By == "" || e.StartedAt.IsZero() || len(e.Done) > 0 || !e.Closed.IsZero() {
		return maint.Emergency{}, fmt.Errorf("%w: a new emergency needs a reason, who and when, and no id, steps or close", ErrInvalid)
	}
	n, err := m.c.Next(ctx, emergencyCounter)
	if err != nil {
		return maint.Emergency{}, err
	}
	d := emergencyDoc{
		ID: maint.FormatEmergencyID(n), Reason: e.Reason, By: e.By, StartedAt: bsonTime(e.StartedAt),
		Window: e.Window, Open: true,
	}
	if _, err := m.list.InsertOne(ctx, d); err != nil {
		return maint.Emergency{}, fmt.Errorf("storage: start emergency %s: %w", d.ID, err)
	}
	return d.emergency(), nil
}

// Get returns emergency id with its done steps, or an error wrapping
// [ErrEmergencyNotFound].
func (m *Emergencies) Get(ctx context.Context, id string) (maint.Emergency, error) {
	d, err := m.doc(ctx, id)
	if err != nil {
		return maint.Emergency{}, err
	}
	out, err := m.withSteps(ctx, []emergencyDoc{d})
	if err != nil {
		return maint.Emergency{}, err
	}
	return out[0], nil
}

// doc reads the document of emergency id.
func (m *Emergencies) doc(ctx context.Context, id string) (emergencyDoc, error) {
	var d emergencyDoc
	err := m.list.FindOne(ctx, byID(id)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, fmt.Errorf("%w: %s", ErrEmergencyNotFound, id)
	}
	if err != nil {
		return d, fmt.Errorf("storage: emergency %s: %w", id, err)
	}
	return d, nil
}

// Open returns the emergencies not closed, oldest first, with their done
// steps.
func (m *Emergencies) Open(ctx context.Context) ([]maint.Emergency, error) {
	cur, err := m.list.Find(ctx, bson.D{{Key: "open", Value: true}},
		options.Find().SetSort(bson.D{{Key: "started_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("storage: open emergencies: %w", err)
	}
	var docs []emergencyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: open emergencies: %w", err)
	}
	return m.withSteps(ctx, docs)
}

// withSteps returns docs as emergencies with their done steps, read in
// one query.
func (m *Emergencies) withSteps(ctx context.Context, docs []emergencyDoc) ([]maint.Emergency, error) {
	out := make([]maint.Emergency, 0, len(docs))
	if len(docs) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(docs))
	at := make(map[string]int, len(docs))
	for i, d := range docs {
		ids = append(ids, d.ID)
		at[d.ID] = i
		out = append(out, d.emergency())
	}
	cur, err := m.steps.Find(ctx, bson.D{
		{Key: "emergency", Value: bson.D{{Key: "$in", Value: ids}}},
		{Key: "kind", Value: emergencyStepDone},
	})
	if err != nil {
		return nil, fmt.Errorf("storage: emergency steps: %w", err)
	}
	var steps []emergencyStepDoc
	if err := cur.All(ctx, &steps); err != nil {
		return nil, fmt.Errorf("storage: emergency steps: %w", err)
	}
	for _, s := range steps {
		if i, ok := at[s.Emergency]; ok {
			out[i].Done[s.Step] = s.done()
		}
	}
	return out, nil
}
