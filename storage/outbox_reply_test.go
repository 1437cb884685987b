package storage_test

import (
	"errors"
	"testing"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

func TestOutboxReplyToCard(t *testing.T) {
	t.Parallel()
	o := storagetest.Open(t).Outbox()
	ctx := t.Context()
	m := msg("comment", storage.KindSend, "", obT0)
	m.ReplyToCard = "INC-1"
	enqueue(t, o, m)
	got, err := o.Pending(ctx, 0)
	if err != nil || len(got) != 1 || got[0].ReplyToCard != "INC-1" {
		t.Fatalf("Pending = %+v, %v; want the reply to INC-1's card", got, err)
	}
	for _, kind := range []storage.MessageKind{storage.KindEdit, storage.KindDelete} {
		bad := msg("bad-"+string(kind), kind, "INC-1", obT0)
		bad.ReplyToCard = "INC-1"
		if _, err := o.Enqueue(ctx, bad); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("Enqueue(%s with ReplyToCard) error = %v, want ErrInvalid", kind, err)
		}
	}
}
