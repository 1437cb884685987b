package tgcheck

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultAPIURL            = "https://api.telegram.org"
	DefaultMaxPendingUpdates = 100
	DefaultLastErrorWithin   = 10 * time.Minute
	DefaultTimeout           = 10 * time.Second
)

// Options configures a Telegram bot check. Token is a secret: it comes from
// the environment, and no Result or error ever contains it.
type Options struct {
	// APIURL is the Bot API base URL; default DefaultAPIURL.
	APIURL string

	// Token is the monitored bot's token ("123456:ABC-...").
	Token string

	// ExpectWebhookURL, when set, is the webhook URL the bot must have; a
	// different or missing webhook is critical. Empty skips the comparison
	// (a bot that polls has no webhook).
	ExpectWebhookURL string

	// MaxPendingUpdates warns when more updates than this wait for
	// delivery; default DefaultMaxPendingUpdates.
	MaxPendingUpdates int

	// LastErrorWithin warns when Telegram's last webhook delivery error is
	// more recent than this; default DefaultLastErrorWithin.
	LastErrorWithin time.Duration

	// Timeout bounds one run besides the caller's context; default
	// DefaultTimeout.
	Timeout time.Duration

	// HTTPClient sends the requests (to go through a proxy, say); default
	// a client on http.DefaultTransport that follows no redirect. Its
	// Timeout, if any, applies too.
	HTTPClient *http.Client

	// Now is the clock that dates Results and ages the last webhook error;
	// default time.Now.
	Now func() time.Time
}

// tokenRE is the shape of a bot token: the bot id, a colon, a secret.
var tokenRE = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// withDefaults returns o with defaults filled in, or an error naming the
// first invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.APIURL == "" {
		o.APIURL = DefaultAPIURL
	}
	o.APIURL = strings.TrimRight(o.APIURL, "/")
	if err := checkHTTPURL(o.APIURL); err != nil {
		return o, fieldError("APIURL", err.Error())
	}
	switch {
	case o.Token == "":
		return o, fieldError("Token", "missing (set it from the environment)")
	case !tokenRE.MatchString(o.Token):
		// Never quote the token itself.
		return o, fieldError("Token", `not shaped like a bot token ("<bot id>:<secret>")`)
	}
	if o.ExpectWebhookURL != "" {
		if err := checkHTTPURL(o.ExpectWebhookURL); err != nil {
			return o, fieldError("ExpectWebhookURL", err.Error())
		}
	}
	switch {
	case o.MaxPendingUpdates < 0:
		return o, fieldError("MaxPendingUpdates", fmt.Sprintf("%d is negative", o.MaxPendingUpdates))
	case o.MaxPendingUpdates == 0:
		o.MaxPendingUpdates = DefaultMaxPendingUpdates
	}
	switch {
	case o.LastErrorWithin < 0:
		return o, fieldError("LastErrorWithin", fmt.Sprintf("%v is negative", o.LastErrorWithin))
	case o.LastErrorWithin == 0:
		o.LastErrorWithin = DefaultLastErrorWithin
	}
	switch {
	case o.Timeout < 0:
		return o, fieldError("Timeout", fmt.Sprintf("%v is negative", o.Timeout))
	case o.Timeout == 0:
		o.Timeout = DefaultTimeout
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{
			// The token is in the path: never carry it to wherever a
			// redirect points. The Bot API does not redirect.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must start with https:// or http://")
	case u.Host == "":
		return errors.New("no host")
	}
	return nil
}

// OptionError is a bad field in Options; see checks.OptionError.
type OptionError = checks.OptionError

func fieldError(field, problem string) error {
	return &OptionError{Type: "tgcheck", Field: field, Err: errors.New(problem)}
}
