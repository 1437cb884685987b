package checks

import (
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

func TestHostLimiterCountsFromTheGridPoint(t *testing.T) {
	t0 := time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)
	clk := clockwork.NewFakeClockAt(t0)
	l := newHostLimiter(clk, time.Second)

	clk.Advance(3 * time.Millisecond) // a scheduled run, due at t0, starting late
	if !l.take("h") {
		t.Fatal("a free host was not taken")
	}
	if got := l.wait("h"); got != time.Second-3*time.Millisecond {
		t.Errorf("wait after an on-grid start = %s, want the rest of the second from the grid point", got)
	}
	clk.Advance(time.Second - 3*time.Millisecond)
	if !l.take("h") {
		t.Fatal("the host was not free one second after the grid point")
	}

	clk.Advance(time.Second + 50*time.Millisecond) // off the grid, as RunNow is
	if !l.take("h") || l.take("h") {
		t.Fatal("take must succeed once")
	}
	if got := l.wait("h"); got != time.Second {
		t.Errorf("wait after an off-grid start = %s, want a full second", got)
	}
	if l.take("") != true || l.wait("") != 0 {
		t.Error("an empty host is never limited")
	}
}
