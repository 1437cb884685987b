package storagetest

import (
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Proxy stands between clients and a database server, and can cut them
// off, as a network fault or a database outage would: [Proxy.Cut] closes
// every connection and refuses new ones until [Proxy.Restore].
type Proxy struct {
	ln     net.Listener
	target func() (net.Conn, error)

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]bool
}

// NewProxy listens on loopback and forwards to the server of uri (a Unix
// socket path as Shared returns, or host:port), closed when t ends.
func NewProxy(t testing.TB, uri string) *Proxy {
	t.Helper()
	host := strings.TrimPrefix(uri, "mongodb://")
	if i := strings.IndexAny(host, "/?"); i >= 0 {
		host = host[:i]
	}
	host, err := url.PathUnescape(host)
	if err != nil {
		t.Fatal(err)
	}
	network := "tcp"
	if strings.HasSuffix(host, ".sock") {
		network = "unix"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, conns: map[net.Conn]bool{}, target: func() (net.Conn, error) { return net.Dial(network, host) }}
	go p.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		p.Cut()
	})
	return p
}

// URI is the MONGODB_URI through the proxy; options are appended as given
// ("serverSelectionTimeoutMS=500", say).
func (p *Proxy) URI(options ...string) string {
	uri := "mongodb://" + p.ln.Addr().String() + "/"
	if len(options) > 0 {
		uri += "?" + strings.Join(options, "&")
	}
	return uri
}

// Cut closes every connection and refuses new ones.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

// Restore accepts connections again.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

func (p *Proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

func (p *Proxy) forward(c net.Conn) {
	p.mu.Lock()
	cut := p.cut
	p.mu.Unlock()
	if cut {
		_ = c.Close()
		return
	}
	s, err := p.target()
	if err != nil {
		_ = c.Close()
		return
	}
	if !p.track(c, s) {
		return
	}
	go func() { _, _ = io.Copy(s, c); _ = s.Close() }()
	_, _ = io.Copy(c, s)
	_ = c.Close()
}

// track registers both ends, unless the proxy was cut meanwhile.
func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = true
	}
	return true
}
