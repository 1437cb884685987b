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
	return Serve(t, nil)
}

// Serve listens on loopback and runs handle on a goroutine of its own for
// every connection (nil holds them open and silent). When the test ends
// the listener and every connection are closed and the handlers waited
// for. It returns the address.
func Serve(t testing.TB, handle func(net.Conn)) string {
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
			if handle != nil {
				wg.Go(func() { handle(c) })
			}
		}
	})
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}
