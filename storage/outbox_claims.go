package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Claim makes owner the sender of message key until now+lease, and reports
// whether it did. It reports false when the message is finished, unknown,
// or held by an unexpired claim (of owner too: a claim is not re-entrant).
func (o *Outbox) Claim(ctx context.Context, key, owner string, now time.Time, lease time.Duration) (bool, error) {
	var m Message
	err := o.msgs.FindOne(ctx, byID(key)).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: claim %s: %w", key, err)
	}
	if m.State != StatePending {
		return false, nil
	}
	now = now.UTC().Truncate(time.Millisecond)
	// Attempts names the latest claim; only its holder writes it. When it
	// is stale (a lost update), the loop probes taken attempts again.
	for n := max(m.Attempts, 1); ; n++ {
		claim := claimDoc{ID: key + "|" + strconv.FormatInt(n, 10), Key: key, Owner: owner, At: now, ExpiresAt: now.Add(lease)}
		_, err := o.claims.InsertOne(ctx, claim)
		if err == nil {
			return o.claimed(ctx, key, n)
		}
		if !IsDuplicateKeyError(err) {
			return false, fmt.Errorf("storage: claim %s: %w", key, err)
		}
		var held claimDoc
		if err := o.claims.FindOne(ctx, byID(claim.ID)).Decode(&held); err != nil {
			return false, fmt.Errorf("storage: claim %s: %w", key, err)
		}
		if held.ExpiresAt.After(now) {
			return false, nil
		}
	}
}

// claimed runs after winning attempt n: a message finished in the meantime
// (its done document is the truth) is not sent again.
func (o *Outbox) claimed(ctx context.Context, key string, n int64) (bool, error) {
	var done claimDoc
	err := o.claims.FindOne(ctx, byID(key+"|done")).Decode(&done)
	if err == nil {
		// Repair the mirror, which a concurrent update may have lost.
		_, _ = o.msgs.UpdateOne(ctx, byID(key), bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: done.Outcome}}}})
		return false, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return false, fmt.Errorf("storage: claim %s: %w", key, err)
	}
	if _, err := o.msgs.UpdateOne(ctx, byID(key), bson.D{{Key: "$set", Value: bson.D{{Key: "attempts", Value: n}}}}); err != nil {
		return false, fmt.Errorf("storage: claim %s: %w", key, err)
	}
	return true, nil
}

// MarkSent records that Telegram accepted message key as telegramMessageID.
// A send with a card makes that message the card's (see CardMessage).
// Marking a finished message again is not an error.
func (o *Outbox) MarkSent(ctx context.Context, key string, telegramMessageID int64, at time.Time) error {
	at = at.UTC().Truncate(time.Millisecond)
	// The outcome first: until it is stored, a crash repeats the message.
	if err := o.finish(ctx, key, claimDoc{Outcome: StateSent, At: at, SentID: telegramMessageID}); err != nil {
		return fmt.Errorf("storage: mark %s sent: %w", key, err)
	}
	var m Message
	if err := o.msgs.FindOne(ctx, byID(key)).Decode(&m); err != nil {
		return fmt.Errorf("storage: mark %s sent: %w", key, err)
	}
	if m.Kind == KindEdit && m.Card != "" {
		if err := o.supersede(ctx, m.Card); err != nil {
			return fmt.Errorf("storage: mark %s sent: coalesce edits of %s: %w", key, m.Card, err)
		}
	}
	if m.Kind != KindSend || m.Card == "" {
		return nil
	}
	card := cardDoc{ID: m.Card, ChatID: m.ChatID, MessageID: telegramMessageID, At: at}
	_, err := o.cards.ReplaceOne(ctx, byID(m.Card), card, options.Replace().SetUpsert(true))
	if IsDuplicateKeyError(err) { // two upserts inserting at once: now it exists
		_, err = o.cards.ReplaceOne(ctx, byID(m.Card), card)
	}
	if err != nil {
		return fmt.Errorf("storage: mark %s sent: card %s: %w", key, m.Card, err)
	}
	return nil
}

// MarkFailed records a failed attempt at message key, due again at retryAt,
// and releases the caller's claim so the retry need not wait for its lease.
func (o *Outbox) MarkFailed(ctx context.Context, key, reason string, retryAt time.Time) error {
	var m Message
	if err := o.msgs.FindOne(ctx, byID(key)).Decode(&m); err != nil {
		return fmt.Errorf("storage: mark %s failed: %w", key, err)
	}
	retryAt = retryAt.UTC().Truncate(time.Millisecond)
	if _, err := o.msgs.UpdateOne(ctx, byID(key), bson.D{{Key: "$set", Value: bson.D{
		{Key: "last_error", Value: truncate(reason, maxOutboxError)}, {Key: "not_before", Value: retryAt},
	}}}); err != nil {
		return fmt.Errorf("storage: mark %s failed: %w", key, err)
	}
	// Attempts names the caller's claim unless the hint was lost; then the
	// claim is left to expire with its lease.
	claimID := key + "|" + strconv.FormatInt(m.Attempts, 10)
	if _, err := o.claims.UpdateOne(ctx, byID(claimID), bson.D{{Key: "$set", Value: bson.D{{Key: "expires_at", Value: time.Time{}}}}}); err != nil {
		return fmt.Errorf("storage: mark %s failed: %w", key, err)
	}
	return nil
}

// GiveUp finishes message key unsent (state failed), for errors a retry
// cannot fix (chat not found, bot blocked) or after too many attempts.
func (o *Outbox) GiveUp(ctx context.Context, key, reason string, at time.Time) error {
	if err := o.finish(ctx, key, claimDoc{Outcome: StateFailed, At: at.UTC().Truncate(time.Millisecond)}); err != nil {
		return fmt.Errorf("storage: give up %s: %w", key, err)
	}
	_, err := o.msgs.UpdateOne(ctx, byID(key), bson.D{{Key: "$set", Value: bson.D{{Key: "last_error", Value: truncate(reason, maxOutboxError)}}}})
	if err != nil {
		return fmt.Errorf("storage: give up %s: %w", key, err)
	}
	return nil
}

// finish inserts the outcome of message key (the first outcome stays) and
// mirrors it into the message's State.
func (o *Outbox) finish(ctx context.Context, key string, done claimDoc) error {
	done.ID, done.Key = key+"|done", key
	if _, err := o.claims.InsertOne(ctx, done); err != nil && !IsDuplicateKeyError(err) {
		return err
	}
	set := bson.D{{Key: "state", Value: done.Outcome}}
	if done.SentID != 0 {
		set = append(set, bson.E{Key: "sent_id", Value: done.SentID})
	}
	_, err := o.msgs.UpdateOne(ctx, byID(key), bson.D{{Key: "$set", Value: set}})
	return err
}
