package checks_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/checks"
)

// guard bounds, in real time, every wait of these tests for something the
// code under test does; it is a deadline for failing, not a sleep.
const guard = 10 * time.Second

// results is a ResultSink that hands every Result to the test.
type results chan checks.Result

func (s results) RecordResult(_ context.Context, r checks.Result) error {
	s <- r
	return nil
}

func (s results) next(t *testing.T) checks.Result {
	t.Helper()
	select {
	case r := <-s:
		return r
	case <-time.After(guard):
		t.Fatal("no result")
		return checks.Result{}
	}
}

// nextN returns the next n Results by check name.
func (s results) nextN(t *testing.T, n int) map[string]checks.Result {
	t.Helper()
	out := make(map[string]checks.Result, n)
	for range n {
		r := s.next(t)
		out[r.Check] = r
	}
	return out
}

// logLines is a log destination that hands every line to the test.
type logLines chan string

func (l logLines) Write(p []byte) (int, error) {
	select {
	case l <- string(p):
	default: // a test that does not read its log must not block the runner
	}
	return len(p), nil
}

func (l logLines) waitFor(t *testing.T, parts ...string) string {
	t.Helper()
	deadline := time.After(guard)
	for {
		select {
		case line := <-l:
			if containsAll(line, parts) {
				return line
			}
		case <-deadline:
			t.Fatalf("no log line with %q", parts)
			return ""
		}
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func (l logLines) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// start returns a started Runner that the test stops at its end.
func start(t *testing.T, specs []checks.Spec, opts checks.RunnerOptions) *checks.Runner {
	t.Helper()
	r, err := checks.NewRunner(specs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(t, r) })
	return r
}

func stop(t *testing.T, r *checks.Runner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

// waiters waits until the fake clock has at least n timers pending.
func waiters(t *testing.T, clk *clockwork.FakeClock, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if err := clk.BlockUntilContext(ctx, n); err != nil {
		t.Fatalf("the clock never had %d timers pending", n)
	}
}

// recv returns the next value from ch, failing the test after guard.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guard):
		t.Fatal("nothing arrived")
		var zero T
		return zero
	}
}

func okChecker(msg string) checks.Checker {
	return checks.CheckerFunc(func(context.Context) checks.Result { return checks.Result{Message: msg} })
}

func TestRunnerFirstResultsWithinOneInterval(t *testing.T) {
	const n = 5
	specs := func() []checks.Spec {
		var s []checks.Spec
		for i := range n {
			s = append(s, checks.Spec{Name: fmt.Sprintf("c%d", i), Checker: okChecker("fine"), Interval: 10 * time.Second, Host: fmt.Sprintf("h%d", i)})
		}
		return s
	}

	t.Run("spread over the first 5% of the interval, then jittered", func(t *testing.T) {
		clk := clockwork.NewFakeClockAt(t0)
		got := make(results, 2*n)
		r, err := checks.NewRunner(specs(), checks.RunnerOptions{Clock: clk, Sink: got})
		if err != nil {
			t.Fatal(err)
		}
		checks.SetRandom(r, func(n int64) int64 { return n - 1 }) // the most jitter: 4 of 5 quanta
		if err := r.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer stop(t, r)

		clk.Advance(400 * time.Millisecond)
		for name, r := range got.nextN(t, n) {
			if r.ObservedAt.Sub(t0) != 400*time.Millisecond || r.Message != "fine" {
				t.Errorf("%s: first result %+v, want one 400ms after the start", name, r)
			}
		}
		waiters(t, clk, n) // each check's next tick, at 10.4s
		clk.Advance(10 * time.Second)
		waiters(t, clk, 2*n) // each check's jitter to 10.8s, and its next tick
		clk.Advance(400 * time.Millisecond)
		for name, r := range got.nextN(t, n) {
			if at := r.ObservedAt.Sub(t0); at < 10800*time.Millisecond || at > 10900*time.Millisecond {
				t.Errorf("%s: second result at %s, want at 10.8s: 10s after the first and 400ms of jitter", name, at)
			}
		}
	})

	t.Run("without jitter, at once", func(t *testing.T) {
		clk := clockwork.NewFakeClockAt(t0)
		got := make(results, 2*n)
		start(t, specs(), checks.RunnerOptions{Clock: clk, Sink: got, Jitter: -1})
		for name, r := range got.nextN(t, n) {
			if !r.ObservedAt.Equal(t0) {
				t.Errorf("%s: first result at %s, want at the start", name, r.ObservedAt.Sub(t0))
			}
		}
		waiters(t, clk, n)
		clk.Advance(10 * time.Second)
		for name, r := range got.nextN(t, n) {
			if r.ObservedAt.Sub(t0) != 10*time.Second {
				t.Errorf("%s: second result at %s, want at 10s", name, r.ObservedAt.Sub(t0))
			}
		}
	})
}

func TestRunnerHangingCheckDelaysNoOther(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	got := make(results, 16)
	logs := make(logLines, 1024)
	release := make(chan struct{})
	var hangCalls atomic.Int32
	hang := checks.CheckerFunc(func(context.Context) checks.Result {
		hangCalls.Add(1)
		<-release // ignores its deadline, as a broken checker might
		return checks.Result{}
	})
	start(t, []checks.Spec{
		{Name: "hang", Checker: hang, Interval: 10 * time.Second, Timeout: 5 * time.Second, Host: "a"},
		{Name: "q1", Checker: okChecker("fine"), Interval: 10 * time.Second, Host: "b"},
		{Name: "q2", Checker: okChecker("fine"), Interval: 10 * time.Second, Host: "c"},
	}, checks.RunnerOptions{Clock: clk, Sink: got, Jitter: -1, Workers: 2, Logger: logs.logger()})
	t.Cleanup(func() { close(release) }) // runs before the Stop registered by start

	first := got.nextN(t, 2)
	if first["q1"].ObservedAt != t0 || first["q2"].ObservedAt != t0 {
		t.Fatalf("quick checks waited for the hanging one: %+v", first)
	}

	waiters(t, clk, 4) // three next runs and the hanging run's timeout
	clk.Advance(5 * time.Second)
	r := got.next(t)
	if r.Check != "hang" || r.Status != checks.StatusCrit || r.Message != "timed out after 5s" ||
		r.Duration != 5*time.Second || r.ObservedAt.Sub(t0) != 5*time.Second {
		t.Fatalf("timed-out run: %+v", r)
	}

	waiters(t, clk, 3)
	clk.Advance(5 * time.Second) // 10s: the next tick of every check
	second := got.nextN(t, 2)
	if second["q1"].ObservedAt.Sub(t0) != 10*time.Second || second["q2"].ObservedAt.Sub(t0) != 10*time.Second {
		t.Fatalf("second results: %+v", second)
	}
	logs.waitFor(t, "run skipped", "check=hang")
	if n := hangCalls.Load(); n != 1 {
		t.Errorf("the hanging checker was called %d times, want 1 (its next tick skipped, not queued)", n)
	}
}

func TestRunnerTimeoutGivesTheCheckerADeadline(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	polite := checks.CheckerFunc(func(ctx context.Context) checks.Result {
		d, ok := ctx.Deadline()
		if !ok || d.Sub(t0) != 3*time.Second {
			return checks.Fail("deadline %s, %v", d.Sub(t0), ok)
		}
		<-ctx.Done()
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return checks.Fail("ctx.Err() = %v", ctx.Err())
		}
		return checks.Fail("no answer in time")
	})
	r, err := checks.NewRunner([]checks.Spec{{Name: "polite", Checker: polite, Interval: time.Minute, Timeout: 3 * time.Second}},
		checks.RunnerOptions{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []checks.Result)
	go func() {
		res, _ := r.RunNow(context.Background())
		done <- res
	}()
	waiters(t, clk, 1)
	clk.Advance(3 * time.Second)
	res := recv(t, done)
	if m := res[0].Message; res[0].Status != checks.StatusCrit || (m != "timed out after 3s" && m != "no answer in time") {
		t.Errorf("result %+v", res[0])
	}
	if err := r.Stop(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestRunnerPanickingChecker(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	got := make(results, 4)
	logs := make(logLines, 1024)
	boom := checks.CheckerFunc(func(context.Context) checks.Result {
		var m map[string]int
		m["x"]++ // assignment to entry in nil map
		return checks.Result{}
	})
	r := start(t, []checks.Spec{{Name: "boom", Checker: boom, Interval: time.Minute}},
		checks.RunnerOptions{Clock: clk, Sink: got, Jitter: -1, Logger: logs.logger()})

	res := got.next(t)
	if res.Check != "boom" || res.Status != checks.StatusCrit || res.Message != "internal error in check" {
		t.Errorf("scheduled run: %+v", res)
	}
	logs.waitFor(t, "check panicked", "check=boom", "nil map", "goroutine ")

	now, err := r.RunNow(context.Background(), "boom")
	if err != nil || now[0].Message != "internal error in check" {
		t.Errorf("RunNow = %+v, %v", now, err)
	}
}

// recorder is a checker that notes when each run starts.
type recorder struct {
	clk    clockwork.Clock
	mu     sync.Mutex
	starts []time.Duration
}

func (r *recorder) Check(context.Context) checks.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.starts = append(r.starts, r.clk.Now().Sub(t0))
	return checks.Result{}
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprint(r.starts)
}

func sameHost(checker checks.Checker, n int) []checks.Spec {
	var specs []checks.Spec
	for i := range n {
		specs = append(specs, checks.Spec{Name: fmt.Sprintf("api%d", i), Checker: checker, Interval: time.Minute,
			Host: checks.HostKey("https://API.example.com:8443/health")})
	}
	return specs
}

func TestRunnerStaggersTheFirstRunsToOneHost(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	got := make(results, 8)
	rec := &recorder{clk: clk}
	start(t, sameHost(rec, 3), checks.RunnerOptions{Clock: clk, Sink: got, Jitter: -1})

	got.next(t)        // the first ran at once
	waiters(t, clk, 3) // its next tick, the other two first runs
	clk.Advance(time.Second)
	got.next(t)
	waiters(t, clk, 3)
	clk.Advance(time.Second)
	got.next(t)
	if rec.String() != "[0s 1s 2s]" {
		t.Errorf("runs started at %v, want [0s 1s 2s]", rec)
	}
}

func TestRunNowWaitsForTheHostLimit(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	rec := &recorder{clk: clk}
	delivered := make(chan struct{}, 3)
	rules := observerFunc(func(context.Context, checks.Result) { delivered <- struct{}{} })
	r, err := checks.NewRunner(sameHost(rec, 3), checks.RunnerOptions{Clock: clk, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := r.RunNow(context.Background())
		done <- err
	}()
	// A run's own timeout timer is pending while it runs, so count the
	// clock's timers only once the run is over.
	recv(t, delivered) // one ran at once
	waiters(t, clk, 2) // two wait for the host
	clk.Advance(time.Second)
	recv(t, delivered) // one ran at 1s
	waiters(t, clk, 1) // the other waits again
	clk.Advance(time.Second)
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	if rec.String() != "[0s 1s 2s]" {
		t.Errorf("runs started at %v, want [0s 1s 2s]", rec)
	}
	if err := r.Stop(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestRunNowRunsInParallel(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	var started atomic.Int32
	all := make(chan struct{})
	barrier := checks.CheckerFunc(func(context.Context) checks.Result {
		if started.Add(1) == 3 {
			close(all)
		}
		select {
		case <-all:
			return checks.Result{Message: "ran alongside the others"}
		case <-time.After(guard):
			return checks.Fail("ran alone")
		}
	})
	var observed atomic.Int32
	rules := observerFunc(func(context.Context, checks.Result) { observed.Add(1) })
	var specs []checks.Spec
	for _, name := range []string{"a", "b", "c"} {
		specs = append(specs, checks.Spec{Name: name, Checker: barrier, Interval: time.Minute, Host: name})
	}
	r, err := checks.NewRunner(specs, checks.RunnerOptions{Clock: clk, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := r.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	}()

	res, err := r.RunNow(context.Background(), "c", "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"c", "a", "b"} {
		if res[i].Check != want || res[i].Message != "ran alongside the others" || !res[i].ObservedAt.Equal(t0) {
			t.Errorf("result %d = %+v, want check %s run in parallel", i, res[i], want)
		}
	}
	if last := r.Last(); len(last) != 3 || last["a"].Message != "ran alongside the others" {
		t.Errorf("Last() = %+v", last)
	}
	if n := observed.Load(); n != 3 {
		t.Errorf("rules observed %d results, want 3", n)
	}
	if _, err := r.RunNow(context.Background(), "a", "nope"); !errors.Is(err, checks.ErrUnknownCheck) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("RunNow(unknown) error = %v", err)
	}
}

type observerFunc func(context.Context, checks.Result)

func (f observerFunc) Observe(ctx context.Context, r checks.Result) { f(ctx, r) }

func TestRunnerFeedsRulesThatFireAtTheHold(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	rec := &transitions{}
	ev, err := checks.NewEvaluator([]checks.Rule{healthRule(2*time.Minute, 0)}, checks.EvaluatorOptions{Sink: rec})
	if err != nil {
		t.Fatal(err)
	}
	got := make(results, 8)
	down := checks.CheckerFunc(func(context.Context) checks.Result { return checks.Fail("HTTP 503 (want 200)") })
	start(t, []checks.Spec{{Name: "health", Checker: down, Interval: 30 * time.Second}},
		checks.RunnerOptions{Clock: clk, Rules: ev, Sink: got, Jitter: -1})

	got.next(t)
	for i := 1; i <= 4; i++ {
		if tr := rec.take(); len(tr) != 0 {
			t.Fatalf("after %s: %q, want nothing before the hold", clk.Now().Sub(t0), tr)
		}
		waiters(t, clk, 1)
		clk.Advance(30 * time.Second)
		got.next(t) // the sink gets a Result after the rules have seen it
	}
	if tr := rec.take(); len(tr) != 1 || tr[0] != "fired health-check-failure/health since=0s at=2m0s for=2m0s" {
		t.Fatalf("at 2m: %q", tr)
	}
}

func TestRunnerStopCancelsRunsWithoutResults(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	got := make(results, 4)
	entered := make(chan struct{})
	slow := checks.CheckerFunc(func(ctx context.Context) checks.Result {
		close(entered)
		<-ctx.Done()
		return checks.Fail("cancelled")
	})
	r, err := checks.NewRunner([]checks.Spec{{Name: "slow", Checker: slow, Interval: time.Minute}},
		checks.RunnerOptions{Clock: clk, Sink: got, Jitter: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); !errors.Is(err, checks.ErrStarted) {
		t.Errorf("second Start = %v", err)
	}
	recv(t, entered)
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case res := <-got:
		t.Errorf("a run cut short by Stop produced %+v", res)
	default:
	}
	if _, err := r.RunNow(context.Background()); !errors.Is(err, checks.ErrStopped) {
		t.Errorf("RunNow after Stop = %v", err)
	}
	if err := r.Stop(ctx); err != nil {
		t.Errorf("second Stop = %v", err)
	}
}

func TestNewRunnerRejectsBadSpecs(t *testing.T) {
	ok := checks.Spec{Name: "a", Checker: okChecker(""), Interval: time.Minute}
	tests := []struct {
		name  string
		specs []checks.Spec
		opts  checks.RunnerOptions
		want  string
	}{
		{"duplicate", []checks.Spec{ok, ok}, checks.RunnerOptions{}, `"a" is used twice`},
		{"no interval", []checks.Spec{{Name: "a", Checker: okChecker("")}}, checks.RunnerOptions{}, "checks[0] (a): invalid: interval 0s"},
		{"no checker", []checks.Spec{{Name: "a", Interval: time.Minute}}, checks.RunnerOptions{}, "no checker"},
		{"separator", []checks.Spec{{Name: "a|b", Checker: okChecker(""), Interval: time.Minute}}, checks.RunnerOptions{}, "name"},
		{"jitter", []checks.Spec{ok}, checks.RunnerOptions{Jitter: 0.9}, "jitter 0.9"},
		{"workers", []checks.Spec{ok}, checks.RunnerOptions{Workers: -1}, "workers -1"},
	}
	for _, tt := range tests {
		_, err := checks.NewRunner(tt.specs, tt.opts)
		if !errors.Is(err, checks.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want an ErrInvalid containing %q", tt.name, err, tt.want)
		}
	}
}

func TestHostKey(t *testing.T) {
	for in, want := range map[string]string{
		"https://API.example.com:8443/health?token=x": "api.example.com",
		"http://127.0.0.7:8080/":                      "127.0.0.7",
		"mongodb+srv://u:p@cluster0.abc.mongodb.net/": "cluster0.abc.mongodb.net",
		"db.internal:5432":                            "db.internal",
		"Plain-Host":                                  "plain-host",
	} {
		if got := checks.HostKey(in); got != want {
			t.Errorf("HostKey(%q) = %q, want %q", in, got, want)
		}
	}
}
