package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/opsbot/opsbot/incident/maint"
)

// emergencyStepKey is the _id of step's record of emergency id: "E-3|fix",
// or "E-3|fix|ping" for its nudge.
func emergencyStepKey(id, step, kind string) string {
	if kind == emergencyStepPing {
		return id + "|" + step + "|" + emergencyStepPing
	}
	return id + "|" + step
}

// validStep checks a step name that goes into a key.
func validStep(step string) error {
	if step == "" || strings.Contains(step, "|") {
		return fmt.Errorf("%w: emergency step %q (non-empty, without '|')", ErrInvalid, step)
	}
	return nil
}

// Done records step of emergency id done with d, once across processes:
// the first call stores d and reports first; every later one (or a
// simultaneous loser) stores nothing and gets the record that won, so it
// can say who was faster. existing is the record that holds, d as stored
// when first. Errors wrap ErrEmergencyNotFound, or ErrInvalid for a step
// name that cannot be a key or a record without who and when.
func (m *Emergencies) Done(ctx context.Context, id, step string, d maint.StepDone) (first bool, existing maint.StepDone, err error) {
	if err := validStep(step); err != nil {
		return false, maint.StepDone{}, err
	}
	if d.By == "" || d.At.IsZero() {
		return false, maint.StepDone{}, fmt.Errorf("%w: a done step needs who and when", ErrInvalid)
	}
	e, err := m.doc(ctx, id)
	if err != nil {
		return false, maint.StepDone{}, err
	}
	doc := emergencyStepDoc{
		ID: emergencyStepKey(id, step, emergencyStepDone), Emergency: id, Step: step, Kind: emergencyStepDone,
		By: d.By, At: bsonTime(d.At), Note: d.Note, Started: e.StartedAt,
	}
	_, err = m.steps.InsertOne(ctx, doc)
	if err == nil {
		return true, doc.done(), nil
	}
	if !IsDuplicateKeyError(err) {
		return false, maint.StepDone{}, fmt.Errorf("storage: emergency step %s: %w", doc.ID, err)
	}
	var won emergencyStepDoc
	err = m.steps.FindOne(ctx, byID(doc.ID)).Decode(&won)
	if errors.Is(err, mongo.ErrNoDocuments) { // pruned between the insert and the read
		return false, maint.StepDone{}, fmt.Errorf("%w: %s", ErrEmergencyNotFound, id)
	}
	if err != nil {
		return false, maint.StepDone{}, fmt.Errorf("storage: emergency step %s: %w", doc.ID, err)
	}
	return false, won.done(), nil
}

// Pinged claims, at at, the nudge for the missed deadline of step of
// emergency id, and reports whether this call was the first to: exactly
// one call per id and step returns true, across processes and restarts.
// On an error the outcome is unknown, as with [Once.Claim]: claim before
// sending. Errors wrap ErrEmergencyNotFound or ErrInvalid.
func (m *Emergencies) Pinged(ctx context.Context, id, step string, at time.Time) (first bool, err error) {
	if err := validStep(step); err != nil {
		return false, err
	}
	if at.IsZero() {
		return false, fmt.Errorf("%w: a nudge needs a time", ErrInvalid)
	}
	e, err := m.doc(ctx, id)
	if err != nil {
		return false, err
	}
	doc := emergencyStepDoc{
		ID: emergencyStepKey(id, step, emergencyStepPing), Emergency: id, Step: step, Kind: emergencyStepPing,
		At: bsonTime(at), Started: e.StartedAt,
	}
	_, err = m.steps.InsertOne(ctx, doc)
	if IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: emergency nudge %s: %w", doc.ID, err)
	}
	return true, nil
}

// Close marks emergency id closed at at. Closing a closed emergency keeps
// the first close's time; two closes at once may both write (FerretDB v1
// does not make the conditional update atomic), the later one winning,
// which is harmless. Errors wrap ErrEmergencyNotFound.
func (m *Emergencies) Close(ctx context.Context, id string, at time.Time) error {
	res, err := m.list.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "open", Value: true}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "open", Value: false}, {Key: "closed", Value: bsonTime(at)}}}})
	if err != nil {
		return fmt.Errorf("storage: close emergency %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		_, err = m.doc(ctx, id) // closed already, or unknown
		return err
	}
	return nil
}

// Prune deletes the emergencies started before before, closed or not (one
// open that long was abandoned), with their steps and nudges, and returns
// how many emergencies it deleted. Emergencies go first: should it stop
// halfway, the steps left have no emergency to show them and go on the
// next Prune. Run it periodically: FerretDB has no TTL indexes.
func (m *Emergencies) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := m.list.DeleteMany(ctx, bson.D{{Key: "started_at", Value: bson.D{{Key: "$lt", Value: before}}}})
	if err != nil {
		return 0, fmt.Errorf("storage: prune emergencies: %w", err)
	}
	if _, err := m.steps.DeleteMany(ctx, bson.D{{Key: "started", Value: bson.D{{Key: "$lt", Value: before}}}}); err != nil {
		return res.DeletedCount, fmt.Errorf("storage: prune emergency steps: %w", err)
	}
	return res.DeletedCount, nil
}
