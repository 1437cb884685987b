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

	"github.com/opsbot/opsbot/checks/events"
)

// EventCountsCollection holds the per-hour counts of the monitored
// service's events.
const EventCountsCollection = "event_counts"

// The classes [EventCounts.Record] counts events under; see [EventClasses].
const (
	// EventClassAll counts every event.
	EventClassAll = "events"
	// EventClassSecurity counts security_violation events, rate-limit
	// violations among them.
	EventClassSecurity = "security"
	// EventClassRateLimit counts the events that report a rate limit hit:
	// security_violation events saying so, and system_alert events saying
	// so (see [IsRateLimitEvent]).
	EventClassRateLimit = "rate_limit"
)

// maxEventSkew is how far in the future of its arrival an event's own
// timestamp may lie and still be believed. A later one comes from a clock
// that is off, or from a local time without an offset read as UTC, and the
// event is counted when it arrived instead.
const maxEventSkew = 5 * time.Minute

// EventCounts keeps counts of events per class and hour, nothing of the
// events themselves: one document per class per UTC day, keyed by _id
// "<class>|<YYYY-MM-DD>", holding up to 24 hour fields ("00".."23") of
// counts. As with [History], reading a day of a class is one _id lookup,
// the one indexed read on FerretDB's SQLite backend, and a write, which
// costs there in proportion to the collection, finds a collection of a few
// documents per day. Writes are $inc and $set with upsert only.
//
// It is an events.EventSink: [EventCounts.Record] counts each event the
// webhook receives, so the digests can show how many security and
// rate-limit events a period had.
type EventCounts struct {
	coll *mongo.Collection
}

var _ events.EventSink = (*EventCounts)(nil)

// EventCounts returns the event count repository.
func (s *Store) EventCounts() *EventCounts {
	return &EventCounts{coll: s.db.Collection(EventCountsCollection)}
}

type eventCountDoc struct {
	ID    string           `bson:"_id"`
	Class string           `bson:"class"`
	Day   time.Time        `bson:"day"`
	Hours map[string]int64 `bson:"hours"`
}

func eventCountID(class string, day time.Time) string {
	return class + "|" + day.UTC().Format(time.DateOnly)
}

func validEventClass(class string) error {
	if class == "" || strings.Contains(class, "|") {
		return fmt.Errorf("%w: event class %q (non-empty, without '|')", ErrInvalid, class)
	}
	return nil
}

// Add adds n to class's count in the hour holding at. n must not be
// negative; 0 writes nothing.
func (c *EventCounts) Add(ctx context.Context, class string, at time.Time, n int64) error {
	if err := validEventClass(class); err != nil {
		return err
	}
	if n < 0 || at.IsZero() {
		return fmt.Errorf("%w: add %d %s events at %v", ErrInvalid, n, class, at)
	}
	if n == 0 {
		return nil
	}
	at = at.UTC()
	day := at.Truncate(24 * time.Hour)
	filter := bson.D{{Key: "_id", Value: eventCountID(class, day)}}
	update := bson.D{
		{Key: "$inc", Value: bson.D{{Key: fmt.Sprintf("hours.%02d", at.Hour()), Value: n}}},
		{Key: "$set", Value: bson.D{{Key: "class", Value: class}, {Key: "day", Value: day}}},
	}
	_, err := c.coll.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
	if IsDuplicateKeyError(err) {
		// Two first writes of the day raced: both found no document and
		// both inserted, and the other one won. The document exists now,
		// so the retry updates it.
		_, err = c.coll.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
	}
	if err != nil {
		return fmt.Errorf("storage: add %s events: %w", class, err)
	}
	return nil
}

// Sum returns class's count over the hours whose start lies in [from, to).
func (c *EventCounts) Sum(ctx context.Context, class string, from, to time.Time) (int64, error) {
	if err := validEventClass(class); err != nil {
		return 0, err
	}
	from, to = from.UTC(), to.UTC()
	var sum int64
	for day := from.Truncate(24 * time.Hour); day.Before(to); day = day.Add(24 * time.Hour) {
		var doc eventCountDoc
		err := c.coll.FindOne(ctx, bson.D{{Key: "_id", Value: eventCountID(class, day)}}).Decode(&doc)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("storage: read %s event counts: %w", class, err)
		}
		for hr := range 24 {
			at := day.Add(time.Duration(hr) * time.Hour)
			if !at.Before(from) && at.Before(to) {
				sum += doc.Hours[fmt.Sprintf("%02d", hr)]
			}
		}
	}
	return sum, nil
}

// Prune deletes the days before the one holding before, every class.
func (c *EventCounts) Prune(ctx context.Context, before time.Time) (int64, error) {
	return pruneDays(ctx, c.coll, before, "event counts")
}

// Record counts e once in each of its [EventClasses], in the hour of its
// own Timestamp, or of ReceivedAt when it has none or it lies more than
// five minutes after ReceivedAt (a clock that is off must not put events
// into a day that has not come yet). Counting is at least once: when one
// of the writes fails, the ones before it stay, and a webhook that answers
// 500 gets the event again.
func (c *EventCounts) Record(ctx context.Context, e events.Event) error {
	at := e.Timestamp
	if at.IsZero() || !e.ReceivedAt.IsZero() && at.After(e.ReceivedAt.Add(maxEventSkew)) {
		at = e.ReceivedAt
	}
	if at.IsZero() {
		return fmt.Errorf("%w: %s event without a time", ErrInvalid, e.Type)
	}
	for _, class := range EventClasses(e) {
		if err := c.Add(ctx, class, at, 1); err != nil {
			return err
		}
	}
	return nil
}
