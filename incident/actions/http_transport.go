package actions

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// errTooManyRedirects stops a redirect loop.
var errTooManyRedirects = errors.New("too many redirects")

// client returns a copy of h.Client (or a new client) that follows
// redirects on the same host only.
func (h HTTP) client() *http.Client {
	var c http.Client
	if h.Client != nil {
		c = *h.Client
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if !sameOrigin(first.Scheme, first.Host, req.URL.Scheme, req.URL.Host) {
			// Hand back the redirect itself; answer reports it.
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return errTooManyRedirects
		}
		return nil
	}
	return &c
}

// sameOrigin reports whether a redirect from one scheme and host to
// another stays on the host, never going from https to http.
func sameOrigin(fromScheme, fromHost, toScheme, toHost string) bool {
	if !strings.EqualFold(fromHost, toHost) {
		return false
	}
	return !strings.EqualFold(fromScheme, "https") || strings.EqualFold(toScheme, "https")
}

// netError returns prefix followed by why a request got no answer, in a
// few words. err's own text is not quoted: *url.Error's holds the URL.
func netError(ctx context.Context, prefix string, err error) error {
	cause := err
	var urlErr *url.Error
	switch {
	case ctx.Err() != nil:
		cause = ctx.Err()
	case errors.As(err, &urlErr):
		cause = urlErr.Err
	}
	return &causeError{msg: prefix + netProblem(ctx, err), cause: cause}
}

// netProblem names why a request got no answer.
func netProblem(ctx context.Context, err error) string {
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		netErr  net.Error
	)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case ctx.Err() != nil:
		return "canceled"
	case errors.Is(err, errTooManyRedirects):
		return "too many redirects"
	case errors.As(err, &dnsErr):
		return "cannot resolve " + oneLine(dnsErr.Name, 100)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &certErr):
		return "TLS certificate not accepted"
	case errors.As(err, &recErr):
		return "TLS handshake failed"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed without an answer"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	}
	return "network error"
}
