package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

var obT0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func msg(key string, kind storage.MessageKind, card string, at time.Time) storage.Message {
	return storage.Message{Key: key, ChatID: -100, Kind: kind, Card: card, HTML: "<b>" + key + "</b>", CreatedAt: at}
}

func enqueue(t *testing.T, o *storage.Outbox, msgs ...storage.Message) {
	t.Helper()
	for _, m := range msgs {
		if _, err := o.Enqueue(t.Context(), m); err != nil {
			t.Fatalf("enqueue %s: %v", m.Key, err)
		}
	}
}

// keysOf returns a function that takes a listing's results and returns its
// keys, failing t on an error.
func keysOf(t *testing.T) func([]storage.Message, error) []string {
	return func(msgs []storage.Message, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, m := range msgs {
			out = append(out, m.Key)
		}
		return out
	}
}

func assertKeys(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestOutboxEnqueueIsIdempotent(t *testing.T) {
	t.Parallel()
	o := storagetest.Open(t).Outbox()
	ctx := t.Context()
	m := msg("incident:INC-1:opened", storage.KindSend, "INC-1", obT0)
	m.Keyboard = []byte(`{"inline_keyboard":[[{"text":"Ack","callback_data":"ack:INC-1"}]]}`)
	m.ThreadID, m.ReplyTo = 7, 99
	created, err := o.Enqueue(ctx, m)
	if err != nil || !created {
		t.Fatalf("first Enqueue = %v, %v", created, err)
	}
	again := m
	again.HTML = "changed"
	created, err = o.Enqueue(ctx, again)
	if err != nil || created {
		t.Fatalf("second Enqueue = %v, %v; want false, nil", created, err)
	}
	got, err := o.Pending(ctx, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("Pending = %+v, %v", got, err)
	}
	g := got[0]
	if g.HTML != m.HTML || string(g.Keyboard) != string(m.Keyboard) || g.ThreadID != 7 || g.ReplyTo != 99 ||
		!g.CreatedAt.Equal(obT0) || !g.NotBefore.Equal(obT0) || g.State != storage.StatePending {
		t.Fatalf("stored %+v", g)
	}
	for _, bad := range []storage.Message{
		msg("", storage.KindSend, "", obT0),
		msg("a|b", storage.KindSend, "", obT0),
		msg("k", "post", "", obT0),
		{Key: "k", Kind: storage.KindSend},
	} {
		if _, err := o.Enqueue(ctx, bad); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("Enqueue(%+v) error = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestOutboxPendingOrderAndDue(t *testing.T) {
	t.Parallel()
	o := storagetest.Open(t).Outbox()
	ctx := t.Context()
	later := msg("c", storage.KindSend, "", obT0.Add(-time.Minute))
	later.NotBefore = obT0.Add(time.Hour)
	enqueue(t, o,
		msg("b", storage.KindSend, "", obT0.Add(2*time.Second)),
		msg("a", storage.KindSend, "", obT0.Add(time.Second)),
		later,
		msg("d", storage.KindDelete, "", obT0.Add(time.Second)),
	)
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0)), "c", "a", "d", "b")
	assertKeys(t, keysOf(t)(o.Pending(ctx, 2)), "c", "a")
	assertKeys(t, keysOf(t)(o.Due(ctx, obT0.Add(time.Minute), 0)), "a", "d", "b")
	assertKeys(t, keysOf(t)(o.Due(ctx, obT0.Add(time.Hour), 0)), "c", "a", "d", "b")
}

func TestOutboxClaim(t *testing.T) {
	t.Parallel()
	o := storagetest.Open(t).Outbox()
	ctx := t.Context()
	enqueue(t, o, msg("k", storage.KindSend, "", obT0))
	claim := func(owner string, now time.Time, want bool) {
		t.Helper()
		got, err := o.Claim(ctx, "k", owner, now, time.Minute)
		if err != nil || got != want {
			t.Fatalf("Claim(%s, %s) = %v, %v; want %v", owner, now.Format(time.TimeOnly), got, err, want)
		}
	}
	claim("a", obT0, true)
	claim("b", obT0.Add(30*time.Second), false) // held
	claim("a", obT0.Add(30*time.Second), false) // not re-entrant
	claim("b", obT0.Add(61*time.Second), true)  // a's lease expired: a crashed
	claim("c", obT0.Add(62*time.Second), false)

	// A failure releases the claim; the retry can claim at once.
	if err := o.MarkFailed(ctx, "k", "telegram: 502 Bad Gateway", obT0.Add(70*time.Second)); err != nil {
		t.Fatal(err)
	}
	got, err := o.Pending(ctx, 0)
	if err != nil || len(got) != 1 || got[0].Attempts != 2 || got[0].LastError != "telegram: 502 Bad Gateway" || !got[0].NotBefore.Equal(obT0.Add(70*time.Second)) {
		t.Fatalf("after MarkFailed: %+v, %v", got, err)
	}
	assertKeys(t, keysOf(t)(o.Due(ctx, obT0.Add(65*time.Second), 0)))
	claim("c", obT0.Add(70*time.Second), true)

	if err := o.MarkSent(ctx, "k", 555, obT0.Add(71*time.Second)); err != nil {
		t.Fatal(err)
	}
	claim("d", obT0.Add(time.Hour), false) // finished
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0)))
	if ok, err := o.Claim(ctx, "unknown", "a", obT0, time.Minute); ok || err != nil {
		t.Fatalf("Claim(unknown) = %v, %v", ok, err)
	}
}

// TestOutboxClaimRace lets owners on two clients claim each message at once:
// exactly one wins each.
func TestOutboxClaimRace(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	ctx := t.Context()
	const messages, owners = 5, 6
	for i := range messages {
		enqueue(t, a.Outbox(), msg(string(rune('a'+i)), storage.KindSend, "", obT0))
	}
	var (
		mu   sync.Mutex
		wins = map[string]int{}
		wg   sync.WaitGroup
	)
	for w := range owners {
		o := a.Outbox()
		if w%2 == 1 {
			o = b.Outbox()
		}
		wg.Go(func() {
			for i := range messages {
				key := string(rune('a' + i))
				ok, err := o.Claim(ctx, key, "owner", obT0, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					wins[key]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for i := range messages {
		if key := string(rune('a' + i)); wins[key] != 1 {
			t.Errorf("message %s claimed %d times, want once", key, wins[key])
		}
	}
}

// TestOutboxSentStaysSentWhenStateIsLost pins that the outcome document,
// not the mirrored state, decides: a message whose state went back to
// pending (a lost update on FerretDB) is not claimed again.
func TestOutboxSentStaysSentWhenStateIsLost(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	o := s.Outbox()
	ctx := t.Context()
	enqueue(t, o, msg("k", storage.KindSend, "", obT0))
	if ok, err := o.Claim(ctx, "k", "a", obT0, time.Minute); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	if err := o.MarkSent(ctx, "k", 1, obT0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Database().Collection(storage.OutboxCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: "k"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: storage.StatePending}}}}); err != nil {
		t.Fatal(err)
	}
	if ok, err := o.Claim(ctx, "k", "b", obT0.Add(time.Hour), time.Minute); ok || err != nil {
		t.Fatalf("Claim of a sent message = %v, %v; want false", ok, err)
	}
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0))) // and the state is repaired
}

func TestOutboxCoalescesEditsOfACard(t *testing.T) {
	t.Parallel()
	o := storagetest.Open(t).Outbox()
	ctx := t.Context()
	enqueue(t, o,
		msg("open", storage.KindSend, "INC-1", obT0),
		msg("edit1", storage.KindEdit, "INC-1", obT0.Add(time.Second)),
		msg("other", storage.KindEdit, "INC-2", obT0.Add(2*time.Second)),
		msg("edit2", storage.KindEdit, "INC-1", obT0.Add(3*time.Second)),
	)
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0)), "open", "other", "edit2")
	if ok, err := o.Claim(ctx, "edit1", "a", obT0, time.Minute); ok || err != nil {
		t.Fatalf("Claim of a superseded edit = %v, %v; want false", ok, err)
	}
	// An older edit enqueued late (a retried producer) is not sent either.
	enqueue(t, o, msg("edit0", storage.KindEdit, "INC-1", obT0.Add(2*time.Second)))
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0)), "open", "other", "edit2")
	enqueue(t, o, msg("edit3", storage.KindEdit, "INC-1", obT0.Add(4*time.Second)))
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0)), "open", "other", "edit3")

	// Once edit3 is sent, an older edit enqueued late is superseded by it.
	if ok, err := o.Claim(ctx, "edit3", "a", obT0, time.Minute); !ok || err != nil {
		t.Fatalf("Claim(edit3) = %v, %v", ok, err)
	}
	if err := o.MarkSent(ctx, "edit3", 1, obT0); err != nil {
		t.Fatal(err)
	}
	enqueue(t, o, msg("late", storage.KindEdit, "INC-1", obT0.Add(3500*time.Millisecond)))
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0)), "open", "other")
}

// TestOutboxMarkSentSupersedes covers a crash between an edit's insert and
// its coalescing: sending the newer edit supersedes the older one, which
// Pending had hidden until then.
func TestOutboxMarkSentSupersedes(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	o := s.Outbox()
	ctx := t.Context()
	enqueue(t, o, msg("edit1", storage.KindEdit, "INC-1", obT0))
	// edit2 inserted directly, as if Enqueue had crashed before coalescing.
	m := msg("edit2", storage.KindEdit, "INC-1", obT0.Add(time.Second))
	m.State, m.NotBefore = storage.StatePending, m.CreatedAt
	if _, err := s.Database().Collection(storage.OutboxCollection).InsertOne(ctx, m); err != nil {
		t.Fatal(err)
	}
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0)), "edit2")
	if ok, err := o.Claim(ctx, "edit2", "a", obT0, time.Minute); !ok || err != nil {
		t.Fatalf("Claim(edit2) = %v, %v", ok, err)
	}
	if err := o.MarkSent(ctx, "edit2", 1, obT0); err != nil {
		t.Fatal(err)
	}
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0)))
}

func TestOutboxCardMessage(t *testing.T) {
	t.Parallel()
	o := storagetest.Open(t).Outbox()
	ctx := t.Context()
	if _, _, ok, err := o.CardMessage(ctx, "INC-1"); ok || err != nil {
		t.Fatalf("CardMessage before send = %v, %v", ok, err)
	}
	enqueue(t, o, msg("open", storage.KindSend, "INC-1", obT0), msg("plain", storage.KindSend, "", obT0))
	for key, id := range map[string]int64{"open": 4242, "plain": 4243} {
		if ok, err := o.Claim(ctx, key, "a", obT0, time.Minute); !ok || err != nil {
			t.Fatalf("Claim(%s) = %v, %v", key, ok, err)
		}
		if err := o.MarkSent(ctx, key, id, obT0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	chat, id, ok, err := o.CardMessage(ctx, "INC-1")
	if err != nil || !ok || chat != -100 || id != 4242 {
		t.Fatalf("CardMessage = %d, %d, %v, %v", chat, id, ok, err)
	}
}

func TestOutboxGiveUpAndPrune(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	o := s.Outbox()
	ctx := t.Context()
	enqueue(t, o,
		msg("sent", storage.KindSend, "", obT0),
		msg("dead", storage.KindSend, "", obT0),
		msg("pending", storage.KindSend, "", obT0),
		msg("new", storage.KindSend, "", obT0.Add(48*time.Hour)),
	)
	for _, key := range []string{"sent", "dead", "new"} {
		if ok, err := o.Claim(ctx, key, "a", obT0, time.Minute); !ok || err != nil {
			t.Fatalf("Claim(%s) = %v, %v", key, ok, err)
		}
	}
	if err := o.MarkSent(ctx, "sent", 1, obT0); err != nil {
		t.Fatal(err)
	}
	if err := o.MarkSent(ctx, "new", 2, obT0); err != nil {
		t.Fatal(err)
	}
	if err := o.GiveUp(ctx, "dead", "Forbidden: bot was blocked by the user", obT0); err != nil {
		t.Fatal(err)
	}
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0)), "pending")

	n, err := o.Prune(ctx, obT0.Add(24*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2", n, err)
	}
	left, err := s.Database().Collection(storage.OutboxClaimsCollection).CountDocuments(ctx, bson.D{})
	if err != nil || left != 2 { // new|1 and new|done
		t.Fatalf("claims left = %d, %v; want 2", left, err)
	}
	assertKeys(t, keysOf(t)(o.Pending(ctx, 0)), "pending")
	// Pruned keys may be enqueued again: idempotency lasts until the prune.
	if created, err := o.Enqueue(ctx, msg("sent", storage.KindSend, "", obT0)); err != nil || !created {
		t.Fatalf("Enqueue after prune = %v, %v", created, err)
	}
}

func TestOutboxPendingSurvivesARestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first := storagetest.OpenAt(t, dir)
	enqueue(t, first.Outbox(), msg("a", storage.KindSend, "INC-1", obT0), msg("b", storage.KindSend, "", obT0.Add(time.Second)))
	if ok, err := first.Outbox().Claim(ctx, "a", "old", obT0, time.Minute); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	if err := first.Close(ctx); err != nil { // crashed while sending "a"
		t.Fatal(err)
	}

	o := storagetest.OpenAt(t, dir).Outbox()
	assertKeys(t, keysOf(t)(o.Due(ctx, obT0.Add(2*time.Minute), 10)), "a", "b")
	if ok, err := o.Claim(ctx, "a", "new", obT0.Add(30*time.Second), time.Minute); ok || err != nil {
		t.Fatalf("Claim within the old lease = %v, %v; want false", ok, err)
	}
	if ok, err := o.Claim(ctx, "a", "new", obT0.Add(2*time.Minute), time.Minute); !ok || err != nil {
		t.Fatalf("Claim after the old lease = %v, %v; want true", ok, err)
	}
}
