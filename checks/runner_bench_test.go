package checks_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/httpcheck"
	"github.com/opsbot/opsbot/internal/procstat"
)

// BenchmarkRunner1000HTTPChecks runs 1,000 HTTP checks every 10 s, on the
// real clock, against 100 local servers on 127.0.0.1–127.0.0.100: ten
// checks per host, so the default one-run-a-second host limit is just
// met. It measures the process's CPU over a steady-state window, its RSS,
// and how long until every check had its first result. The servers run
// in a child process (this test binary again), so the figures are the
// checker's own; servers_cpu_% is theirs over the same window.
//
//	go test -run '^$' -bench Runner1000 -benchtime 1x ./checks/
func BenchmarkRunner1000HTTPChecks(b *testing.B) {
	if testing.Short() {
		b.Skip("takes 40 s of real time")
	}
	const (
		nChecks  = 1000
		nHosts   = 100
		interval = 10 * time.Second
		window   = 20 * time.Second
	)
	urls, servers := startServers(b, nHosts)

	transport := httpcheck.NewTransport()
	b.Cleanup(transport.CloseIdleConnections)
	specs := make([]checks.Spec, nChecks)
	for i := range specs {
		u := urls[i%nHosts]
		c, err := httpcheck.New(httpcheck.Options{URL: u, Transport: transport, Timeout: 5 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		specs[i] = checks.Spec{Name: fmt.Sprintf("http-%04d", i), Checker: c, Interval: interval, Timeout: 5 * time.Second, Host: checks.HostKey(u)}
	}

	sink := &countingSink{first: make(map[string]bool, nChecks), allFirst: make(chan struct{}), want: nChecks}
	rules, err := checks.NewEvaluator(checks.DefaultRules(), checks.EvaluatorOptions{Store: &checks.MemoryStates{}})
	if err != nil {
		b.Fatal(err)
	}
	logs := &countingHandler{}
	r, err := checks.NewRunner(specs, checks.RunnerOptions{Sink: sink, Rules: rules, Logger: slog.New(logs)})
	if err != nil {
		b.Fatal(err)
	}
	startCPU, start := processCPU(), time.Now()
	if err := r.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			b.Error(err)
		}
	}()

	select {
	case <-sink.allFirst:
	case <-time.After(3 * interval):
		b.Fatalf("only %d of %d checks had a result after %s", sink.firsts(), nChecks, 3*interval)
	}
	firstAt := sink.lastFirst().Sub(start)

	// Steady state: CPU over a window of whole intervals, one interval on,
	// once every check has settled into its jitter.
	time.Sleep(interval)
	windowCPU, windowStart := processCPU(), time.Now()
	servers.openWindow(b)
	runsBefore, failsBefore := sink.counts()
	time.Sleep(window) // the measurement window itself, on the real clock
	elapsed := time.Since(windowStart)
	cpu := processCPU() - windowCPU
	runs, fails := sink.counts()
	serversCPU := servers.closeWindow(b)

	b.ReportMetric(firstAt.Seconds(), "first_results_s")
	b.ReportMetric(100*cpu.Seconds()/elapsed.Seconds(), "cpu_%_of_one_core")
	b.ReportMetric(100*(windowCPU-startCPU).Seconds()/windowStart.Sub(start).Seconds(), "startup_cpu_%")
	b.ReportMetric(procStatusMB(b, "VmRSS"), "rss_MB")
	b.ReportMetric(procStatusMB(b, "VmHWM"), "peak_rss_MB")
	b.ReportMetric(float64(runs-runsBefore)/elapsed.Seconds(), "runs/s")
	b.ReportMetric(float64(fails-failsBefore), "failed_runs")
	b.ReportMetric(float64(logs.skipped.Load()), "skipped_runs")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.Logf("heap in use %.1f MB, stacks %.1f MB, runtime total %.1f MB, %d goroutines, %d GCs",
		float64(ms.HeapInuse)/1e6, float64(ms.StackInuse)/1e6, float64(ms.Sys)/1e6, runtime.NumGoroutine(), ms.NumGC)
	b.ReportMetric(100*serversCPU.Seconds()/elapsed.Seconds(), "servers_cpu_%")
	if firstAt > interval {
		b.Errorf("first results took %s, want within %s", firstAt, interval)
	}
}

// countingHandler counts the runs the Runner logs as skipped.
type countingHandler struct{ skipped atomic.Int64 }

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "run skipped") {
		h.skipped.Add(1)
	}
	return nil
}

func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

// countingSink counts Results and notes when every check had its first.
type countingSink struct {
	mu       sync.Mutex
	first    map[string]bool
	last     time.Time
	runs     int
	fails    int
	want     int
	allFirst chan struct{}
}

func (s *countingSink) RecordResult(_ context.Context, r checks.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs++
	if r.Status != checks.StatusOK {
		s.fails++
	}
	if !s.first[r.Check] {
		s.first[r.Check] = true
		s.last = r.ObservedAt
		if len(s.first) == s.want {
			close(s.allFirst)
		}
	}
	return nil
}

func (s *countingSink) firsts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.first)
}

func (s *countingSink) lastFirst() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func (s *countingSink) counts() (runs, fails int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runs, s.fails
}

// processCPU returns the user and system CPU time the process has used.
func processCPU() time.Duration {
	d, _ := procstat.CPU()
	return d
}

// procStatusMB returns a "kB" field of /proc/self/status in MiB.
func procStatusMB(b *testing.B, field string) float64 {
	v, err := procstat.MiB(field)
	if err != nil {
		b.Skip(err)
	}
	return v
}

// serverEnv makes the test binary a server process for the benchmark.
const serverEnv = "OPSBOT_CHECKS_BENCH_SERVERS"

// TestBenchmarkServers is not a test: run by startServers with serverEnv
// set to a count n, it serves "HEALTHY" on 127.0.0.1 to 127.0.0.n and
// prints one URL a line. It serves until its stdin closes, then prints
// the CPU time (ns) it used since the last line read from stdin.
func TestBenchmarkServers(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(serverEnv))
	if err != nil {
		t.Skip("helper process of BenchmarkRunner1000HTTPChecks")
	}
	healthy := []byte("HEALTHY")
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(healthy) })
	for i := range n {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i+1))
		if err != nil {
			fmt.Printf("error: %v\n", err)
			return
		}
		srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(l) }()
		defer func() { _ = srv.Close() }()
		fmt.Printf("http://%s/health\n", l.Addr())
	}
	in := bufio.NewScanner(os.Stdin)
	var windowStart time.Duration
	for in.Scan() {
		windowStart = processCPU()
	}
	fmt.Println(int64(processCPU() - windowStart))
}

// servers is the child process running TestBenchmarkServers.
type servers struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
}

// startServers starts n HTTP servers in a child process and returns their URLs.
func startServers(b *testing.B, n int) ([]string, *servers) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchmarkServers$")
	cmd.Env = append(os.Environ(), serverEnv+"="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &servers{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}
	b.Cleanup(func() {
		_ = s.stdin.Close()
		_ = s.cmd.Wait()
	})
	urls := make([]string, 0, n)
	for len(urls) < n && s.out.Scan() {
		line := s.out.Text()
		if !strings.HasPrefix(line, "http://") {
			b.Skipf("servers: %s", line)
		}
		urls = append(urls, line)
	}
	if len(urls) < n {
		b.Fatalf("servers started %d of %d", len(urls), n)
	}
	return urls, s
}

// openWindow tells the servers to start counting their CPU time.
func (s *servers) openWindow(b *testing.B) {
	if _, err := io.WriteString(s.stdin, "window\n"); err != nil {
		b.Fatal(err)
	}
}

// closeWindow stops the servers and returns the CPU time they used since
// openWindow.
func (s *servers) closeWindow(b *testing.B) time.Duration {
	_ = s.stdin.Close()
	for s.out.Scan() {
		if ns, err := strconv.ParseInt(s.out.Text(), 10, 64); err == nil {
			return time.Duration(ns)
		}
	}
	b.Fatal("the servers reported no CPU time")
	return 0
}
