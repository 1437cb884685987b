// Package checkstest has helpers for the check types' tests: addresses
// that refuse or hang, the hostile targets every check type must survive,
// and Leaks, which finds a secret in a text in any form it may take (the
// security tests of other packages use it too).
package checkstest

import (
	"net"
	"sync"
	"testing"
)

// ClosedAddr returns a loopback address where nothing listens, so a
// connection is refused.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// SilentAddr returns a loopback address that accepts connections and never
// answers, like a server that hangs. Everything is closed when the test
// ends.
func SilentAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		_ = l.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return l.Addr().String()
}
