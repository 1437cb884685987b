//go:build faults

package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

var opsChat = telegramtest.Chat{ID: -1001000000001, Type: telegramtest.ChatSupergroup, Title: "ops"}

// The escalation of a trial: level 1 at once, then a page to each person.
var levels = []struct {
	who   string
	after time.Duration
}{{"", 0}, {"@tech_lead", 3 * time.Second}, {"@architect", 6 * time.Second}, {"@vendor_support", 9 * time.Second}}

const (
	leaseTTL = time.Second
	// maxLate bounds a page's delay past its due time across kills: a
	// takeover (a term and a round), a dead leader's claim (two terms)
	// and a margin for a loaded machine.
	maxLate   = 2*leaseTTL + leaseTTL/3 + 2*time.Second
	leaseName = "opsbot-leader" // app's
)

// buildOpsbot builds the opsbot binary once for the whole run.
func buildOpsbot(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "opsbot")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func trials() int {
	if n, err := strconv.Atoi(os.Getenv("FAULT_TRIALS")); err == nil && n > 0 {
		return n
	}
	return 20
}

// TestKillTheLeaderMidEscalation runs seeded trials. In each, two opsbot
// processes share one store; a check fails for good, and while its
// incident escalates through four levels the leader is killed with
// SIGKILL (once or twice, at seeded random times) and restarted as a
// standby, as a supervisor would. Every page must arrive exactly once.
//
// A kill never lands in the one window README.md documents (Telegram
// accepted a message and opsbot died before recording it): the leader is
// stopped with SIGSTOP first, and killed only if no Bot API call was
// answered in the 200 ms before or while it was stopped; otherwise it is
// resumed and the kill is tried again a little later.
func TestKillTheLeaderMidEscalation(t *testing.T) {
	bin := buildOpsbot(t)
	for i := range trials() {
		seed := uint64(i + 1)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			runTrial(t, bin, seed)
		})
	}
}

type trial struct {
	t     *testing.T
	bin   string
	dir   string
	env   []string
	tg    *telegramtest.Server
	lease *storage.Lease

	mu    sync.Mutex
	procs map[int]*exec.Cmd
	n     int
}

func runTrial(t *testing.T, bin string, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x0b5b07))
	store, uri := storagetest.Shared(t)
	tg := telegramtest.New(t, telegramtest.WithRateLimits(true))
	tg.AddChat(opsChat)
	target := failingTarget(t)
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "opsbot.yaml")
	if err := os.WriteFile(cfgFile, []byte(trialConfig(target)), 0o600); err != nil {
		t.Fatal(err)
	}
	tr := &trial{
		t: t, bin: bin, dir: dir, tg: tg, lease: store.Lease(leaseName, leaseTTL), procs: map[int]*exec.Cmd{},
		env: append(os.Environ(),
			"OPSBOT_CONFIG="+cfgFile,
			"TELEGRAM_BOT_TOKEN="+tg.Token(),
			"TELEGRAM_API_URL="+tg.URL(),
			"OPS_CHAT_ID="+strconv.FormatInt(opsChat.ID, 10),
			"MONGODB_URI="+uri,
			"MONGODB_DATABASE="+store.Database().Name(),
			"HTTP_ADDR=127.0.0.1:0",
			"LOG_FORMAT=json", "LOG_LEVEL=info",
		),
	}
	t.Cleanup(tr.stopAll)
	tr.start()
	tr.start()

	tr.waitFor("the card", 30*time.Second, func(ms []telegramtest.Message) bool { return len(cards(ms)) > 0 })
	t0 := time.Now()
	kills := 1 + rng.IntN(2)
	var at []time.Duration
	for range kills {
		at = append(at, time.Duration(rng.Int64N(int64(levels[len(levels)-1].after))))
	}
	slices.Sort(at)
	for i, d := range at {
		if wait := time.Until(t0.Add(d)); wait > 0 {
			<-time.After(wait) // the moment of the fault, not a wait for behaviour
		}
		pid := tr.killLeader()
		t.Logf("kill %d at +%s: pid %d", i+1, time.Since(t0).Round(time.Millisecond), pid)
		tr.start() // the supervisor's restart
	}

	last := levels[len(levels)-1].who
	tr.waitFor("the last page", 60*time.Second, func(ms []telegramtest.Message) bool { return len(pagesTo(ms, last)) > 0 })
	// Long enough for a late repeat to show: a takeover and a claim's lease.
	<-time.After(3 * leaseTTL)

	ms := tr.tg.Messages(opsChat.ID)
	c := cards(ms)
	if len(c) != 1 {
		t.Fatalf("%d cards; want exactly 1:\n%s", len(c), describe(ms))
	}
	for _, l := range levels[1:] {
		p := pagesTo(ms, l.who)
		if len(p) != 1 {
			t.Errorf("%d pages to %s; want exactly 1:\n%s", len(p), l.who, describe(ms))
			continue
		}
		// A takeover comes within a term and a round of the last renewal,
		// and a claim of the dead leader's lapses within two terms.
		late := p[0].Date.Sub(c[0].Date.Add(l.after))
		t.Logf("page to %s: %s late", l.who, late.Round(time.Millisecond))
		if late > maxLate {
			t.Errorf("the page to %s came %s late; want at most %s", l.who, late, maxLate)
		}
	}
	if t.Failed() {
		tr.dumpLogs()
	}
}

func trialConfig(target string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `storage:
  lease_ttl: %s
checks:
  default_rules: false
  host_interval: 0s
  rules:
    - name: down
      summary: the target is down
      severity: critical
      checks: ["target"]
      when: ["status >= crit"]
      for: 0s
  list:
    - name: target
      interval: 5s
      timeout: 2s
      http:
        url: %s
        expect_status: [200]
escalation:
  tick: 1s
  levels:
`, leaseTTL, target)
	for i, l := range levels {
		notify := "[]"
		if l.who != "" {
			notify = fmt.Sprintf("[%q]", l.who)
		}
		fmt.Fprintf(&b, "    - name: Level %d\n      notify: %s\n      after: %s\n", i+1, notify, l.after)
	}
	b.WriteString(`maintenance:
  windows: []
schedules:
  daily_digest: ""
  weekly_digest: ""
  monthly_digest: ""
  daily_checklist: ""
  weekly_checklist: ""
  monthly_checklist: ""
`)
	return b.String()
}

// start starts one more opsbot process.
func (tr *trial) start() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.n++
	logFile, err := os.Create(filepath.Join(tr.dir, fmt.Sprintf("replica-%d.log", tr.n)))
	if err != nil {
		tr.t.Fatal(err)
	}
	cmd := exec.Command(tr.bin)
	cmd.Env = tr.env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		tr.t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); _ = logFile.Close() }()
	tr.procs[cmd.Process.Pid] = cmd
}

// killLeader kills the process holding the lease with SIGKILL, outside
// the window in which a message Telegram accepted is not yet recorded,
// and returns its pid.
func (tr *trial) killLeader() int {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		pid := tr.leaderPID()
		if pid == 0 {
			<-time.After(50 * time.Millisecond)
			continue
		}
		p := tr.proc(pid)
		stopped := time.Now()
		if err := p.Process.Signal(syscall.SIGSTOP); err != nil {
			tr.t.Fatalf("SIGSTOP %d: %v", pid, err)
		}
		<-time.After(100 * time.Millisecond) // its requests in flight reach the fake
		if tr.answeredSince(stopped.Add(-200 * time.Millisecond)) {
			_ = p.Process.Signal(syscall.SIGCONT)
			<-time.After(time.Duration(50+rand.IntN(100)) * time.Millisecond)
			continue
		}
		if err := p.Process.Signal(syscall.SIGKILL); err != nil {
			tr.t.Fatalf("SIGKILL %d: %v", pid, err)
		}
		tr.mu.Lock()
		delete(tr.procs, pid)
		tr.mu.Unlock()
		return pid
	}
	tr.t.Fatal("no leader to kill within 30s")
	return 0
}

// leaderPID is the pid in the current lease holder's name
// (host-pid-random), 0 when nobody of this trial holds it.
func (tr *trial) leaderPID() int {
	holder, _, _, err := tr.lease.Holder(tr.t.Context(), time.Now())
	if err != nil || holder == "" {
		return 0
	}
	parts := strings.Split(holder, "-")
	if len(parts) < 3 {
		return 0
	}
	pid, _ := strconv.Atoi(parts[len(parts)-2])
	if tr.proc(pid) == nil {
		return 0
	}
	return pid
}

func (tr *trial) proc(pid int) *exec.Cmd {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.procs[pid]
}

// answeredSince reports whether the fake answered a call that sends or
// changes a message at or after since.
func (tr *trial) answeredSince(since time.Time) bool {
	for _, c := range tr.tg.Calls() {
		switch c.Method {
		case "sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto", "deleteMessage":
			if !c.Time.Before(since) {
				return true
			}
		}
	}
	return false
}

func (tr *trial) stopAll() {
	tr.mu.Lock()
	procs := tr.procs
	tr.procs = map[int]*exec.Cmd{}
	tr.mu.Unlock()
	for _, p := range procs {
		_ = p.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range procs {
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = p.Process.Kill()
		}
	}
}

func (tr *trial) dumpLogs() {
	logs, _ := filepath.Glob(filepath.Join(tr.dir, "replica-*.log"))
	for _, f := range logs {
		b, _ := os.ReadFile(f)
		tr.t.Logf("%s:\n%s", filepath.Base(f), b)
	}
}

// waitFor polls the ops chat until cond holds, or fails the trial.
func (tr *trial) waitFor(what string, limit time.Duration, cond func([]telegramtest.Message) bool) {
	tr.t.Helper()
	ctx, cancel := context.WithTimeout(tr.t.Context(), limit)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ms := tr.tg.Messages(opsChat.ID)
		if cond(ms) {
			return
		}
		select {
		case <-ctx.Done():
			tr.dumpLogs()
			tr.t.Fatalf("%s did not arrive within %s:\n%s", what, limit, describe(ms))
		case <-tick.C:
		}
	}
}

func cards(ms []telegramtest.Message) []telegramtest.Message {
	var out []telegramtest.Message
	for _, m := range ms {
		if m.ReplyTo == 0 && strings.Contains(m.Text, "INC-") {
			out = append(out, m)
		}
	}
	return out
}

func pagesTo(ms []telegramtest.Message, who string) []telegramtest.Message {
	var out []telegramtest.Message
	for _, m := range ms {
		if m.ReplyTo != 0 && strings.Contains(m.Text, who) {
			out = append(out, m)
		}
	}
	return out
}

func describe(ms []telegramtest.Message) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "  #%d reply_to=%d %q\n", m.ID, m.ReplyTo, m.Text)
	}
	return b.String()
}
