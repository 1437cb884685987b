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

	"github.com/opsbot/opsbot/checklist"
)

// The collections of [Checklists]: one document per posted run, keyed by
// its id, and one per tick, keyed by "<run id>|<item id>".
const (
	ChecklistsCollection     = "checklists"
	ChecklistTicksCollection = "checklist_ticks"
)

// checklistCounter allocates the run numbers of CL-<n>.
const checklistCounter = "checklist"

// ErrChecklistNotFound is returned (wrapped) for a run id that has no run.
// It wraps checklist.ErrNotFound, so the checklist desk recognises it
// without knowing this package.
var ErrChecklistNotFound = fmt.Errorf("storage: %w", checklist.ErrNotFound)

// Checklists stores posted checklist runs and their ticks.
//
// A tick is its own document whose _id is "CL-7|d3": two people tapping
// one item at once (on any replica) both insert it, the unique _id lets
// exactly one insert win, and the loser reads the winner's tick back. A
// tick field on the run, set by a conditional update, would not do:
// FerretDB v1 does not make those atomic across connections.
//
// Reads stay on _id lookups: a run, then each of its items' ticks. On
// FerretDB v1.24's SQLite backend an _id lookup is filtered inside SQLite,
// but by scanning the table (its query expression differs from the _id
// index's, so the index only guards inserts): about 3.5 µs per stored
// document, against some 100 µs for any other filter, which FerretDB
// applies in Go. So keep the collections small with Prune: with about a
// month of runs (some 800 ticks) a lookup takes about 3 ms and a press,
// which reads the whole run, well under 100 ms.
type Checklists struct {
	runs  *mongo.Collection
	ticks *mongo.Collection
	c     *Counters
}

// Checklists returns the checklist repository.
func (s *Store) Checklists() *Checklists {
	return &Checklists{
		runs:  s.db.Collection(ChecklistsCollection),
		ticks: s.db.Collection(ChecklistTicksCollection),
		c:     s.Counters(),
	}
}

// checklistIndexes are the indexes of the checklist collections, on
// "posted" for Completion and Prune on MongoDB (FerretDB scans anyway).
// They belong in indexes().
func checklistIndexes() []collectionIndexes {
	posted := mongo.IndexModel{Keys: bson.D{{Key: "posted", Value: 1}}, Options: options.Index().SetName("posted_1")}
	return []collectionIndexes{
		{collection: ChecklistsCollection, models: []mongo.IndexModel{posted}},
		{collection: ChecklistTicksCollection, models: []mongo.IndexModel{posted}},
	}
}

type checklistItemDoc struct {
	ID      string `bson:"id"`
	Text    string `bson:"text"`
	Section string `bson:"section,omitempty"`
	Verify  string `bson:"verify,omitempty"`
}

type checklistRunDoc struct {
	ID        string             `bson:"_id"`
	Kind      string             `bson:"kind"`
	Title     string             `bson:"title"`
	Items     []checklistItemDoc `bson:"items"`
	ChatID    int64              `bson:"chat_id"`
	MessageID int64              `bson:"message_id"`
	Posted    time.Time          `bson:"posted"`
}

// checklistTickDoc carries its run's posted time, so that Completion and
// Prune select ticks by period without a join.
type checklistTickDoc struct {
	ID       string    `bson:"_id"` // "<run>|<item>"
	Run      string    `bson:"run"`
	Item     string    `bson:"item"`
	By       string    `bson:"by"`
	At       time.Time `bson:"at"`
	Evidence string    `bson:"evidence,omitempty"`
	Posted   time.Time `bson:"posted"`
}

func tickKey(runID, itemID string) string { return runID + "|" + itemID }

// bsonTime is t as BSON keeps it: UTC, milliseconds.
func bsonTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// Create stores run under a new id "CL-<n>" with the ticks it already has
// (the automatic ones) and returns it as stored. Item ids must be unique,
// non-empty and free of ':' and '|' (they go into callback data and keys).
func (c *Checklists) Create(ctx context.Context, run checklist.Run) (checklist.Run, error) {
	if err := validRun(run); err != nil {
		return checklist.Run{}, err
	}
	n, err := c.c.Next(ctx, checklistCounter)
	if err != nil {
		return checklist.Run{}, err
	}
	run.ID = "CL-" + strconv.FormatInt(n, 10)
	run.Posted = bsonTime(run.Posted)
	doc := checklistRunDoc{ID: run.ID, Kind: run.Kind, Title: run.Title, ChatID: run.ChatID, MessageID: run.MessageID, Posted: run.Posted}
	for _, it := range run.Items {
		doc.Items = append(doc.Items, checklistItemDoc(it))
	}
	if _, err := c.runs.InsertOne(ctx, doc); err != nil {
		return checklist.Run{}, fmt.Errorf("storage: create checklist %s: %w", run.ID, err)
	}
	ticks := make(map[string]checklist.Tick, len(run.Ticks))
	var docs []any
	for _, it := range run.Items { // in item order, and only the run's items
		t, ok := run.Ticks[it.ID]
		if !ok {
			continue
		}
		t.At = bsonTime(t.At)
		ticks[it.ID] = t
		docs = append(docs, tickDoc(run, it.ID, t))
	}
	if len(docs) > 0 {
		if _, err := c.ticks.InsertMany(ctx, docs); err != nil {
			return checklist.Run{}, fmt.Errorf("storage: create checklist %s: ticks: %w", run.ID, err)
		}
	}
	run.Ticks = ticks
	return run, nil
}

func validRun(run checklist.Run) error {
	if run.Kind == "" || len(run.Items) == 0 || run.Posted.IsZero() {
		return fmt.Errorf("%w: checklist needs a kind, items and a posted time", ErrInvalid)
	}
	seen := make(map[string]bool, len(run.Items))
	for _, it := range run.Items {
		if it.ID == "" || strings.ContainsAny(it.ID, ":|") || seen[it.ID] {
			return fmt.Errorf("%w: checklist item id %q (unique, non-empty, without ':' or '|')", ErrInvalid, it.ID)
		}
		seen[it.ID] = true
	}
	for id, t := range run.Ticks {
		if !seen[id] || t.By == "" || t.At.IsZero() {
			return fmt.Errorf("%w: tick of checklist item %q needs the item, who and when", ErrInvalid, id)
		}
	}
	return nil
}

func tickDoc(run checklist.Run, itemID string, t checklist.Tick) checklistTickDoc {
	return checklistTickDoc{
		ID: tickKey(run.ID, itemID), Run: run.ID, Item: itemID,
		By: t.By, At: bsonTime(t.At), Evidence: t.Evidence, Posted: bsonTime(run.Posted),
	}
}

// SetMessage records where run id was posted, for whoever edits it later
// (a scheduled post learns its message id only once it is sent).
func (c *Checklists) SetMessage(ctx context.Context, id string, chatID, messageID int64) error {
	res, err := c.runs.UpdateOne(ctx, byID(id),
		bson.D{{Key: "$set", Value: bson.D{{Key: "chat_id", Value: chatID}, {Key: "message_id", Value: messageID}}}})
	if err != nil {
		return fmt.Errorf("storage: checklist %s: set message: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: %s", ErrChecklistNotFound, id)
	}
	return nil
}

// run reads the run document of id.
func (c *Checklists) run(ctx context.Context, id string) (checklistRunDoc, error) {
	var doc checklistRunDoc
	err := c.runs.FindOne(ctx, byID(id)).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return doc, fmt.Errorf("%w: %s", ErrChecklistNotFound, id)
	}
	if err != nil {
		return doc, fmt.Errorf("storage: checklist %s: %w", id, err)
	}
	return doc, nil
}

// Get returns run id with its ticks. It looks each item's tick up by _id,
// which FerretDB filters in SQLite (MongoDB by index); one query for all
// of them ($in, or by run) would be filtered in Go at about 100 µs per
// stored tick, no cheaper than twenty lookups at 3.5 µs each.
func (c *Checklists) Get(ctx context.Context, id string) (checklist.Run, error) {
	doc, err := c.run(ctx, id)
	if err != nil {
		return checklist.Run{}, err
	}
	run := checklist.Run{
		ID: doc.ID, Kind: doc.Kind, Title: doc.Title, ChatID: doc.ChatID, MessageID: doc.MessageID,
		Posted: doc.Posted, Ticks: map[string]checklist.Tick{},
	}
	for _, it := range doc.Items {
		run.Items = append(run.Items, checklist.Item(it))
		t, ok, err := c.tick(ctx, tickKey(id, it.ID))
		if err != nil {
			return checklist.Run{}, err
		}
		if ok {
			run.Ticks[it.ID] = t
		}
	}
	return run, nil
}

// tick reads one tick by its key.
func (c *Checklists) tick(ctx context.Context, key string) (checklist.Tick, bool, error) {
	var doc checklistTickDoc
	err := c.ticks.FindOne(ctx, byID(key)).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return checklist.Tick{}, false, nil
	}
	if err != nil {
		return checklist.Tick{}, false, fmt.Errorf("storage: checklist tick %s: %w", key, err)
	}
	return checklist.Tick{By: doc.By, At: doc.At, Evidence: doc.Evidence}, true, nil
}
