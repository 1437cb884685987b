package pgcheck

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opsbot/opsbot/checks"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultWarnAfter = time.Second
	DefaultTimeout   = 10 * time.Second
)

// Options configures a PostgreSQL check. URL is a secret: it comes from the
// environment, and no Result or error ever contains it or its password.
type Options struct {
	// URL is the connection string, as a URL
	// (postgres://user:password@host:5432/db?sslmode=require) or in
	// keyword/value form (host=... user=... password=...). Supabase gives
	// both the direct host and the pooler's; either works.
	URL string

	// WarnAfter warns when connecting and running "select 1" take longer;
	// default DefaultWarnAfter.
	WarnAfter time.Duration

	// Timeout bounds one run besides the caller's context; default
	// DefaultTimeout.
	Timeout time.Duration

	// Now dates Results; default time.Now.
	Now func() time.Time
}

// withDefaults returns o with defaults filled in and its URL parsed, or an
// error naming the first invalid field.
func (o Options) withDefaults() (Options, *pgx.ConnConfig, error) {
	if o.URL == "" {
		return o, nil, fieldError("URL", "missing (set it from the environment)")
	}
	cfg, err := pgx.ParseConfig(o.URL)
	if err != nil {
		// The parser's errors can quote the string, password included.
		return o, nil, fieldError("URL", "not a PostgreSQL connection string (postgres://user:password@host:5432/database)")
	}
	switch {
	case o.WarnAfter < 0:
		return o, nil, fieldError("WarnAfter", fmt.Sprintf("%v is negative", o.WarnAfter))
	case o.WarnAfter == 0:
		o.WarnAfter = DefaultWarnAfter
	}
	switch {
	case o.Timeout < 0:
		return o, nil, fieldError("Timeout", fmt.Sprintf("%v is negative", o.Timeout))
	case o.Timeout == 0:
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, cfg, nil
}

// OptionError is a bad field in Options; see checks.OptionError.
type OptionError = checks.OptionError

func fieldError(field, problem string) error {
	return &OptionError{Type: "pgcheck", Field: field, Err: errors.New(problem)}
}
