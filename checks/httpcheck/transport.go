package httpcheck

import (
	"net"
	"net/http"
	"time"
)

// NewTransport returns an *http.Transport for checks: keep-alive with a
// few idle connections per host, bounded dial and TLS handshake times,
// proxies from the environment. Make one and share it between Checkers
// (Options.Transport) so that many checks reuse their connections.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           1000,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
}
