package httpcheck

import (
	"net/http"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// Defaults that New applies to zero Options fields.
const (
	DefaultMethod       = http.MethodGet
	DefaultMaxBodyBytes = 1 << 20
	DefaultMaxRedirects = 5
	DefaultTimeout      = 10 * time.Second
)

// Options configures one HTTP check. The zero value of every field but URL
// is usable; New fills in the defaults.
type Options struct {
	// URL is the http or https URL to request. Its userinfo and query
	// string may carry tokens; no Result message quotes them.
	URL string

	// Method is the request method; default DefaultMethod (GET).
	Method string

	// Headers are sent with every request. A "Host" entry sets the
	// request's Host. Values may be secrets and never appear in a Result.
	Headers map[string]string

	// Body is sent as the request body when not empty. No Content-Type
	// is added: set one in Headers.
	Body string

	// ExpectStatus lists the acceptable status codes; default [200].
	// Any other code is critical.
	ExpectStatus []int

	// BodyRules judge the body's first non-blank line, as the primary's
	// plain-text /health answers; see DefaultBodyRules. The first rule
	// whose Prefix the line starts with sets the status, and a non-ok
	// verdict line becomes the message; an empty Prefix matches any line.
	// A body no rule matches is critical ("unexpected body: ..."). Nil
	// skips the body verdict.
	BodyRules []BodyRule

	// Conditions are checked against the body decoded as JSON, e.g.
	// {Expr: "status == healthy"}; a body that is not JSON is critical.
	// The JSON numbers they name are recorded in Result.Metrics under
	// their path, e.g. "metrics.error_rate_percent".
	Conditions []JSONCondition

	// MaxResponseTime warns when the response (headers and body) takes
	// longer; zero disables it.
	MaxResponseTime time.Duration

	// TLSWarnDays and TLSCritDays warn and alarm when the server's leaf
	// certificate expires within that many days; zero disables each.
	TLSWarnDays int
	TLSCritDays int

	// MaxBodyBytes bounds how much of the body is read; a longer body is
	// critical, whether or not the check inspects it. Default
	// DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64

	// MaxRedirects is how many redirects are followed before the run
	// fails with "too many redirects"; default DefaultMaxRedirects. A
	// negative value follows none: the redirect response itself is judged.
	MaxRedirects int

	// Timeout bounds one run, headers and body; default DefaultTimeout.
	// The caller's context deadline, when sooner, wins.
	Timeout time.Duration

	// Transport sends the requests. Share one (see NewTransport) between
	// many Checkers to reuse connections; default a Transport of the
	// Checker's own, made once by New.
	Transport http.RoundTripper

	// Client, when set, replaces the client built from Transport (tests
	// use it to trust a test CA). A nil CheckRedirect is replaced by the
	// MaxRedirects policy; the client's own Timeout, if any, applies too.
	Client *http.Client

	// Now is the clock that times the response and counts the
	// certificate's days left; default time.Now.
	Now func() time.Time
}

// JSONCondition is one condition on a JSON body as configured: an
// expression for ParseCondition and the status it sets when it fails.
type JSONCondition struct {
	// Expr is "path operator value", e.g. "components.database.mongodb.status == connected".
	Expr string
	// Severity is checks.StatusWarn or checks.StatusCrit. The zero value
	// (checks.StatusOK) means checks.StatusCrit.
	Severity checks.Status
}

// BodyRule maps a verdict line's prefix to a status.
type BodyRule struct {
	Prefix string
	Status checks.Status
}

// DefaultBodyRules returns the rules for the primary's plain-text /health:
// "HEALTHY" is ok, "DEGRADED - ..." warns, "UNHEALTHY - ..." is critical.
func DefaultBodyRules() []BodyRule {
	return []BodyRule{
		{Prefix: "HEALTHY", Status: checks.StatusOK},
		{Prefix: "DEGRADED", Status: checks.StatusWarn},
		{Prefix: "UNHEALTHY", Status: checks.StatusCrit},
	}
}
