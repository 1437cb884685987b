package bot

import (
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Limit is a rate: at most N messages in any Window, with bursts of up to
// Burst of them back to back.
type Limit struct {
	N      int
	Window time.Duration
	Burst  int
}

// Telegram's flood limits for bots (its FAQ): about 30 messages a second in
// all, about 20 a minute to one group, and one a second to a private chat
// as a sustained rate.
var (
	DefaultGlobalLimit  = Limit{N: 30, Window: time.Second, Burst: 5}
	DefaultGroupLimit   = Limit{N: 20, Window: time.Minute, Burst: 3}
	DefaultPrivateLimit = Limit{N: 1, Window: time.Second, Burst: 1}
)

// bucket is a token bucket kept as GCRA: tat is the time at which the
// bucket will be full again. Telegram counts its limits over sliding
// windows, so a bucket allowing Burst at once and refilling one token every
// Window/(N-Burst+1) never lets more than N through in any Window.
type bucket struct {
	interval time.Duration // one token
	slack    time.Duration // (Burst-1) tokens
	tat      time.Time
}

func newBucket(l Limit) *bucket {
	burst := min(max(l.Burst, 1), max(l.N, 1))
	per := max(l.N-burst+1, 1)
	// Round up: a token a nanosecond early lets N+1 into a window.
	interval := (l.Window + time.Duration(per) - 1) / time.Duration(per)
	return &bucket{interval: interval, slack: time.Duration(burst-1) * interval}
}

// wait is how long until the bucket has a token at now; 0 when it has one.
func (b *bucket) wait(now time.Time) time.Duration {
	if earliest := b.tat.Add(-b.slack); earliest.After(now) {
		return earliest.Sub(now)
	}
	return 0
}

func (b *bucket) take(now time.Time) {
	if b.tat.Before(now) {
		b.tat = now
	}
	b.tat = b.tat.Add(b.interval)
}

// RateLimiter keeps messages under Telegram's flood limits: one bucket for
// the bot and one per chat (group limits for negative chat ids, private
// limits otherwise). Senders ask before sending instead of collecting 429s.
// It is safe for concurrent use.
type RateLimiter struct {
	clock                  clockwork.Clock
	global, group, private Limit

	mu    sync.Mutex
	all   *bucket
	chats map[int64]*bucket
}

// NewRateLimiter returns a RateLimiter with Telegram's default limits,
// measured with clock (nil: real time).
func NewRateLimiter(clock clockwork.Clock) *RateLimiter {
	return NewRateLimiterWith(clock, DefaultGlobalLimit, DefaultGroupLimit, DefaultPrivateLimit)
}

// NewRateLimiterWith returns a RateLimiter with the given limits.
func NewRateLimiterWith(clock clockwork.Clock, global, group, private Limit) *RateLimiter {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &RateLimiter{
		clock: clock, global: global, group: group, private: private,
		all: newBucket(global), chats: map[int64]*bucket{},
	}
}

// Reserve takes a token for one message to chatID and returns 0, or, when
// the bot or the chat is at its limit, takes nothing and returns how long
// to wait before asking again. global says that the bot as a whole is at
// its limit, so no chat may send now.
func (r *RateLimiter) Reserve(chatID int64) (wait time.Duration, global bool) {
	now := r.clock.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	chat := r.chats[chatID]
	if chat == nil {
		l := r.private
		if chatID < 0 {
			l = r.group
		}
		chat = newBucket(l)
		r.chats[chatID] = chat
	}
	if w := r.all.wait(now); w > 0 {
		return w, true
	}
	if w := chat.wait(now); w > 0 {
		return w, false
	}
	r.all.take(now)
	chat.take(now)
	r.forgetIdleLocked(now)
	return 0, false
}

// forgetIdleLocked drops the buckets of chats that are full again, which
// keeps the map bounded by the chats written to recently.
func (r *RateLimiter) forgetIdleLocked(now time.Time) {
	if len(r.chats) < 1024 {
		return
	}
	for id, b := range r.chats {
		if !b.tat.After(now) {
			delete(r.chats, id)
		}
	}
}
