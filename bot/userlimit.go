package bot

import (
	"fmt"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// DefaultUserLimit is the per-user command limit when Options.UserLimit
// is zero: every user, admins included, may run at most N commands or
// button presses in any Window, Burst of them back to back. A refused
// command gets at most one "slow down" reply per slowDownEvery, so a
// flood of commands does not become a flood of replies; a refused press
// always gets its toast, since every callback query must be answered.
var DefaultUserLimit = Limit{N: 20, Window: time.Minute, Burst: 5}

const (
	slowDownEvery = time.Minute
	// maxIdleUsers is how many users the limiter keeps before it starts
	// forgetting those whose bucket is full again.
	maxIdleUsers = 1024
	// rateLimitedDetail is the audit Detail of a refused command or press.
	// Its Outcome is "denied": storage validates outcomes against a fixed
	// list that has no "rate_limited" (storage.AuditEntry.validate).
	rateLimitedDetail = "rate_limited"
)

// outcomeRateLimited is the audit outcome of a refused command or press.
const outcomeRateLimited = outcomeDenied

// userLimiter is a token bucket per user, on the Bot's clock. It is safe
// for concurrent use.
type userLimiter struct {
	clock clockwork.Clock
	limit Limit

	mu    sync.Mutex
	users map[int64]*userBucket
}

type userBucket struct {
	*bucket
	warned time.Time // the last slow-down reply; zero: none yet
}

func newUserLimiter(clock clockwork.Clock, l Limit) *userLimiter {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &userLimiter{clock: clock, limit: l, users: map[int64]*userBucket{}}
}

// admit takes a token for one command or press by user and reports true,
// or, when the user is at the limit, takes nothing and reports how long
// until the next token, and whether to tell the user (not told yet in the
// last slowDownEvery).
func (u *userLimiter) admit(user int64) (ok bool, wait time.Duration, notify bool) {
	if u.limit.N <= 0 {
		return true, 0, false
	}
	now := u.clock.Now()
	u.mu.Lock()
	defer u.mu.Unlock()
	ub := u.users[user]
	if ub == nil {
		u.forgetIdleLocked(now)
		ub = &userBucket{bucket: newBucket(u.limit)}
		u.users[user] = ub
	}
	if w := ub.wait(now); w > 0 {
		if ub.warned.IsZero() || now.Sub(ub.warned) >= slowDownEvery {
			ub.warned, notify = now, true
		}
		return false, w, notify
	}
	ub.take(now)
	return true, 0, false
}

// forgetIdleLocked drops users whose bucket is full again and who were not
// warned recently, keeping the map bounded by the users active lately.
func (u *userLimiter) forgetIdleLocked(now time.Time) {
	if len(u.users) < maxIdleUsers {
		return
	}
	for id, ub := range u.users {
		if !ub.tat.After(now) && (ub.warned.IsZero() || now.Sub(ub.warned) >= slowDownEvery) {
			delete(u.users, id)
		}
	}
}

// slowDownText is the reply to a refused command or press.
func slowDownText(wait time.Duration) string {
	secs := max(int64((wait+time.Second-1)/time.Second), 1)
	return fmt.Sprintf("Slow down: too many commands; try again in %ds.", secs)
}

// users returns b's per-user limiter.
func (b *Bot) users() *userLimiter { return b.userLimit }
