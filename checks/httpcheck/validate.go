package httpcheck

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/opsbot/opsbot/checks"
)

// withDefaults returns o with defaults filled in and the URL parsed, or an
// OptionError for the first invalid field.
func (o Options) withDefaults() (Options, *url.URL, error) {
	u, err := parseURL(o.URL)
	if err != nil {
		return o, nil, err
	}
	if o.Method == "" {
		o.Method = DefaultMethod
	}
	o.Method = strings.ToUpper(o.Method)
	if !isToken(o.Method) {
		return o, nil, fieldError("Method", "%q is not an HTTP method", clip(o.Method, 20))
	}
	for name, v := range o.Headers {
		if !isToken(name) {
			return o, nil, fieldError("Headers", "%q is not a header name", clip(name, 40))
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			// The value may be a secret: name the header only.
			return o, nil, fieldError("Headers["+name+"]", "the value holds a line break or NUL")
		}
	}
	if len(o.ExpectStatus) == 0 {
		o.ExpectStatus = []int{200}
	}
	for i, code := range o.ExpectStatus {
		if code < 100 || code > 599 {
			return o, nil, fieldError(fmt.Sprintf("ExpectStatus[%d]", i), "%d is not an HTTP status (use 100-599)", code)
		}
	}
	for i, r := range o.BodyRules {
		if r.Status < checks.StatusOK || r.Status > checks.StatusCrit {
			return o, nil, fieldError(fmt.Sprintf("BodyRules[%d].Status", i), "%d is not ok, warn or crit", int(r.Status))
		}
		if strings.ContainsAny(r.Prefix, "\r\n") {
			return o, nil, fieldError(fmt.Sprintf("BodyRules[%d].Prefix", i), "holds a line break; rules match the first line")
		}
	}
	if err := o.checkLimits(); err != nil {
		return o, nil, err
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	return o, u, nil
}

// checkLimits validates the numeric limits.
func (o Options) checkLimits() error {
	switch {
	case o.MaxResponseTime < 0:
		return fieldError("MaxResponseTime", "%s is negative", o.MaxResponseTime)
	case o.TLSWarnDays < 0:
		return fieldError("TLSWarnDays", "%d is negative", o.TLSWarnDays)
	case o.TLSCritDays < 0:
		return fieldError("TLSCritDays", "%d is negative", o.TLSCritDays)
	case o.TLSWarnDays > 0 && o.TLSCritDays > o.TLSWarnDays:
		return fieldError("TLSCritDays", "%d is more than TLSWarnDays (%d); critical should come later", o.TLSCritDays, o.TLSWarnDays)
	case o.MaxBodyBytes < 0:
		return fieldError("MaxBodyBytes", "%d is negative", o.MaxBodyBytes)
	case o.Timeout < 0:
		return fieldError("Timeout", "%s is negative", o.Timeout)
	}
	return nil
}

// parseURL checks that raw is an absolute http(s) URL. Its errors never
// quote the userinfo or the query string.
func parseURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fieldError("URL", "missing")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // url.Error quotes the whole URL
		}
		return nil, fieldError("URL", "not a URL: %v", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return nil, fieldError("URL", "no scheme (start it with https:// or http://)")
	default:
		return nil, fieldError("URL", "scheme %q is not supported (use http or https)", clip(u.Scheme, 20))
	}
	if u.Hostname() == "" {
		return nil, fieldError("URL", "no host")
	}
	return u, nil
}

// compileConditions parses the configured JSON conditions.
func compileConditions(in []JSONCondition) ([]condition, error) {
	out := make([]condition, 0, len(in))
	for i, jc := range in {
		c, err := ParseCondition(jc.Expr)
		if err != nil {
			return nil, &OptionError{Type: "httpcheck", Field: fmt.Sprintf("Conditions[%d].Expr", i), Err: err}
		}
		sev := jc.Severity
		switch sev {
		case checks.StatusOK:
			sev = checks.StatusCrit
		case checks.StatusWarn, checks.StatusCrit:
		default:
			return nil, fieldError(fmt.Sprintf("Conditions[%d].Severity", i), "%d is not warn or crit", int(sev))
		}
		out = append(out, condition{Condition: c, severity: sev})
	}
	return out, nil
}

// isToken reports whether s is an RFC 9110 token, as method and header
// names must be.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
