package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// The load benchmarks run the whole of opsbot through app.Run, as main
// does, on the real clock, against local fakes that live in the same
// process: the fake Bot API (bot/telegramtest), the monitored HTTP
// servers and the Go test runtime. CPU time (getrusage RUSAGE_SELF) and
// RSS (/proc/self/status) are therefore the process's, fakes included;
// nothing is subtracted. RSS and its peak are the process's since it
// started, so run each benchmark in a process of its own:
//
//	go test -run '^$' -bench ThousandHTTPChecks -benchtime 1x ./app/
//	go test -run '^$' -bench FiftyOperatorsAtOnce -benchtime 1x ./app/
//	go test -run '^$' -bench FailureToPage -benchtime 1x ./app/
//	go test -run '^$' -bench IdleMemory -benchtime 1x ./app/
//
// Each takes from 5 s to about a minute of real time; -benchtime 1x runs
// it once (one iteration is the whole scenario, so the default
// -benchtime does too).

// BenchmarkThousandHTTPChecks runs 1,000 HTTP checks every 10 s, i.e.
// 100 checks a second, against 100 local servers on 127.0.0.1 to
// 127.0.0.100: ten checks a host, which the default per-host limit
// (checks.host_interval 1s) just allows; checks.workers is the default.
// Every check reads a "HEALTHY" verdict (200) and its Result goes to the
// rules and to the check history, which is buffered and written once a
// minute (one update per check). Once every check has had its first run,
// it measures a 130 s window, which holds two history flushes:
//
//   - checks/s: runs completed (requests arriving at the servers);
//   - history_kept_%: of all the runs, the share found in the stored
//     history after opsbot stopped (its last flush included);
//   - status_p50_ms, status_max_ms: an operator's /status every 13 s
//     meanwhile (bot.workers at its default), from the update to the
//     reply, which needs the store too; 60000 means no reply within 60 s;
//   - cpu_%_of_one_core and rss_MiB, peak_rss_MiB: the process's.
//
// The servers and the fake Bot API run in the process too and are
// counted in the CPU and RSS. The data directory starts empty, so the
// history holds today's 1,000 documents with one hour bucket each: the
// cheapest case, as an update on the embedded store costs more the more
// (and the larger) documents the history collection holds.
func BenchmarkThousandHTTPChecks(b *testing.B) {
	if testing.Short() {
		b.Skip("takes 35 to 90 s of real time")
	}
	const (
		nChecks  = 1000
		nHosts   = 100
		interval = 10 * time.Second
		window   = 130 * time.Second
		// statuses is how many /status are sent during the window, one
		// every 13 s; one unanswered after statusWait counts as statusWait.
		statuses   = 10
		statusWait = 60 * time.Second
	)
	for range b.N {
		hits := newHitCounter(nChecks)
		urls := loopbackServers(b, nHosts, hits)
		tg := telegramtest.New(b)
		tap := newReplyTap(b, tg)
		dataDir := b.TempDir()
		cfg := testConfig(b, tg, dataDir)
		cfg.Telegram.APIURL = tap.URL()
		cfg.Bot.Workers = config.Default().Bot.Workers
		for i := range nChecks {
			cfg.Checks.List = append(cfg.Checks.List, config.Check{
				Name: fmt.Sprintf("c-%04d", i), Interval: interval, Timeout: 5 * time.Second,
				HTTP: &config.HTTPCheck{URL: fmt.Sprintf("%s/c/%d", urls[i%nHosts], i), Verdict: true},
			})
		}
		if err := cfg.Validate(); err != nil {
			b.Fatal(err)
		}
		started := time.Now()
		r := startInfo(b, cfg)
		select {
		case <-hits.allSeen:
		case <-time.After(3 * interval):
			b.Fatalf("only %d of %d checks ran within %s\nlogs:\n%s", hits.seenCount(), nChecks, 3*interval, r.logs)
		}
		firstRuns := time.Since(started)

		cpu0, t0, n0 := processCPU(b), time.Now(), hits.total.Load()
		var (
			mu      sync.Mutex
			status  []time.Duration // from each /status's update to its reply
			replies sync.WaitGroup
		)
		for i := range statuses {
			time.Sleep(time.Until(t0.Add(time.Duration(i) * window / statuses))) // the window, on the real clock
			sentAt := time.Now()
			sent := tg.SendText(opsChat, alice, "/status")
			replies.Go(func() {
				at, ok := tap.wait(sent.ID, statusWait)
				mu.Lock()
				defer mu.Unlock()
				if !ok {
					at = sentAt.Add(statusWait)
				}
				status = append(status, at.Sub(sentAt))
			})
		}
		time.Sleep(time.Until(t0.Add(window)))
		elapsed, cpu, n := time.Since(t0), processCPU(b)-cpu0, hits.total.Load()-n0
		replies.Wait()

		b.ReportMetric(float64(n)/elapsed.Seconds(), "checks/s")
		slices.Sort(status) // five samples: the median and the worst
		b.ReportMetric(float64(status[len(status)/2].Microseconds())/1000, "status_p50_ms")
		b.ReportMetric(float64(status[len(status)-1].Microseconds())/1000, "status_max_ms")
		b.ReportMetric(100*cpu.Seconds()/elapsed.Seconds(), "cpu_%_of_one_core")
		b.ReportMetric(procStatusMiB(b, "VmRSS"), "rss_MiB")
		b.ReportMetric(procStatusMiB(b, "VmHWM"), "peak_rss_MiB")
		b.ReportMetric(firstRuns.Seconds(), "first_runs_s")
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.Logf("heap in use %.1f MiB, %d goroutines, %d GCs",
			float64(ms.HeapInuse)/(1<<20), runtime.NumGoroutine(), ms.NumGC)
		for _, c := range tg.CallsTo("sendMessage") {
			if text, _ := c.Params["text"].(string); strings.Contains(text, "INC-") {
				b.Errorf("an incident card while every check was healthy: %q\nlogs:\n%s", text, r.logs)
				break
			}
		}
		if err := r.stop(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(100*float64(storedRuns(b, dataDir, nChecks, started))/float64(hits.total.Load()), "history_kept_%")
	}
}

// storedRuns counts the runs in the check history stored in dir since
// from, by opening the stopped opsbot's embedded store.
func storedRuns(b *testing.B, dir string, nChecks int, from time.Time) int64 {
	b.Helper()
	h := storagetest.OpenAt(b, dir).History()
	var n int64
	for i := range nChecks {
		hours, err := h.Hours(b.Context(), fmt.Sprintf("c-%04d", i), from.Add(-time.Hour), time.Now().Add(time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		for _, hr := range hours {
			n += hr.N
		}
	}
	return n
}

// hitCounter is the monitored servers' handler: "HEALTHY" to every
// request for /c/<check number>, counting all requests and noting when
// every check has been seen once.
type hitCounter struct {
	total   atomic.Int64
	seen    []atomic.Bool
	nSeen   atomic.Int64
	allSeen chan struct{}
}

func newHitCounter(n int) *hitCounter {
	return &hitCounter{seen: make([]atomic.Bool, n), allSeen: make(chan struct{})}
}

func (h *hitCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.total.Add(1)
	if i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/c/")); err == nil && i >= 0 && i < len(h.seen) {
		if !h.seen[i].Swap(true) && h.nSeen.Add(1) == int64(len(h.seen)) {
			close(h.allSeen)
		}
	}
	_, _ = w.Write([]byte("HEALTHY"))
}

func (h *hitCounter) seenCount() int64 { return h.nSeen.Load() }

// BenchmarkFiftyOperatorsAtOnce has 50 operators send /status in the ops
// group at the same time, each sending its next one as soon as it has
// its answer, 20 each. Latency is from the update being queued at the
// fake Bot API (SendText) to the fake accepting the reply's sendMessage;
// it covers long polling, routing, authorisation, /status's storage
// probe, incident and maintenance reads, the reply and the audit write.
// bot.workers is the production default (8). The fake's flood limits are
// off and so is the per-user command limit (testConfig): Telegram allows
// about 20 messages a minute in one group, so it would answer most of
// these replies 429 and the retries would be the whole figure; this
// measures opsbot.
func BenchmarkFiftyOperatorsAtOnce(b *testing.B) {
	const (
		operators   = 50
		perOperator = 20
		timeout     = 30 * time.Second
	)
	for range b.N {
		tg := telegramtest.New(b)
		tap := newReplyTap(b, tg)
		cfg := testConfig(b, tg, b.TempDir())
		cfg.Telegram.APIURL = tap.URL()
		cfg.Bot.Workers = config.Default().Bot.Workers
		users := make([]telegramtest.User, operators)
		for i := range users {
			users[i] = telegramtest.User{ID: int64(3000 + i), FirstName: fmt.Sprintf("Op%02d", i), Username: fmt.Sprintf("op%02d", i)}
			cfg.Auth.Operators = append(cfg.Auth.Operators, users[i].ID)
		}
		if err := cfg.Validate(); err != nil {
			b.Fatal(err)
		}
		r := startInfo(b, cfg)
		warm := tg.SendText(opsChat, users[0], "/status")
		if _, ok := tap.wait(warm.ID, timeout); !ok {
			b.Fatalf("no answer to the first /status\nlogs:\n%s", r.logs)
		}

		var (
			mu    sync.Mutex
			lat   = make([]time.Duration, 0, operators*perOperator)
			wg    sync.WaitGroup
			begin = make(chan struct{})
		)
		for _, u := range users {
			wg.Go(func() {
				<-begin
				for range perOperator {
					sentAt := time.Now()
					sent := tg.SendText(opsChat, u, "/status")
					at, ok := tap.wait(sent.ID, timeout)
					if !ok {
						b.Errorf("%s: no answer to /status (message %d) within %s", u.Username, sent.ID, timeout)
						return
					}
					mu.Lock()
					lat = append(lat, at.Sub(sentAt))
					mu.Unlock()
				}
			})
		}
		t0 := time.Now()
		close(begin)
		wg.Wait()
		elapsed := time.Since(t0)
		if b.Failed() {
			b.Fatalf("logs:\n%s", r.logs)
		}
		reportLatencies(b, "", lat)
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "commands/s")
		if err := r.stop(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFailureToPage measures detection to page on scheduled checks:
// 12 HTTP checks, each every 5 s (the shortest interval the config
// allows) against a target of its own answering 200, and a rule that
// fires on the first failing Result (for: 0). One target after another,
// 3.5 s apart, starts answering 500; each failure opens an incident whose
// card is sent to the ops group. It reports two latencies, ending when
// the fake Bot API accepts the card's sendMessage:
//
//   - failure_to_page: from the target's first 500 answer, i.e. the
//     failing Result (its ObservedAt is a moment later): the rules, the
//     incident engine, the store, the outbox and the send;
//   - flip_to_page: from the target's flip; this adds the wait for the
//     check's next run, up to the 5 s interval plus its 5% jitter (with
//     the default 1 m interval, up to 63 s).
//
// The fake enforces Telegram's flood limits and the benchmark fails on a
// 429. opsbot's sender keeps to about 20 messages a minute in a group
// (a burst of 3, then one every 3.3 s), so the flips are 3.5 s apart: a
// card never waits behind the one before. Storm grouping is off
// (escalation.storm.threshold 0), or checks failing one after another
// would be grouped into one incident; maintenance windows are off
// (testConfig), so that no page is held.
func BenchmarkFailureToPage(b *testing.B) {
	if testing.Short() {
		b.Skip("takes 45 s of real time")
	}
	const (
		n        = 12
		interval = 5 * time.Second
		spacing  = 3500 * time.Millisecond
	)
	for range b.N {
		targets := make([]*flipTarget, n)
		for i := range targets {
			targets[i] = newFlipTarget()
		}
		tg := telegramtest.New(b, telegramtest.WithRateLimits(true))
		tg.AddChat(opsChat)
		cfg := testConfig(b, tg, b.TempDir())
		for i, tgt := range targets {
			tgt.name = fmt.Sprintf("svc-%02d", i)
			url := loopbackServers(b, 1, tgt)[0] // 127.0.0.1 each: HostInterval 0 below
			cfg.Checks.List = append(cfg.Checks.List, config.Check{
				Name: tgt.name, Interval: interval, Timeout: 2 * time.Second,
				HTTP: &config.HTTPCheck{URL: url + "/health"},
			})
		}
		cfg.Checks.HostInterval = 0 // every target is on 127.0.0.1
		cfg.Checks.Rules = []config.Rule{{Name: "svc-down", Summary: "service failing", Severity: "critical",
			Checks: []string{"svc-*"}, When: []string{"status >= crit"}}}
		cfg.Escalation.Storm.Threshold = 0
		if err := cfg.Validate(); err != nil {
			b.Fatal(err)
		}
		r := startInfo(b, cfg)
		for _, tgt := range targets {
			select {
			case <-tgt.seen:
			case <-time.After(3 * interval):
				b.Fatalf("%s has not run within %s\nlogs:\n%s", tgt.name, 3*interval, r.logs)
			}
		}

		flipsFrom := time.Now()
		for i, tgt := range targets {
			time.Sleep(time.Until(flipsFrom.Add(time.Duration(i) * spacing)))
			tgt.fail()
		}
		cards := map[string]time.Time{}
		tg.WaitFor(b, "a card for every failing check", func() bool {
			for _, c := range tg.CallsTo("sendMessage") {
				text, _ := c.Params["text"].(string)
				if !c.OK() || !strings.Contains(text, "INC-") {
					continue
				}
				for _, tgt := range targets {
					if _, ok := cards[tgt.name]; !ok && strings.Contains(text, "<b>"+tgt.name+"</b>") {
						cards[tgt.name] = c.Time
					}
				}
			}
			return len(cards) == n
		})

		var detect, flip []time.Duration
		for _, tgt := range targets {
			flippedAt, firstFail := tgt.times()
			detect = append(detect, cards[tgt.name].Sub(firstFail))
			flip = append(flip, cards[tgt.name].Sub(flippedAt))
		}
		reportLatencies(b, "failure_to_page_", detect)
		reportLatencies(b, "flip_to_page_", flip)
		if n := tg.RateLimited(); n != 0 {
			b.Errorf("the fake Bot API answered 429 %d times", n)
		}
		if err := r.stop(); err != nil {
			b.Fatal(err)
		}
	}
}

// flipTarget is a monitored service that answers 200 until fail is
// called, then 500, noting when it flipped and when it first answered 500.
type flipTarget struct {
	name string
	seen chan struct{} // closed at the first request

	mu        sync.Mutex
	requested bool
	failing   bool
	flippedAt time.Time
	firstFail time.Time
}

func newFlipTarget() *flipTarget { return &flipTarget{seen: make(chan struct{})} }

func (t *flipTarget) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	t.mu.Lock()
	if !t.requested {
		t.requested = true
		close(t.seen)
	}
	failing := t.failing
	if failing && t.firstFail.IsZero() {
		t.firstFail = time.Now()
	}
	t.mu.Unlock()
	if failing {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("down"))
		return
	}
	_, _ = w.Write([]byte("up"))
}

func (t *flipTarget) fail() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failing, t.flippedAt = true, time.Now()
}

func (t *flipTarget) times() (flippedAt, firstFail time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.flippedAt, t.firstFail
}

// BenchmarkIdleMemory starts opsbot with the default configuration, as
// config.Load builds it from the environment alone: the embedded store,
// the default schedules, maintenance windows and rules, and the default
// checks that PRIMARY_BASE_URL adds (/health, /health/json, /healthcheck,
// /status), pointed at a local healthy service. After Ready it waits 20 s
// of real time, long enough for every check's first run (the 5-minute
// ones start within 5% of their interval), then collects garbage and
// reports the process's RSS (now, and its peak since the process
// started) and the Go heap in use. The process also holds the fake Bot
// API (with the Bot API spec it validates against), the local service
// and the Go test runtime: baseline_rss_MiB is the RSS after they have
// started and before opsbot has.
func BenchmarkIdleMemory(b *testing.B) {
	if testing.Short() {
		b.Skip("takes 20 s of real time")
	}
	const settle = 20 * time.Second
	for range b.N {
		var hits atomic.Int64
		svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			switch r.URL.Path {
			case "/health":
				_, _ = w.Write([]byte("HEALTHY"))
			case "/health/json":
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"status":"healthy","components":{"database":{"mongodb":{"status":"connected"}}},` +
					`"metrics":{"error_rate_percent":0.1,"average_response_time_ms":40}}`))
			default:
				_, _ = w.Write([]byte("OK"))
			}
		}))
		b.Cleanup(svc.Close)
		tg := telegramtest.New(b)
		tg.AddChat(opsChat)
		env := map[string]string{
			"TELEGRAM_BOT_TOKEN": tg.Token(),
			"TELEGRAM_API_URL":   tg.URL(),
			"OPS_CHAT_ID":        strconv.FormatInt(opsChat.ID, 10),
			"DATA_DIR":           b.TempDir(),
			"HTTP_ADDR":          "127.0.0.1:0",
			"PRIMARY_BASE_URL":   svc.URL,
		}
		cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		baseline := procStatusMiB(b, "VmRSS")

		r := startInfo(b, cfg)
		time.Sleep(settle) // idle, on the real clock
		if hits.Load() < int64(len(cfg.Checks.List)) {
			b.Errorf("the service had %d requests, want one from each of the %d checks", hits.Load(), len(cfg.Checks.List))
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(procStatusMiB(b, "VmRSS"), "rss_MiB")
		b.ReportMetric(procStatusMiB(b, "VmHWM"), "peak_rss_MiB")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap_inuse_MiB")
		b.ReportMetric(baseline, "baseline_rss_MiB")
		b.Logf("%d checks, %d goroutines, stacks %.1f MiB, Go runtime total %.1f MiB",
			len(cfg.Checks.List), runtime.NumGoroutine(), float64(ms.StackInuse)/(1<<20), float64(ms.Sys)/(1<<20))
		if err := r.stop(); err != nil {
			b.Fatal(err)
		}
	}
}
