package checks

import (
	"context"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// DefaultHostInterval is the least time between the starts of two runs
// against one host: one request a second, well below the 120 a minute per
// client the primary allows on its health endpoints.
const DefaultHostInterval = time.Second

// HostKey returns the rate-limit key of a check's target: the lower-cased
// host name of a URL ("https://API.example.com:8443/health" gives
// "api.example.com") or of a host:port, else the target itself. The port
// is left out: one host is one service to be polite to.
func HostKey(target string) string {
	if u, err := url.Parse(target); err == nil && u.Host != "" {
		return strings.ToLower(u.Hostname())
	}
	if h, _, err := net.SplitHostPort(target); err == nil {
		return strings.ToLower(h)
	}
	return strings.ToLower(target)
}

// gridSlack is how late after a grid point a run may start and still
// count, for the host limit, as started on it.
const gridSlack = 10 * time.Millisecond

// hostLimiter spaces the runs against each host by at least every. A run
// that starts within gridSlack after a point of the runner's grid (as
// scheduled runs do) counts from that point, so that the next scheduled
// run to the host, due exactly every later, need not wait those few
// microseconds with a timer wake-up of its own. Actual starts are thus at
// least every - gridSlack apart. It delays runs, never drops them. Time
// is the runner's clock.
type hostLimiter struct {
	clock clockwork.Clock
	every time.Duration

	mu   sync.Mutex
	next map[string]time.Time // earliest start of the next run per host
}

func newHostLimiter(clock clockwork.Clock, every time.Duration) *hostLimiter {
	return &hostLimiter{clock: clock, every: every, next: make(map[string]time.Time)}
}

// wait returns how long until host is free; zero when it is free now, or
// when host is "" or the limiter is off.
func (l *hostLimiter) wait(host string) time.Duration {
	if host == "" || l.every <= 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(0, l.next[host].Sub(l.clock.Now()))
}

// take claims host for a run starting now, if it is free, and reports
// whether it did.
func (l *hostLimiter) take(host string) bool {
	if host == "" || l.every <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if now.Before(l.next[host]) {
		return false
	}
	if slot := now.Truncate(quantum); now.Sub(slot) < gridSlack {
		now = slot
	}
	l.next[host] = now.Add(l.every)
	return true
}

// sleep waits d on clock, or until ctx is done.
func sleep(ctx context.Context, clock clockwork.Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.Chan():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
