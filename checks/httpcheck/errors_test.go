package httpcheck

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestDescribeError(t *testing.T) {
	wrap := func(err error) error {
		return &url.Error{Op: "Get", URL: "https://u:pw@primary.example/health?token=SECRET", Err: err}
	}
	tests := []struct {
		name string
		err  error
		msg  string
	}{
		{"dns not found", &net.DNSError{Err: "no such host", Name: "primary.example", IsNotFound: true}, "host not found"},
		{"dns timeout", &net.DNSError{Err: "i/o timeout", Name: "primary.example", IsTimeout: true}, "DNS lookup timed out"},
		{"dns other", &net.DNSError{Err: "server misbehaving", Name: "primary.example"}, "DNS lookup failed"},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, "connection refused"},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, "connection reset by the server"},
		{"unreachable", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.EHOSTUNREACH}, "host unreachable"},
		{"deadline", context.DeadlineExceeded, "timed out after 5s"},
		{"redirects", &redirectError{max: 5}, "too many redirects (more than 5)"},
		{"unknown CA", x509.UnknownAuthorityError{}, "TLS certificate not valid: signed by an unknown authority"},
		{"not a CA", x509.CertificateInvalidError{Reason: x509.NotAuthorizedToSign}, "TLS certificate not valid: issued by a certificate that may not sign"},
		{"usage", x509.CertificateInvalidError{Reason: x509.IncompatibleUsage}, "TLS certificate not valid: not for server authentication"},
		{"other", errors.New("http: something\nodd\thappened"), "something odd happened"},
		{"empty", errors.New(""), "request failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describeError(context.Background(), wrap(tt.err), 4999700*time.Microsecond, t0)
			if got != tt.msg {
				t.Errorf("got %q, want %q", got, tt.msg)
			}
		})
	}
}

func TestDescribeErrorUsesTheContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	// Whatever the error, a spent deadline is the reason.
	if got := describeError(ctx, fmt.Errorf("read: %w", net.ErrClosed), 150*time.Millisecond, t0); got != "timed out after 150ms" {
		t.Errorf("got %q", got)
	}
}

func TestRoundBudget(t *testing.T) {
	for in, out := range map[time.Duration]time.Duration{
		4999700 * time.Microsecond: 5 * time.Second,
		199980 * time.Microsecond:  200 * time.Millisecond,
		90 * time.Second:           90 * time.Second,
		3 * time.Millisecond:       3 * time.Millisecond,
	} {
		if got := roundBudget(in); got != out {
			t.Errorf("roundBudget(%v) = %v, want %v", in, got, out)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for in, out := range map[int64]string{1 << 20: "1 MiB", 4 << 20: "4 MiB", 64 << 10: "64 KiB", 100: "100 bytes", 1<<20 + 1: "1048577 bytes"} {
		if got := formatBytes(in); got != out {
			t.Errorf("formatBytes(%d) = %q, want %q", in, got, out)
		}
	}
}
