package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/checklist"
)

// Tick ticks item itemID of run id with t, once across processes: the
// first call stores t and reports first; every later one (or a
// simultaneous loser) stores nothing and gets the tick that won, so it can
// say who was faster. existing is the tick that holds, t as stored when
// first. Errors wrap ErrChecklistNotFound, or ErrInvalid and
// checklist.ErrUnknownItem for an item the run does not have.
func (c *Checklists) Tick(ctx context.Context, id, itemID string, t checklist.Tick) (first bool, existing checklist.Tick, err error) {
	if t.By == "" || t.At.IsZero() {
		return false, checklist.Tick{}, fmt.Errorf("%w: a tick needs who and when", ErrInvalid)
	}
	doc, err := c.run(ctx, id)
	if err != nil {
		return false, checklist.Tick{}, err
	}
	if !hasItem(doc, itemID) {
		return false, checklist.Tick{}, fmt.Errorf("%w: %w: %s in %s", ErrInvalid, checklist.ErrUnknownItem, itemID, id)
	}
	run := checklist.Run{ID: doc.ID, Posted: doc.Posted}
	td := tickDoc(run, itemID, t)
	_, err = c.ticks.InsertOne(ctx, td)
	if err == nil {
		return true, checklist.Tick{By: td.By, At: td.At, Evidence: td.Evidence}, nil
	}
	if !IsDuplicateKeyError(err) {
		return false, checklist.Tick{}, fmt.Errorf("storage: tick %s: %w", td.ID, err)
	}
	won, ok, err := c.tick(ctx, td.ID)
	if err != nil {
		return false, checklist.Tick{}, err
	}
	if !ok { // pruned between the insert and the read
		return false, checklist.Tick{}, fmt.Errorf("%w: %s", ErrChecklistNotFound, id)
	}
	return false, won, nil
}

func hasItem(doc checklistRunDoc, itemID string) bool {
	for _, it := range doc.Items {
		if it.ID == itemID {
			return true
		}
	}
	return false
}

// Completion counts, for the digests, the items ticked and the items in
// all the runs posted in [from, to): done/total is how much of the
// checklist got done in the period, automatic ticks included.
func (c *Checklists) Completion(ctx context.Context, from, to time.Time) (done, total int, err error) {
	period := bson.D{{Key: "posted", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}}}
	cur, err := c.runs.Find(ctx, period, options.Find().SetProjection(bson.D{{Key: "items.id", Value: 1}}))
	if err != nil {
		return 0, 0, fmt.Errorf("storage: checklist completion: %w", err)
	}
	var runs []checklistRunDoc
	if err := cur.All(ctx, &runs); err != nil {
		return 0, 0, fmt.Errorf("storage: checklist completion: %w", err)
	}
	items := map[string]bool{} // tick keys of the runs' items
	for _, r := range runs {
		for _, it := range r.Items {
			items[tickKey(r.ID, it.ID)] = true
		}
	}
	cur, err = c.ticks.Find(ctx, period, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return 0, 0, fmt.Errorf("storage: checklist completion: %w", err)
	}
	var ticks []checklistTickDoc
	if err := cur.All(ctx, &ticks); err != nil {
		return 0, 0, fmt.Errorf("storage: checklist completion: %w", err)
	}
	for _, t := range ticks {
		if items[t.ID] { // a tick left over by an interrupted Prune has no run
			done++
		}
	}
	return done, len(items), nil
}

// Prune deletes the runs posted before before, and their ticks, and
// returns how many runs it deleted. Runs go first: should it stop halfway,
// the ticks left have no run to show them and go on the next Prune. Run it
// periodically: FerretDB has no TTL indexes.
func (c *Checklists) Prune(ctx context.Context, before time.Time) (int64, error) {
	old := bson.D{{Key: "posted", Value: bson.D{{Key: "$lt", Value: before}}}}
	res, err := c.runs.DeleteMany(ctx, old)
	if err != nil {
		return 0, fmt.Errorf("storage: prune checklists: %w", err)
	}
	if _, err := c.ticks.DeleteMany(ctx, old); err != nil {
		return res.DeletedCount, fmt.Errorf("storage: prune checklist ticks: %w", err)
	}
	return res.DeletedCount, nil
}
