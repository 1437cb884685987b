package railway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
	"unicode"
)

// Sentinel errors; compare with errors.Is.
var (
	// ErrUnauthorized means Railway rejected the token: HTTP 401 or 403, or
	// the GraphQL error "Not Authorized" Railway answers for a bad token or
	// a token without access to the service.
	ErrUnauthorized = errors.New("Railway rejected the token")
	// ErrRateLimited matches every *RateLimitError.
	ErrRateLimited = errors.New("Railway rate limit reached")
	// ErrNoDeployment is LatestDeployment's error for a service without
	// deployments in the environment.
	ErrNoDeployment = errors.New("no deployments found")
)

// RateLimitError is an HTTP 429 answer.
type RateLimitError struct {
	// RetryAfter is Railway's Retry-After, zero when it sent none.
	RetryAfter time.Duration
}

// Error returns "Railway rate limit reached (retry after 30s)".
func (e *RateLimitError) Error() string {
	if e.RetryAfter <= 0 {
		return ErrRateLimited.Error()
	}
	return fmt.Sprintf("%s (retry after %s)", ErrRateLimited, e.RetryAfter.Round(time.Second))
}

// Is reports whether target is ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// GraphQLError is the first entry of a GraphQL answer's errors array.
type GraphQLError struct {
	// Message is Railway's message, made safe: one line, short, with the
	// token masked should Railway echo it.
	Message string
}

// Error returns "Railway API error: <message>".
func (e *GraphQLError) Error() string { return "Railway API error: " + e.Message }

// StatusError is an HTTP answer that is neither a GraphQL answer nor one of
// the statuses with an error of their own (401, 403, 429).
type StatusError struct {
	StatusCode int
}

// Error returns "Railway API answered HTTP 502".
func (e *StatusError) Error() string {
	return fmt.Sprintf("Railway API answered HTTP %d", e.StatusCode)
}

// transportError is a request that got no HTTP answer. Its text never
// quotes the URL or the underlying error, only a classification.
type transportError struct {
	problem string
	err     error
}

func (e *transportError) Error() string { return "Railway API not reachable: " + e.problem }

func (e *transportError) Unwrap() error { return e.err }

// transportProblem names why no answer came, in a few words.
func transportProblem(ctx context.Context, err error) string {
	var (
		dnsErr *net.DNSError
		netErr net.Error
		recErr tls.RecordHeaderError
	)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case ctx.Err() != nil:
		return "canceled"
	case errors.As(err, &dnsErr):
		return "cannot resolve " + dnsErr.Name
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &recErr):
		return "TLS handshake failed"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed without an answer"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	default:
		return "network error"
	}
}

// maxMessage bounds a message from Railway quoted in an error.
const maxMessage = 120

// sanitize makes a text from Railway safe for a one-line chat message: the
// token is masked, control characters and runs of white space become one
// space, and the length is bounded.
func sanitize(s, token string) string {
	if token != "" {
		s = strings.ReplaceAll(s, token, "[token]")
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	}), " ")
	if r := []rune(s); len(r) > maxMessage {
		s = string(r[:maxMessage-1]) + "…"
	}
	if s == "" {
		s = "no message"
	}
	return s
}
