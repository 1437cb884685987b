package checks_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/checks/httpcheck"
)

// traced is a checker that tells the test when each run has begun (its
// timeout is armed by then) and when it has returned.
type traced struct {
	checks.Checker
	entered, returned chan struct{}
}

func trace(c checks.Checker) traced {
	return traced{Checker: c, entered: make(chan struct{}, 64), returned: make(chan struct{}, 64)}
}

func (c traced) Check(ctx context.Context) checks.Result {
	c.entered <- struct{}{}
	defer func() { c.returned <- struct{}{} }()
	return c.Checker.Check(ctx)
}

// idle waits until the named check has no run in progress. Only the few
// instructions between a checker's return and the Runner marking its
// check idle are left when it is called: it yields, it does not sleep.
func idle(t *testing.T, r *checks.Runner, name string) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for !checks.Idle(r, name) {
		if time.Now().After(deadline) {
			t.Fatalf("%s is still busy", name)
		}
		runtime.Gosched()
	}
}

// hits counts the requests a test server answered, by path.
type hits struct {
	mu sync.Mutex
	n  map[string]int
}

func (h *hits) add(path string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		h.n = map[string]int{}
	}
	h.n[path]++
}

func (h *hits) get(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[path]
}

// resetAddr returns a loopback address that reads each request and then
// resets the connection (SO_LINGER 0: an RST, not a FIN).
func resetAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				// The whole request first, so that the client is waiting for
				// the answer when the reset comes, never still writing.
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				_ = c.(*net.TCPConn).SetLinger(0)
				_ = c.Close()
			})
		}
	})
	t.Cleanup(func() {
		_ = l.Close()
		wg.Wait()
	})
	return l.Addr().String()
}

// faultBed runs real HTTP checks on a fake clock: healthy targets on one
// test server, counting its requests, and whatever bad targets a test adds.
type faultBed struct {
	t         *testing.T
	clk       *clockwork.FakeClock
	epoch     time.Time // when the Runner starts: the first tick
	transport *http.Transport
	good      *httptest.Server
	seen      hits
	got       results
	all       map[string][]checks.Result // by check, in order
	logs      logLines
	r         *checks.Runner
}

func newFaultBed(t *testing.T) *faultBed {
	// The fake clock runs ahead of the real one: a checker given a
	// deadline on it (httpcheck measures what is left with time.Until)
	// then keeps its own Timeout, and only the Runner's timeout, on the
	// fake clock, cuts it short.
	epoch := time.Now().Add(time.Hour).Truncate(time.Second)
	b := &faultBed{t: t, clk: clockwork.NewFakeClockAt(epoch), epoch: epoch, transport: httpcheck.NewTransport(),
		got: make(results, 256), all: map[string][]checks.Result{}, logs: make(logLines, 4096)}
	t.Cleanup(b.transport.CloseIdleConnections)
	b.good = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.seen.add(r.URL.Path)
		_, _ = io.WriteString(w, "HEALTHY")
	}))
	t.Cleanup(b.good.Close)
	t.Cleanup(func() { // the Runner's log, for a failure
		if !t.Failed() {
			return
		}
		for {
			select {
			case l := <-b.logs:
				t.Log(strings.TrimSpace(l))
			default:
				return
			}
		}
	})
	return b
}

// http is an HTTP check of url, on the shared transport, as opsbot builds
// them, timed on the fake clock.
func (b *faultBed) http(url string, timeout, maxResponse time.Duration) checks.Checker {
	b.t.Helper()
	c, err := httpcheck.New(httpcheck.Options{URL: url, Timeout: timeout, MaxResponseTime: maxResponse,
		BodyRules: httpcheck.DefaultBodyRules(), Transport: b.transport, Now: b.clk.Now})
	if err != nil {
		b.t.Fatal(err)
	}
	return c
}

// healthyMessage is a healthy check's message: its answer takes no time on
// the fake clock.
const healthyMessage = "HTTP 200 in 0 ms: HEALTHY"

// healthy returns n checks of the healthy server, h0, h1, ..., each on a
// path of its own.
func (b *faultBed) healthy(n int, interval time.Duration) []checks.Spec {
	var specs []checks.Spec
	for i := range n {
		name := fmt.Sprintf("h%d", i)
		specs = append(specs, checks.Spec{Name: name, Checker: b.http(b.good.URL+"/"+name, 5*time.Second, 0), Interval: interval})
	}
	return specs
}

// start runs specs with workers (0: the default), no jitter and no host
// limit (the specs have no Host): every run starts on its tick.
func (b *faultBed) start(specs []checks.Spec, workers int) *checks.Runner {
	b.r = start(b.t, specs, checks.RunnerOptions{Clock: b.clk, Sink: b.got, Jitter: -1, Workers: workers, Logger: b.logs.logger()})
	return b.r
}

// take reads the next n Results and keeps them.
func (b *faultBed) take(n int) []checks.Result {
	b.t.Helper()
	var out []checks.Result
	for range n {
		r := b.got.next(b.t)
		b.all[r.Check] = append(b.all[r.Check], r)
		out = append(out, r)
	}
	return out
}

// expect reads one Result of each named check, all observed now.
func (b *faultBed) expect(names ...string) {
	b.t.Helper()
	now := b.clk.Now()
	for _, r := range b.take(len(names)) {
		if !r.ObservedAt.Equal(now) {
			b.t.Errorf("%s: a Result at %s, want one at %s: %+v", r.Check, r.ObservedAt.Sub(b.epoch), now.Sub(b.epoch), r)
		}
	}
	for _, name := range names {
		if rs := b.all[name]; len(rs) == 0 || !rs[len(rs)-1].ObservedAt.Equal(now) {
			b.t.Fatalf("at %s: no Result of %s (the Results: %s)", now.Sub(b.epoch), name, b)
		}
	}
}

func (b *faultBed) String() string {
	var s strings.Builder
	for name, rs := range b.all {
		for _, r := range rs {
			fmt.Fprintf(&s, "\n  %s at %s: %v %q", name, r.ObservedAt.Sub(b.epoch), r.Status, r.Message)
		}
	}
	return s.String()
}

// advance moves the clock to at once it has n timers pending, the ones
// that must be armed before at, and the scheduler has handled the runs
// begun so far (see checks.Settle).
func (b *faultBed) advance(n int, at time.Time) {
	b.t.Helper()
	checks.Settle(b.r)
	waiters(b.t, b.clk, n)
	b.clk.Advance(at.Sub(b.clk.Now()))
}

// wantAll checks that name gave n Results, each with status and msg.
func (b *faultBed) wantAll(name string, n int, status checks.Status, msg string) {
	b.t.Helper()
	if len(b.all[name]) != n {
		b.t.Errorf("%s: %d Results, want %d", name, len(b.all[name]), n)
	}
	for k, r := range b.all[name] {
		if r.Status != status || r.Message != msg {
			b.t.Errorf("%s run %d: %v %q, want %v %q", name, k, r.Status, r.Message, status, msg)
		}
	}
}

// TestRunnerFaultyTargetsDelayNoOther runs real HTTP checks on the fake
// clock against six healthy targets and three bad ones: one that accepts
// and never answers, one that resets every connection, and one that
// answers after 15 s, longer than the 10 s interval but within its 20 s
// timeout. Through six intervals every healthy check runs exactly on each
// of its ticks, and the bad ones give readable crit and warn Results at the
// times their timeouts and delays set.
func TestRunnerFaultyTargetsDelayNoOther(t *testing.T) {
	const (
		interval  = 10 * time.Second
		hangAfter = 2 * time.Second  // the hanging check's timeout
		slowness  = 15 * time.Second // the slow target's answer time
		ticks     = 6
		healthy   = 6
	)
	b := newFaultBed(t)
	slowArrived := make(chan struct{}, 16) // its timer is armed
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.seen.add("slow")
		timer := b.clk.NewTimer(slowness)
		defer timer.Stop()
		slowArrived <- struct{}{}
		select {
		case <-timer.Chan():
			_, _ = io.WriteString(w, "HEALTHY")
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)

	specs := b.healthy(healthy, interval)
	hang := trace(b.http("http://"+checkstest.SilentAddr(t)+"/health", hangAfter, 0))
	slowCheck := trace(b.http(slow.URL+"/health", 2*slowness, 5*time.Second))
	specs = append(specs,
		checks.Spec{Name: "hang", Checker: hang, Interval: interval, Timeout: hangAfter},
		checks.Spec{Name: "reset", Checker: b.http("http://"+resetAddr(t)+"/health", 5*time.Second, 0), Interval: interval},
		checks.Spec{Name: "slow", Checker: slowCheck, Interval: interval, Timeout: 2 * slowness},
	)
	began := time.Now()
	r := b.start(specs, 0)

	every := []string{"reset"}
	for i := range healthy {
		every = append(every, fmt.Sprintf("h%d", i))
	}
	for k := range ticks {
		tick := b.epoch.Add(time.Duration(k) * interval)
		if k > 0 {
			// Each check's next tick, and the slow run still waiting for
			// its answer: its timeout and the server's timer.
			pending := len(specs)
			if k%2 == 1 {
				pending += 2
			}
			b.advance(pending, tick)
		}
		b.expect(every...) // all at the tick, whatever the bad ones do
		recv(t, hang.entered)
		if k%2 == 0 { // the slow check runs every other tick: it is still busy at the next
			recv(t, slowCheck.entered)
			recv(t, slowArrived)
		} else {
			b.logs.waitFor(t, "run skipped", "check=slow")
		}
		b.clk.Advance(hangAfter)
		b.expect("hang")
		// Its checker returns once its request is cancelled, a moment
		// after the Result; the next tick must find the check idle.
		recv(t, hang.returned)
		idle(t, r, "hang")
		if k%2 == 1 {
			b.advance(0, tick.Add(slowness-interval))
			b.expect("slow")
			recv(t, slowCheck.returned)
		}
	}
	elapsed := time.Since(began)

	for i := range healthy {
		name := fmt.Sprintf("h%d", i)
		b.wantAll(name, ticks, checks.StatusOK, healthyMessage)
		if n := b.seen.get("/" + name); n != ticks {
			t.Errorf("%s: the target got %d requests in %d intervals, want %d", name, n, ticks, ticks)
		}
	}
	b.wantAll("hang", ticks, checks.StatusCrit, "timed out after 2s")
	b.wantAll("reset", ticks, checks.StatusCrit, "connection reset by the server")
	b.wantAll("slow", ticks/2, checks.StatusWarn, "response took 15000 ms (max 5s)")
	if n := b.seen.get("slow"); n != ticks/2 {
		t.Errorf("the slow target got %d requests, want %d: one per run, its busy ticks skipped", n, ticks/2)
	}
	t.Logf("%d intervals of fake time in %s", ticks, elapsed.Round(time.Millisecond))
}

// TestRunnerHangingTargetsHoldWorkersOnlyUntilTheirTimeout gives the Runner
// two workers and two targets that never answer, checked every 20 s with a
// 2 s timeout, and four healthy checks every 10 s. The jitter is fixed: the
// hanging runs start on their ticks, at 0 s, 20 s, ...; the healthy ones
// first at 0.4 s, then at 10.8 s, 20.8 s, ... Every other healthy run falls
// while the hanging runs hold both workers: it waits, but only until the
// hanging runs time out, and no healthy tick is skipped. (With the default
// 32 workers it takes 32 hanging targets to do this. Were their timeout the
// whole interval, the default when none is set, the checks waiting for a
// worker would wait into their next tick and lose it.)
func TestRunnerHangingTargetsHoldWorkersOnlyUntilTheirTimeout(t *testing.T) {
	const (
		hangAfter = 2 * time.Second
		cycles    = 3 // of 20 s
		healthy   = 4
	)
	b := newFaultBed(t)
	specs := b.healthy(healthy, 10*time.Second)
	hangs := []traced{
		trace(b.http("http://"+checkstest.SilentAddr(t)+"/health", hangAfter, 0)),
		trace(b.http("http://"+checkstest.SilentAddr(t)+"/health", hangAfter, 0)),
	}
	for i, h := range hangs {
		specs = append(specs, checks.Spec{Name: fmt.Sprintf("hang%d", i), Checker: h, Interval: 20 * time.Second, Timeout: hangAfter})
	}
	r, err := checks.NewRunner(specs, checks.RunnerOptions{Clock: b.clk, Sink: b.got, Workers: len(hangs), Logger: b.logs.logger()})
	if err != nil {
		t.Fatal(err)
	}
	b.r = r
	// Jitter is up to 5% of the interval in 100 ms steps: 5 steps for the
	// healthy checks, of which they take the last; 10 for the hanging
	// ones, of which they take none.
	checks.SetRandom(r, func(n int64) int64 {
		if n == 5 {
			return 4
		}
		return 0
	})
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(t, r) })

	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	at := func(base time.Time, d time.Duration) time.Time { return base.Add(d) }
	// hung waits for both hanging runs to hold their workers.
	hung := func() {
		for _, h := range hangs {
			recv(t, h.entered)
		}
	}
	// timedOut reads the hanging runs' Results and the healthy ones that
	// waited for them, all when the hanging runs time out.
	timedOut := func() {
		b.expect("hang0", "hang1", "h0", "h1", "h2", "h3")
		for i, h := range hangs {
			recv(t, h.returned)
			idle(t, r, fmt.Sprintf("hang%d", i))
		}
	}
	healthyNames := []string{"h0", "h1", "h2", "h3"}
	for c := range cycles {
		base := b.epoch.Add(time.Duration(c) * 20 * time.Second)
		// The clock's timers: every check's next tick (6), the hanging
		// runs' timeouts (2), the healthy runs' jitter (4).
		if c == 0 {
			hung()
			b.advance(8, at(base, ms(400))) // the healthy checks' first runs
		} else {
			b.advance(6, base)
			hung()
			b.advance(8, at(base, ms(400)))  // the healthy ticks
			b.advance(12, at(base, ms(800))) // their runs, which find no worker
		}
		b.advance(8, at(base, hangAfter))
		timedOut()
		b.advance(6, at(base, ms(10400)))
		b.advance(10, at(base, ms(10800))) // the healthy runs, with workers free
		b.expect(healthyNames...)
	}
	for _, name := range healthyNames {
		b.wantAll(name, 2*cycles, checks.StatusOK, healthyMessage)
		if n := len(b.all[name]); n != 2*cycles {
			t.Errorf("%s: %d Results in %d ticks, want one a tick", name, n, 2*cycles)
		}
		if n := b.seen.get("/" + name); n != 2*cycles {
			t.Errorf("%s: the target got %d requests in %d ticks, want one a tick", name, n, 2*cycles)
		}
	}
	for _, name := range []string{"hang0", "hang1"} {
		b.wantAll(name, cycles, checks.StatusCrit, "timed out after 2s")
	}
}
