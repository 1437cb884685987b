package mongocheck

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/opsbot/opsbot/checks"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultPingWarnAfter  = 500 * time.Millisecond
	DefaultConnectTimeout = 5 * time.Second
	DefaultTimeout        = 10 * time.Second
)

// Options configures a MongoDB check. URI is a secret: it comes from the
// environment, and no Result or error ever contains it or its credentials.
type Options struct {
	// URI is the connection string (mongodb:// or mongodb+srv://).
	URI string

	// Database is the database Count reads; default the one named in the
	// URI's path. The ping does not need one.
	Database string

	// PingWarnAfter warns when a ping takes longer; default
	// DefaultPingWarnAfter.
	PingWarnAfter time.Duration

	// Count, when set, also counts recent documents in a collection.
	Count *Count

	// ConnectTimeout bounds finding and connecting to a server, so an
	// unreachable database fails fast; default DefaultConnectTimeout.
	ConnectTimeout time.Duration

	// Timeout bounds one run besides the caller's context; default
	// DefaultTimeout.
	Timeout time.Duration

	// Now is the clock that places Count's window and dates Results;
	// default time.Now.
	Now func() time.Time
}

// Count counts the documents of Collection whose TimeField (a BSON date) is
// within Window before now, e.g. security_events with a timestamp in the
// last hour. A limit of 0 is no limit.
type Count struct {
	Collection string
	TimeField  string
	Window     time.Duration
	// WarnAbove and CritAbove are the largest counts that are still fine.
	WarnAbove int64
	CritAbove int64
}

// withDefaults returns o with defaults filled in, or an error naming the
// first invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.URI == "" {
		return o, fieldError("URI", "missing (set it from the environment)")
	}
	cs, err := parseURI(o.URI)
	if err != nil {
		problem := "not a MongoDB connection string"
		if reason := err.Error(); !mentionsCredentials(reason, o.URI) {
			problem += ": " + reason
		}
		return o, fieldError("URI", problem)
	}
	if o.Database == "" {
		o.Database = cs.Database
	}
	if o.PingWarnAfter, err = positive("PingWarnAfter", o.PingWarnAfter, DefaultPingWarnAfter); err != nil {
		return o, err
	}
	if o.ConnectTimeout, err = positive("ConnectTimeout", o.ConnectTimeout, DefaultConnectTimeout); err != nil {
		return o, err
	}
	if o.Timeout, err = positive("Timeout", o.Timeout, DefaultTimeout); err != nil {
		return o, err
	}
	if o.Count != nil {
		count := *o.Count // the caller's struct may change after New
		o.Count = &count
		if err := o.Count.validate(); err != nil {
			return o, err
		}
		if o.Database == "" {
			return o, fieldError("Database", "missing (Count needs one; set it or name it in the URI)")
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

func (c *Count) validate() error {
	switch {
	case c.Collection == "":
		return fieldError("Count.Collection", "missing")
	case c.TimeField == "":
		return fieldError("Count.TimeField", "missing")
	case c.Window <= 0:
		return fieldError("Count.Window", fmt.Sprintf("%v is not positive", c.Window))
	case c.WarnAbove < 0:
		return fieldError("Count.WarnAbove", fmt.Sprintf("%d is negative", c.WarnAbove))
	case c.CritAbove < 0:
		return fieldError("Count.CritAbove", fmt.Sprintf("%d is negative", c.CritAbove))
	case c.WarnAbove > 0 && c.CritAbove > 0 && c.CritAbove < c.WarnAbove:
		return fieldError("Count.CritAbove", fmt.Sprintf("%d is below Count.WarnAbove %d", c.CritAbove, c.WarnAbove))
	}
	return nil
}

// parseURI parses and validates a connection string without touching the
// network. The driver resolves a mongodb+srv URI's SRV and TXT records while
// parsing it; an SRV URI is checked as the plain URI it is shaped like
// instead (one host, no port; the SRV-only options set aside).
func parseURI(uri string) (*connstring.ConnString, error) {
	rest, srv := strings.CutPrefix(uri, connstring.SchemeMongoDBSRV+"://")
	if !srv {
		return connstring.ParseAndValidate(uri)
	}
	host := rest[strings.LastIndexByte(rest, '@')+1:]
	if i := strings.IndexAny(host, "/?"); i >= 0 {
		host = host[:i]
	}
	switch {
	case host == "":
		return nil, errors.New("no host")
	case strings.Contains(host, ","):
		return nil, errors.New("a mongodb+srv URI names one host")
	case strings.Contains(host, ":"):
		return nil, errors.New("a mongodb+srv URI has no port")
	}
	if base, query, ok := strings.Cut(rest, "?"); ok {
		var kept []string
		for _, opt := range strings.Split(query, "&") {
			key, _, _ := strings.Cut(opt, "=")
			if k := strings.ToLower(key); k != "srvmaxhosts" && k != "srvservicename" {
				kept = append(kept, opt)
			}
		}
		rest = base + "?" + strings.Join(kept, "&")
	}
	return connstring.ParseAndValidate(connstring.SchemeMongoDB + "://" + rest)
}

// positive returns d, or def when d is zero, or an error when d is negative.
func positive(field string, d, def time.Duration) (time.Duration, error) {
	switch {
	case d < 0:
		return 0, fieldError(field, fmt.Sprintf("%v is negative", d))
	case d == 0:
		return def, nil
	}
	return d, nil
}

// mentionsCredentials reports whether text quotes a secret of uri: its
// user information ("user:password@"), whole or in part, or the value of
// an option about authentication, keys or certificates, raw or unescaped.
// It errs on the side of yes: the user information ends at the last '@'.
func mentionsCredentials(text, uri string) bool {
	_, rest, ok := strings.Cut(uri, "://")
	if !ok {
		rest = uri
	}
	var secrets []string
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		userinfo := rest[:at]
		secrets = append(secrets, userinfo)
		secrets = append(secrets, strings.Split(userinfo, ":")...)
		rest = rest[at+1:]
	}
	if _, query, ok := strings.Cut(rest, "?"); ok {
		for _, opt := range strings.Split(query, "&") {
			key, value, _ := strings.Cut(opt, "=")
			if secretOption(key) {
				secrets = append(secrets, value)
				secrets = append(secrets, strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ':' })...)
			}
		}
	}
	for _, s := range secrets { // the range is over the slice as it was
		if u, err := url.PathUnescape(s); err == nil {
			secrets = append(secrets, u)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// secretOption reports whether a URI option may carry a secret
// (authMechanismProperties, tlsCertificateKeyFilePassword, ...).
func secretOption(key string) bool {
	key = strings.ToLower(key)
	for _, s := range []string{"auth", "password", "key", "token", "secret", "cert"} {
		if strings.Contains(key, s) {
			return true
		}
	}
	return false
}

// OptionError is a bad field in Options; see checks.OptionError.
type OptionError = checks.OptionError

func fieldError(field, problem string) error {
	return &OptionError{Type: "mongocheck", Field: field, Err: errors.New(problem)}
}
