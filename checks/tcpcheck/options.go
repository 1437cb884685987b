package tcpcheck

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// DefaultTimeout bounds a connect attempt when Options.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// Options configures one TCP check.
type Options struct {
	// Address is "host:port", e.g. "db.internal:27017" or "[::1]:5432".
	Address string
	// Timeout bounds the connect, DNS lookup included; default
	// DefaultTimeout. The caller's context deadline, when sooner, wins.
	Timeout time.Duration
	// WarnAfter warns when connecting takes longer; zero disables it.
	WarnAfter time.Duration
	// Now is the clock that times the connect; default time.Now.
	Now func() time.Time
}

// OptionError is a bad field in Options; see checks.OptionError.
type OptionError = checks.OptionError

func fieldError(field, format string, args ...any) error {
	return &OptionError{Type: "tcpcheck", Field: field, Err: fmt.Errorf(format, args...)}
}

// withDefaults returns o with defaults filled in and the address's host,
// or an OptionError for the first invalid field.
func (o Options) withDefaults() (Options, string, error) {
	if o.Address == "" {
		return o, "", fieldError("Address", "missing (write host:port)")
	}
	host, port, err := net.SplitHostPort(o.Address)
	if err != nil {
		var addrErr *net.AddrError
		if errors.As(err, &addrErr) {
			err = errors.New(addrErr.Err)
		}
		return o, "", fieldError("Address", "%q is not host:port: %v", o.Address, err)
	}
	if host == "" {
		return o, "", fieldError("Address", "%q has no host", o.Address)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return o, "", fieldError("Address", "port %q is not a number from 1 to 65535", port)
	}
	switch {
	case o.Timeout < 0:
		return o, "", fieldError("Timeout", "%s is negative", o.Timeout)
	case o.WarnAfter < 0:
		return o, "", fieldError("WarnAfter", "%s is negative", o.WarnAfter)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.WarnAfter >= o.Timeout {
		return o, "", fieldError("WarnAfter", "%s is not below Timeout (%s), so it could never warn", o.WarnAfter, o.Timeout)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, host, nil
}
