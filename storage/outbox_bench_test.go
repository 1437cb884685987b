package storage_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// BenchmarkOutboxPending reads the pending messages of an outbox that
// also holds delivered ones, as it does between prunes (a week of them by
// default): on the embedded server the read scans them all.
//
//	go test -run '^$' -bench OutboxPending -benchtime 50x ./storage/
func BenchmarkOutboxPending(b *testing.B) {
	for _, delivered := range []int{100, 300, 1000} {
		b.Run(fmt.Sprintf("delivered=%d", delivered), func(b *testing.B) {
			o := storagetest.Open(b).Outbox()
			ctx := b.Context()
			at := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
			html := "🔴 <b>INC-1</b> · <b>health</b>\n🚨 open · L1 Automated response\nHTTP 503 (want 200): UNHEALTHY\nFailing for 2m"
			for i := range delivered + 5 {
				key := fmt.Sprintf("INC-%d/card", i)
				m := storage.Message{Key: key, ChatID: -100, Kind: storage.KindSend, Card: fmt.Sprintf("INC-%d", i), HTML: html,
					CreatedAt: at.Add(time.Duration(i) * time.Millisecond)}
				if _, err := o.Enqueue(ctx, m); err != nil {
					b.Fatal(err)
				}
				if i < delivered {
					if ok, err := o.Claim(ctx, key, "bench", at, time.Minute); err != nil || !ok {
						b.Fatal(ok, err)
					}
					if err := o.MarkSent(ctx, key, int64(i+1), at); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ResetTimer()
			for range b.N {
				msgs, err := o.Pending(ctx, 200)
				if err != nil || len(msgs) != 5 {
					b.Fatal(len(msgs), err)
				}
			}
		})
	}
}
