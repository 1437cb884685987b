package httpcheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// OptionError is a bad field in Options; see checks.OptionError.
type OptionError = checks.OptionError

// fieldError builds an OptionError.
func fieldError(field, format string, args ...any) error {
	return &OptionError{Type: "httpcheck", Field: field, Err: fmt.Errorf(format, args...)}
}

// redirectError stops a redirect chain longer than the limit.
type redirectError struct{ max int }

func (e *redirectError) Error() string {
	return fmt.Sprintf("too many redirects (more than %d)", e.max)
}

// redirectPolicy returns an http.Client CheckRedirect that follows at most
// limit redirects; a negative limit follows none.
func redirectPolicy(limit int) func(*http.Request, []*http.Request) error {
	return func(_ *http.Request, via []*http.Request) error {
		if limit < 0 {
			return http.ErrUseLastResponse
		}
		if len(via) > limit {
			return &redirectError{max: limit}
		}
		return nil
	}
}

// describeError condenses a failed exchange to one short line. It never
// quotes the URL: *url.Error is unwrapped and only its cause is described.
func describeError(ctx context.Context, err error, budget time.Duration, now time.Time) string {
	var redirect *redirectError
	if errors.As(err, &redirect) {
		return redirect.Error()
	}
	// Read ctx.Err once: a socket deadline can fire just before the
	// context's own timer, and the context must not change between cases.
	ctxErr := ctx.Err()
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctxErr, context.DeadlineExceeded):
		return "timed out after " + roundBudget(budget).String()
	case errors.Is(err, context.Canceled) || ctxErr != nil:
		return "check canceled"
	}
	if s := describeTLSError(err, now); s != "" {
		return s
	}
	if s := describeNetError(err); s != "" {
		return s
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
			// The run's deadline, seen by the socket before the context.
			return "timed out after " + roundBudget(budget).String()
		}
		return "timed out (" + cause(err) + ")"
	}
	return cause(err)
}

// describeNetError names DNS and socket failures.
func describeNetError(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		switch {
		case dnsErr.IsNotFound:
			return "host not found"
		case dnsErr.IsTimeout:
			return "DNS lookup timed out"
		default:
			return "DNS lookup failed"
		}
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.EPIPE):
		return "connection closed by the server"
	}
	return ""
}

// describeTLSError names certificate and handshake failures.
func describeTLSError(err error, now time.Time) string {
	const bad = "TLS certificate not valid: "
	var (
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostname x509.HostnameError
		roots    x509.SystemRootsError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		alert    tls.AlertError
	)
	switch {
	case errors.As(err, &unknown):
		return bad + "signed by an unknown authority"
	case errors.As(err, &hostname):
		return bad + "not for host " + clip(oneLine(hostname.Host), 60)
	case errors.As(err, &invalid):
		return bad + invalidReason(invalid, now)
	case errors.As(err, &roots):
		return bad + "no system root certificates"
	case errors.As(err, &verify):
		return bad + clip(oneLine(strings.TrimPrefix(verify.Err.Error(), "x509: ")), 80)
	case errors.As(err, &record):
		return "TLS handshake failed: the server does not speak TLS"
	case errors.As(err, &alert):
		return "TLS handshake failed: " + strings.TrimPrefix(alert.Error(), "tls: ")
	}
	return ""
}

// invalidReason describes an x509.CertificateInvalidError briefly.
func invalidReason(e x509.CertificateInvalidError, now time.Time) string {
	switch e.Reason {
	case x509.Expired:
		if e.Cert != nil && now.After(e.Cert.NotAfter) {
			return "expired on " + e.Cert.NotAfter.UTC().Format(time.DateOnly)
		}
		if e.Cert != nil {
			return "not valid before " + e.Cert.NotBefore.UTC().Format(time.DateOnly)
		}
		return "expired or not yet valid"
	case x509.NotAuthorizedToSign:
		return "issued by a certificate that may not sign"
	case x509.IncompatibleUsage:
		return "not for server authentication"
	default:
		return clip(oneLine(strings.TrimPrefix(e.Error(), "x509: ")), 80)
	}
}

// cause is the last resort: the error's own text without the URL that
// *url.Error adds, without Go package prefixes, on one clipped line.
func cause(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	s := err.Error()
	switch {
	case strings.Contains(s, "malformed HTTP "):
		// The rest quotes the garbage the server sent.
		return "malformed HTTP response"
	case strings.Contains(s, "response headers exceeded"):
		return "response headers too large"
	}
	for trimmed := ""; trimmed != s; {
		trimmed = s
		for _, p := range []string{"net/http: ", "http: ", "net: ", "HTTP/1.x transport connection broken: "} {
			s = strings.TrimPrefix(s, p)
		}
	}
	s = oneLine(s)
	if s == "" {
		return "request failed"
	}
	return clip(s, 100)
}
