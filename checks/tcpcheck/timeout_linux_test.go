//go:build linux

package tcpcheck

import (
	"context"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// fullListener returns the address of a socket whose accept queue is full:
// it listens with a backlog of 0 and never accepts, and one connection
// fills the queue, so the kernel drops further SYNs and connects hang.
func fullListener(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	filler, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = filler.Close() })
	return addr
}

func TestTimedOut(t *testing.T) {
	addr := fullListener(t)

	start := time.Now()
	r := mustNew(t, Options{Address: addr, Timeout: 200 * time.Millisecond}).Check(context.Background())
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Check took %v", took)
	}
	want(t, r, checks.StatusCrit, "timed out after 200ms")

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	r = mustNew(t, Options{Address: addr}).Check(ctx)
	// Part of the deadline may be spent before the run starts.
	d, err := time.ParseDuration(strings.TrimPrefix(r.Message, "timed out after "))
	if r.Status != checks.StatusCrit || err != nil || d < 250*time.Millisecond || d > 300*time.Millisecond {
		t.Errorf("got %s %q, want crit \"timed out after\" about 300ms", r.Status, r.Message)
	}
}
