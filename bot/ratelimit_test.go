package bot

import (
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// TestRateLimiterNeverExceedsSlidingWindow sends as fast as the limiter
// allows and counts, as Telegram does, the sends in every window ending at
// a send.
func TestRateLimiterNeverExceedsSlidingWindow(t *testing.T) {
	tests := []struct {
		name   string
		chat   int64
		limit  Limit
		window time.Duration
	}{
		{"group", -1001, DefaultGroupLimit, time.Minute},
		{"private", 42, DefaultPrivateLimit, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := clockwork.NewFakeClock()
			r := NewRateLimiter(clock)
			var sent []time.Time
			for len(sent) < 100 {
				wait, _ := r.Reserve(tt.chat)
				if wait > 0 {
					clock.Advance(wait)
					continue
				}
				sent = append(sent, clock.Now())
			}
			for i, at := range sent {
				n := 0
				for _, s := range sent[:i+1] {
					if s.After(at.Add(-tt.window)) {
						n++
					}
				}
				if n > tt.limit.N {
					t.Fatalf("%d sends in the window ending at send %d, limit %d", n, i, tt.limit.N)
				}
			}
			if first := sent[tt.limit.Burst-1]; !first.Equal(sent[0]) {
				t.Fatalf("burst of %d did not go at once", tt.limit.Burst)
			}
		})
	}
}

func TestRateLimiterGlobalLimitStopsAllChats(t *testing.T) {
	clock := clockwork.NewFakeClock()
	r := NewRateLimiter(clock)
	for i := range DefaultGlobalLimit.Burst {
		if wait, _ := r.Reserve(int64(1000 + i)); wait != 0 {
			t.Fatalf("send %d of the burst waited %v", i, wait)
		}
	}
	wait, global := r.Reserve(5000)
	if wait <= 0 || !global {
		t.Fatalf("after the global burst: wait %v, global %v", wait, global)
	}
}
