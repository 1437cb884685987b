package telegramtest

import (
	"fmt"
	"math"
	"net/http"
	"time"
)

// Telegram's flood limits, as documented in its FAQ for bots.
const (
	globalLimit  = 30 // messages per globalWindow, all chats together
	globalWindow = time.Second
	groupLimit   = 20 // messages per groupWindow to one group or supergroup
	groupWindow  = time.Minute
)

// rateLimiter keeps the times of recently accepted messages: sliding
// windows, so retry_after is exactly when the oldest send leaves the window.
type rateLimiter struct {
	global  []time.Time
	perChat map[int64][]time.Time
}

// admitLocked checks the flood limits for one more message to c and, if it
// may go, counts it. It is called when everything else about the message has
// been accepted. Only sendMessage, sendDocument and sendPhoto count; edits
// do not.
func (s *Server) admitLocked(c Chat) *apiError {
	if !s.rateLimits {
		return nil
	}
	now := s.now()
	l := &s.state.limiter
	if l.perChat == nil {
		l.perChat = map[int64][]time.Time{}
	}
	l.global = recent(l.global, now, globalWindow)
	if len(l.global) >= globalLimit {
		return s.tooManyLocked(l.global[len(l.global)-globalLimit].Add(globalWindow).Sub(now))
	}
	group := c.Type == ChatGroup || c.Type == ChatSupergroup
	if group {
		sent := recent(l.perChat[c.ID], now, groupWindow)
		l.perChat[c.ID] = sent
		if len(sent) >= groupLimit {
			return s.tooManyLocked(sent[len(sent)-groupLimit].Add(groupWindow).Sub(now))
		}
		l.perChat[c.ID] = append(sent, now)
	}
	l.global = append(l.global, now)
	return nil
}

func (s *Server) tooManyLocked(wait time.Duration) *apiError {
	s.state.rateLimited++
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	return &apiError{Status: http.StatusTooManyRequests, Description: fmt.Sprintf("Too Many Requests: retry after %d", secs), RetryAfter: secs}
}

// recent drops the times that are out of the window ending at now.
func recent(ts []time.Time, now time.Time, window time.Duration) []time.Time {
	cutoff := now.Add(-window)
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}

// RateLimited returns how many calls the rate limiter answered 429
// (injected faults are not counted).
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.rateLimited
}
