package app_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/internal/procstat"
)

// This file holds what the load benchmarks (bench_load_test.go) share:
// opsbot started with a production-level logger, HTTP servers on many
// loopback addresses, the process's CPU and memory, and a tap on the
// fake Bot API that notes when each reply arrives.

// startInfo starts opsbot like start, but logging at cfg's level (info by
// default) as production does, not at debug: a benchmark measures
// opsbot's own work, not the test harness's verbose logs.
func startInfo(b *testing.B, cfg *config.Config) *running {
	b.Helper()
	logs := &syncBuffer{}
	r := start(b, cfg, app.Options{Logger: app.NewLogger(logs, cfg.Log.Level, cfg.Log.Format, cfg.Telegram.Token)})
	r.logs = logs
	return r
}

// loopbackServers serves handler on n loopback addresses, 127.0.0.1 to
// 127.0.0.n, one port each, and returns their base URLs. Distinct
// addresses are distinct hosts for the checks' per-host rate limit, so
// the production default (checks.host_interval 1s) can stay on.
func loopbackServers(b *testing.B, n int, handler http.Handler) []string {
	b.Helper()
	if n > 254 {
		b.Fatalf("loopbackServers: %d addresses, at most 254", n)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	b.Cleanup(func() { _ = srv.Close() })
	urls := make([]string, n)
	for i := range n {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i+1))
		if err != nil {
			b.Skipf("cannot listen on 127.0.0.%d (every loopback address is needed): %v", i+1, err)
		}
		go func() { _ = srv.Serve(l) }()
		urls[i] = "http://" + l.Addr().String()
	}
	return urls
}

// processCPU returns the user plus system CPU time the whole process has
// used.
func processCPU(b *testing.B) time.Duration {
	b.Helper()
	d, err := procstat.CPU()
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// procStatusMiB returns a "kB" field of /proc/self/status (VmRSS, VmHWM)
// in MiB.
func procStatusMiB(b *testing.B, field string) float64 {
	b.Helper()
	v, err := procstat.MiB(field)
	if err != nil {
		b.Skip(err)
	}
	return v
}

// reportLatencies sorts lat and reports its p50, p99 and max in ms, each
// unit prefixed with prefix.
func reportLatencies(b *testing.B, prefix string, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		b.Fatalf("%s: no samples", prefix)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), prefix+"p50_ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), prefix+"p99_ms")
	b.ReportMetric(ms(lat[len(lat)-1]), prefix+"max_ms")
}

// replyTap sits between opsbot and the fake Bot API and notes when each
// reply (a sendMessage with reply_parameters) has been accepted by the
// fake, by the id of the message it answers. Waiting on it costs nothing
// per change of the fake's state, unlike 50 WaitMessage calls that each
// scan the whole ops group after every call the fake answers.
type replyTap struct {
	tg  *telegramtest.Server
	srv *httptest.Server

	mu      sync.Mutex
	replies map[int]chan time.Time // message id -> when its reply arrived
}

func newReplyTap(b *testing.B, tg *telegramtest.Server) *replyTap {
	b.Helper()
	tap := &replyTap{tg: tg, replies: map[int]chan time.Time{}}
	tap.srv = httptest.NewServer(tap)
	b.Cleanup(tap.srv.Close)
	return tap
}

// URL is the Bot API URL to give opsbot in place of the fake's.
func (tap *replyTap) URL() string { return tap.srv.URL }

func (tap *replyTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:], "sendMessage") {
		tap.tg.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	tap.tg.ServeHTTP(rec, r)
	at := time.Now()
	var answer struct {
		OK     bool `json:"ok"`
		Result struct {
			ReplyTo *struct {
				MessageID int `json:"message_id"`
			} `json:"reply_to_message"`
		} `json:"result"`
	}
	if json.Unmarshal(rec.Body.Bytes(), &answer) == nil && answer.OK && answer.Result.ReplyTo != nil {
		select {
		case tap.reply(answer.Result.ReplyTo.MessageID) <- at:
		default: // a second reply to one message: the first one counts
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (tap *replyTap) reply(id int) chan time.Time {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	ch, ok := tap.replies[id]
	if !ok {
		ch = make(chan time.Time, 1)
		tap.replies[id] = ch
	}
	return ch
}

// wait returns when the reply to message id arrived; false after timeout.
func (tap *replyTap) wait(id int, timeout time.Duration) (time.Time, bool) {
	select {
	case at := <-tap.reply(id):
		return at, true
	case <-time.After(timeout):
		return time.Time{}, false
	}
}
