package tcpcheck

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
)

var t0 = time.Date(2024, 3, 27, 10, 30, 0, 0, time.UTC)

// stepClock moves by step on every reading, so a Check takes exactly step.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

// listen returns the address of a listener that accepts and closes
// connections until the test ends.
func listen(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
	})
	return ln.Addr().String()
}

func mustNew(t *testing.T, o Options) *Checker {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c.(*Checker)
}

func want(t *testing.T, r checks.Result, status checks.Status, msg string) {
	t.Helper()
	if r.Status != status || r.Message != msg {
		t.Errorf("got %s %q, want %s %q", r.Status, r.Message, status, msg)
	}
}

func TestConnects(t *testing.T) {
	addr := listen(t)
	r := mustNew(t, Options{Address: addr, Now: (&stepClock{t: t0, step: 3 * time.Millisecond}).Now}).Check(context.Background())
	want(t, r, checks.StatusOK, "connected in 3 ms")
	if r.Value != 3 || r.Unit != "ms" || r.Metrics["connect_ms"] != 3 {
		t.Errorf("Value %v %q Metrics %v", r.Value, r.Unit, r.Metrics)
	}
	if r.Duration != 3*time.Millisecond || !r.ObservedAt.Equal(t0.Add(3*time.Millisecond)) {
		t.Errorf("Duration %v ObservedAt %v", r.Duration, r.ObservedAt)
	}
}

func TestWarnAfter(t *testing.T) {
	addr := listen(t)
	slow := Options{Address: addr, WarnAfter: time.Second, Now: (&stepClock{t: t0, step: 1200 * time.Millisecond}).Now}
	want(t, mustNew(t, slow).Check(context.Background()), checks.StatusWarn, "connected in 1200 ms (slower than 1s)")

	fine := Options{Address: addr, WarnAfter: time.Second, Now: (&stepClock{t: t0, step: time.Second}).Now}
	want(t, mustNew(t, fine).Check(context.Background()), checks.StatusOK, "connected in 1000 ms")
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	want(t, mustNew(t, Options{Address: addr}).Check(context.Background()), checks.StatusCrit, "connection refused")
}

func TestHostNotFound(t *testing.T) {
	r := mustNew(t, Options{Address: "opsbot-test.invalid:443", Timeout: time.Second}).Check(context.Background())
	if r.Message == "DNS lookup timed out" || r.Message == "DNS lookup failed" || strings.HasPrefix(r.Message, "timed out") {
		t.Skipf("no usable resolver here: %q", r.Message)
	}
	want(t, r, checks.StatusCrit, "host not found")
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	want(t, mustNew(t, Options{Address: listen(t)}).Check(ctx), checks.StatusCrit, "check canceled")
}

func TestHost(t *testing.T) {
	for addr, host := range map[string]string{"DB.Internal:27017": "db.internal", "[::1]:5432": "::1", "10.0.0.1:22": "10.0.0.1"} {
		if got := mustNew(t, Options{Address: addr}).Host(); got != host {
			t.Errorf("Host() of %q = %q, want %q", addr, got, host)
		}
	}
}

func TestDescribe(t *testing.T) {
	bg := context.Background()
	tests := []struct {
		err error
		msg string
	}{
		{&net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}, "DNS lookup timed out"},
		{&net.DNSError{Err: "server misbehaving", Name: "x"}, "DNS lookup failed"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("some\nodd   failure")}, "some odd failure"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: &timeoutErr{}}, "timed out after 5s"},
	}
	for _, tt := range tests {
		if got := describe(bg, tt.err, 4999700*time.Microsecond); got != tt.msg {
			t.Errorf("describe(%v) = %q, want %q", tt.err, got, tt.msg)
		}
	}
}

type timeoutErr struct{}

func (*timeoutErr) Error() string   { return "i/o timeout" }
func (*timeoutErr) Timeout() bool   { return true }
func (*timeoutErr) Temporary() bool { return true }

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		o     Options
		field string
		msg   string
	}{
		{Options{}, "Address", "missing (write host:port)"},
		{Options{Address: "db.internal"}, "Address", `"db.internal" is not host:port: missing port in address`},
		{Options{Address: ":27017"}, "Address", `":27017" has no host`},
		{Options{Address: "db:mongo"}, "Address", `port "mongo" is not a number from 1 to 65535`},
		{Options{Address: "db:70000"}, "Address", `port "70000" is not a number from 1 to 65535`},
		{Options{Address: "db:1", Timeout: -time.Second}, "Timeout", "-1s is negative"},
		{Options{Address: "db:1", WarnAfter: -time.Second}, "WarnAfter", "-1s is negative"},
		{Options{Address: "db:1", WarnAfter: 5 * time.Second}, "WarnAfter", "5s is not below Timeout (5s)"},
	}
	for _, tt := range tests {
		c, err := New(tt.o)
		var oe *OptionError
		if c != nil || !errors.As(err, &oe) || oe.Field != tt.field || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("New(%+v) = %v, %v; want field %s saying %q", tt.o, c, err, tt.field, tt.msg)
		}
	}
}
