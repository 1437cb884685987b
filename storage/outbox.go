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
)

// Collections of the [Outbox].
const (
	// OutboxCollection holds the messages, keyed by idempotency key.
	OutboxCollection = "outbox"
	// OutboxClaimsCollection holds the claims "<key>|<attempt>" and the
	// outcome "<key>|done" of every message; inserts only decide there.
	OutboxClaimsCollection = "outbox_claims"
	// OutboxCardsCollection maps a card to its Telegram message, _id = card.
	OutboxCardsCollection = "outbox_cards"
)

// MessageKind says what a [Message] does in Telegram.
type MessageKind string

// Message kinds.
const (
	KindSend   MessageKind = "send"
	KindEdit   MessageKind = "edit"
	KindDelete MessageKind = "delete"
	// KindPhoto sends Photo (PNG or JPEG) with HTML as its caption (at
	// most 1024 characters).
	KindPhoto MessageKind = "photo"
)

// maxOutboxError bounds the stored error of a failed attempt.
const maxOutboxError = 500

// Message states, as Pending and friends report them in Message.State.
const (
	StatePending    = "pending"
	StateSent       = "sent"
	StateSuperseded = "superseded" // an edit replaced by a newer edit of its card
	StateFailed     = "failed"     // given up (GiveUp)
)

// Message is one outgoing Telegram message. Text is rendered and split at
// 4096 characters before it is enqueued: each part is a Message of its own,
// with a key of its own ("<key>#2").
type Message struct {
	Key       string      `bson:"_id"` // idempotency key; no '|'
	ChatID    int64       `bson:"chat_id"`
	ThreadID  int64       `bson:"thread_id,omitempty"`
	Kind      MessageKind `bson:"kind"`
	Card      string      `bson:"card,omitempty"`       // e.g. an incident id; a send records it, edits target it
	MessageID int64       `bson:"message_id,omitempty"` // edit/delete target when there is no card
	HTML      string      `bson:"html,omitempty"`
	Keyboard  []byte      `bson:"keyboard,omitempty"` // opaque (the JSON reply markup)
	ReplyTo   int64       `bson:"reply_to,omitempty"`
	// ReplyToCard makes a send reply to the message showing that card (an
	// incident's), looked up when it is sent, since the card may not be
	// sent yet when the reply is enqueued. A card never sent, or shown in
	// another chat, gets no reply. ReplyTo wins when both are set.
	ReplyToCard string `bson:"reply_to_card,omitempty"`
	// Photo is the image of a KindPhoto message.
	Photo     []byte    `bson:"photo,omitempty"`
	CreatedAt time.Time `bson:"created_at"` // default now; orders the outbox
	NotBefore time.Time `bson:"not_before"` // retry time; default CreatedAt

	// Filled in by the outbox; ignored by Enqueue.
	State     string `bson:"state"`
	Attempts  int64  `bson:"attempts"`
	LastError string `bson:"last_error,omitempty"`
	SentID    int64  `bson:"sent_id,omitempty"` // Telegram message id once sent
}

// claimDoc is a claim "<key>|<attempt>", or the outcome "<key>|done":
// inserted once, the outcome is the truth about whether a message is
// finished; Message.State only mirrors it for queries.
type claimDoc struct {
	ID        string    `bson:"_id"`
	Key       string    `bson:"key"`
	Owner     string    `bson:"owner,omitempty"`
	At        time.Time `bson:"at"`
	ExpiresAt time.Time `bson:"expires_at"`
	Outcome   string    `bson:"outcome,omitempty"` // done docs: sent, superseded, failed
	SentID    int64     `bson:"sent_id,omitempty"`
}

// Outbox stores every outgoing message before it is sent.
//
// # Exactly once, and the one window
//
// Enqueue inserts the message under its idempotency key, so a producer that
// retries (or replays after a crash) cannot queue it twice. A sender Claims
// it, calls Telegram, then MarkSent. Claim and the outcome are inserts
// against the unique _id of the claims collection, which are atomic on
// MongoDB and on FerretDB v1 (where findAndModify and conditional updates
// are read-modify-write and not atomic across connections):
//
//   - Claim inserts "<key>|<n>" for the next attempt n. Exactly one inserter
//     wins n. A loser reads the winning claim: while it has not expired,
//     Claim reports false; after it expired (its sender crashed or stalled
//     past the lease) it tries n+1, where again only one wins.
//   - MarkSent inserts "<key>|done". Claim looks for it after winning its
//     insert, so a message whose MarkSent is stored is never claimed again,
//     even when the mirrored State was lost to a concurrent update.
//
// A message is thus repeated only when Telegram accepted it and the sender
// crashed (or stalled past the lease) before MarkSent's insert was stored:
// the time the Bot API's response takes to arrive plus one insert, a few
// milliseconds per message (MarkSent writes that insert before anything
// else). The restart then claims it again once the lease has expired and
// sends it a second time. Edits and deletes are harmless to repeat; only a send shows
// twice. The sender must finish a send and MarkSent within the lease.
//
// # Coalescing
//
// Enqueueing an edit of a card, and marking one sent, supersedes the
// pending edits of that card older than its newest pending or sent edit
// (their outcome becomes "superseded"), and Pending drops older edits of a
// card it returns a newer edit for, so only the newest content is sent.
// Edits of one card must be sent by one sender in order, which the leader
// lease provides.
//
// On the embedded server Pending and Prune scan the outbox (only _id
// lookups are indexed there); Prune keeps it bounded. The idempotency of a
// key lasts until its message is pruned.
type Outbox struct {
	msgs, claims, cards *mongo.Collection
}

// Outbox returns the outbox repository.
func (s *Store) Outbox() *Outbox {
	return &Outbox{
		msgs:   s.db.Collection(OutboxCollection),
		claims: s.db.Collection(OutboxClaimsCollection),
		cards:  s.db.Collection(OutboxCardsCollection),
	}
}

func outboxIndexes() collectionIndexes {
	return collectionIndexes{
		collection: OutboxCollection,
		models: []mongo.IndexModel{
			// Pending, oldest first, on MongoDB.
			{Keys: bson.D{{Key: "state", Value: 1}, {Key: "created_at", Value: 1}}, Options: options.Index().SetName("state_1_created_at_1")},
		},
	}
}

func byID(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }

// Enqueue stores m as pending. A message with the same key already stored
// is not an error: Enqueue leaves it as it is and reports created false.
func (o *Outbox) Enqueue(ctx context.Context, m Message) (created bool, err error) {
	if err := m.validate(); err != nil {
		return false, err
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Millisecond)
	if m.NotBefore.IsZero() {
		m.NotBefore = m.CreatedAt
	}
	m.NotBefore = m.NotBefore.UTC().Truncate(time.Millisecond)
	m.State, m.Attempts, m.LastError, m.SentID = StatePending, 0, "", 0

	_, err = o.msgs.InsertOne(ctx, m)
	created = err == nil
	if err != nil && !IsDuplicateKeyError(err) {
		return false, fmt.Errorf("storage: enqueue %s: %w", m.Key, err)
	}
	if m.Kind == KindEdit && m.Card != "" {
		// Also after a duplicate: the first Enqueue may have crashed here.
		if err := o.supersede(ctx, m.Card); err != nil {
			return created, fmt.Errorf("storage: coalesce edits of %s: %w", m.Card, err)
		}
	}
	return created, nil
}

func (m Message) validate() error {
	switch {
	case m.Key == "" || strings.Contains(m.Key, "|"):
		return fmt.Errorf("%w: outbox key %q (non-empty, without '|')", ErrInvalid, m.Key)
	case m.Kind != KindSend && m.Kind != KindEdit && m.Kind != KindDelete && m.Kind != KindPhoto:
		return fmt.Errorf("%w: outbox kind %q (want send, edit, delete or photo)", ErrInvalid, m.Kind)
	case m.Kind == KindPhoto && len(m.Photo) == 0:
		return fmt.Errorf("%w: outbox photo %s has no image", ErrInvalid, m.Key)
	case m.ChatID == 0:
		return fmt.Errorf("%w: outbox message %s has no chat", ErrInvalid, m.Key)
	case m.ReplyToCard != "" && m.Kind != KindSend:
		return fmt.Errorf("%w: outbox %s %s replies to a card (only a send can)", ErrInvalid, m.Kind, m.Key)
	}
	return nil
}

// newer reports whether edit a replaces edit b: created later, or at the
// same millisecond with a greater key.
func newer(a, b Message) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.After(b.CreatedAt)
	}
	return a.Key > b.Key
}

// supersede finishes the pending edits of card except the newest pending
// or sent one: edits enqueued late (a retried producer) lose to a newer edit
// already sent, too. Enqueue and MarkSent both run it, so a crash in one
// leaves no stale edit behind.
func (o *Outbox) supersede(ctx context.Context, card string) error {
	edits, err := o.find(ctx, bson.D{
		{Key: "kind", Value: KindEdit}, {Key: "card", Value: card},
		{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{StatePending, StateSent}}}},
	}, 0)
	if err != nil || len(edits) < 2 {
		return err
	}
	newest := edits[0]
	for _, e := range edits[1:] {
		if newer(e, newest) {
			newest = e
		}
	}
	for _, e := range edits {
		if e.State != StatePending || e.Key == newest.Key {
			continue
		}
		if err := o.finish(ctx, e.Key, claimDoc{Outcome: StateSuperseded, At: newest.CreatedAt}); err != nil {
			return err
		}
	}
	return nil
}

// Pending returns up to limit unfinished messages, oldest first, due or not
// (see Due). Of several edits of one card only the newest is returned.
func (o *Outbox) Pending(ctx context.Context, limit int) ([]Message, error) {
	return o.pending(ctx, bson.D{{Key: "state", Value: StatePending}}, limit)
}

// Due is Pending restricted to messages whose NotBefore has come by now:
// what a sender delivers, at start and after.
func (o *Outbox) Due(ctx context.Context, now time.Time, limit int) ([]Message, error) {
	return o.pending(ctx, bson.D{
		{Key: "state", Value: StatePending},
		{Key: "not_before", Value: bson.D{{Key: "$lte", Value: now}}},
	}, limit)
}

func (o *Outbox) pending(ctx context.Context, filter bson.D, limit int) ([]Message, error) {
	msgs, err := o.find(ctx, filter, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: read outbox: %w", err)
	}
	newest := map[string]Message{}
	for _, m := range msgs {
		if m.Kind == KindEdit && m.Card != "" {
			if cur, ok := newest[m.Card]; !ok || newer(m, cur) {
				newest[m.Card] = m
			}
		}
	}
	out := msgs[:0]
	for _, m := range msgs {
		if m.Kind == KindEdit && m.Card != "" && newest[m.Card].Key != m.Key {
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// find returns the messages matching filter, oldest first; limit < 1 means all.
func (o *Outbox) find(ctx context.Context, filter bson.D, limit int) ([]Message, error) {
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := o.msgs.Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	var msgs []Message
	if err := cur.All(ctx, &msgs); err != nil {
		return nil, err
	}
	return msgs, nil
}

type cardDoc struct {
	ID        string    `bson:"_id"`
	ChatID    int64     `bson:"chat_id"`
	MessageID int64     `bson:"message_id"`
	At        time.Time `bson:"at"`
}

// CardMessage returns the Telegram message that shows card, and false when
// no send of it has been marked sent.
func (o *Outbox) CardMessage(ctx context.Context, card string) (chatID, messageID int64, ok bool, err error) {
	var d cardDoc
	err = o.cards.FindOne(ctx, byID(card)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("storage: card %s: %w", card, err)
	}
	return d.ChatID, d.MessageID, true, nil
}

// Prune deletes the finished messages created before before, with their
// claims, and returns how many messages it deleted. Pending messages and
// card lookups stay.
func (o *Outbox) Prune(ctx context.Context, before time.Time) (int64, error) {
	msgs, err := o.find(ctx, bson.D{
		{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{StateSent, StateSuperseded, StateFailed}}}},
		{Key: "created_at", Value: bson.D{{Key: "$lt", Value: before}}},
	}, 0)
	if err != nil {
		return 0, fmt.Errorf("storage: prune outbox: %w", err)
	}
	var total int64
	for len(msgs) > 0 {
		n := min(len(msgs), 500)
		keys := make(bson.A, 0, n)
		for _, m := range msgs[:n] {
			keys = append(keys, m.Key)
		}
		msgs = msgs[n:]
		// The message first: a crash in between leaves only claims behind.
		res, err := o.msgs.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})
		if err != nil {
			return total, fmt.Errorf("storage: prune outbox: %w", err)
		}
		total += res.DeletedCount
		if _, err := o.claims.DeleteMany(ctx, bson.D{{Key: "key", Value: bson.D{{Key: "$in", Value: keys}}}}); err != nil {
			return total, fmt.Errorf("storage: prune outbox claims: %w", err)
		}
	}
	return total, nil
}
