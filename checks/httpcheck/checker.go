package httpcheck

import (
	"cmp"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// Checker runs one configured HTTP check. It is safe for concurrent use.
type Checker struct {
	// req is the request template; each run sends a clone.
	req     *http.Request
	body    string
	client  *http.Client
	expect  []int
	rules   []BodyRule
	conds   []condition
	maxResp time.Duration
	tlsWarn int
	tlsCrit int
	maxBody int64
	timeout time.Duration
	now     func() time.Time
	host    string
	target  string
	// secrets are header values and URL credentials that must never
	// reach a message, longest first.
	secrets []string
}

// condition is a parsed JSON condition and the status it sets on failure.
type condition struct {
	Condition
	severity checks.Status
}

var _ checks.Checker = (*Checker)(nil)

// New validates o and builds its Checker, an *httpcheck.Checker. An invalid
// field gives an *OptionError naming it.
func New(o Options) (checks.Checker, error) {
	c, err := newChecker(o)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// newChecker is New with the concrete type.
func newChecker(o Options) (*Checker, error) {
	o, u, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	conds, err := compileConditions(o.Conditions)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(o.Method, u.String(), nil)
	if err != nil {
		return nil, fieldError("URL", "cannot build a request: %v", cause(err))
	}
	req.Header.Set("User-Agent", "opsbot-httpcheck")
	for name, v := range o.Headers {
		if http.CanonicalHeaderKey(name) == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(name, v)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	c := &Checker{
		req:     req,
		body:    o.Body,
		client:  buildClient(o),
		expect:  slices.Clone(o.ExpectStatus),
		rules:   slices.Clone(o.BodyRules),
		conds:   conds,
		maxResp: o.MaxResponseTime,
		tlsWarn: o.TLSWarnDays,
		tlsCrit: o.TLSCritDays,
		maxBody: o.MaxBodyBytes,
		timeout: o.Timeout,
		now:     o.Now,
		host:    strings.ToLower(u.Hostname()),
		target:  safeURL(u),
		secrets: secretsOf(u, o.Headers),
	}
	return c, nil
}

// buildClient returns o.Client with the redirect policy, or a client on
// o.Transport (a new NewTransport when nil).
func buildClient(o Options) *http.Client {
	if o.Client != nil {
		c := *o.Client
		if c.CheckRedirect == nil {
			c.CheckRedirect = redirectPolicy(o.MaxRedirects)
		}
		return &c
	}
	rt := o.Transport
	if rt == nil {
		rt = NewTransport()
	}
	return &http.Client{Transport: rt, CheckRedirect: redirectPolicy(o.MaxRedirects)}
}

// Host returns the lower-case host name the check requests, without the
// port: the key for a per-host rate limit.
func (c *Checker) Host() string { return c.host }

// Target returns the URL without userinfo, query or fragment, safe to show
// in a chat.
func (c *Checker) Target() string { return c.target }

// CloseIdleConnections closes the idle keep-alive connections of the
// Checker's client.
func (c *Checker) CloseIdleConnections() { c.client.CloseIdleConnections() }

// Check sends one request and judges the answer. It returns within the
// Checker's Timeout or ctx's deadline, whichever is sooner.
func (c *Checker) Check(ctx context.Context) checks.Result {
	budget := c.timeout
	if c.client.Timeout > 0 {
		budget = min(budget, c.client.Timeout)
	}
	if dl, ok := ctx.Deadline(); ok {
		budget = min(budget, time.Until(dl))
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	start := c.now()
	x := c.fetch(ctx)
	end := c.now()
	elapsed := max(end.Sub(start), 0)

	var res checks.Result
	if x.err != nil {
		res = c.failed(x, describeError(ctx, x.err, budget, end), elapsed)
	} else {
		res = c.judge(x, elapsed, end)
	}
	res.Message = c.scrub(res.Message)
	res.Duration = elapsed
	res.ObservedAt = end
	return res
}

// exchange is what one run got back.
type exchange struct {
	resp   *http.Response // Body is closed; nil when no answer came
	body   []byte
	tooBig bool
	err    error
}

// fetch sends the request and reads at most maxBody bytes of the answer.
func (c *Checker) fetch(ctx context.Context) exchange {
	req := c.req.Clone(ctx)
	if c.body != "" {
		body := c.body
		req.ContentLength = int64(len(body))
		req.Body = io.NopCloser(strings.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(body)), nil
		}
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return exchange{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	x := exchange{resp: resp, body: body, err: err}
	if int64(len(body)) > c.maxBody {
		x.body, x.tooBig = body[:c.maxBody], true
	}
	return x
}

// failed is the Result of a run that got no complete answer.
func (c *Checker) failed(x exchange, msg string, elapsed time.Duration) checks.Result {
	res := checks.Result{
		Status:  checks.StatusCrit,
		Value:   millis(elapsed),
		Unit:    "ms",
		Message: msg,
		Metrics: map[string]float64{"response_ms": millis(elapsed)},
	}
	if x.resp != nil {
		res.Metrics["status_code"] = float64(x.resp.StatusCode)
	}
	return res
}

// scrub replaces every configured secret in msg, and the start of a
// secret that a clip cut off: texts from the target are clipped before
// they are scrubbed, so a secret can end in "…" half shown.
func (c *Checker) scrub(msg string) string {
	for _, s := range c.secrets {
		msg = strings.ReplaceAll(msg, s, "***")
	}
	parts := strings.Split(msg, "…")
	for i := range len(parts) - 1 {
		parts[i] = maskCutSecret(parts[i], c.secrets)
	}
	return strings.Join(parts, "…")
}

// minCut is the shortest start of a secret masked before an ellipsis:
// shorter ones give nothing away and would garble ordinary cut texts.
const minCut = 3

// maskCutSecret masks the longest start of a secret that text ends with.
func maskCutSecret(text string, secrets []string) string {
	longest := 0
	for _, s := range secrets {
		for i := range s { // i is at a rune boundary: s[:i] is whole runes
			if i >= minCut && i > longest && strings.HasSuffix(text, s[:i]) {
				longest = i
			}
		}
	}
	if longest == 0 {
		return text
	}
	return text[:len(text)-longest] + "***"
}

// minSecret is the shortest value scrubbed from messages: shorter ones
// would garble ordinary text and are no real secret.
const minSecret = 4

// secretsOf collects the values no message may show: header values and
// the credential in each ("Bearer <token>": the token alone too), the
// URL's userinfo and the basic credential it is sent as, its query string
// and query values, longest first.
func secretsOf(u *url.URL, headers map[string]string) []string {
	var out []string
	add := func(s string) {
		if len(s) >= minSecret && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, v := range headers {
		add(v)
		if fields := strings.Fields(v); len(fields) > 1 {
			for _, f := range fields[1:] {
				add(f)
			}
		}
	}
	if u.User != nil {
		add(u.User.Username())
		p, ok := u.User.Password()
		if ok {
			add(p)
		}
		add(base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + p)))
	}
	add(u.RawQuery)
	for _, vs := range u.Query() {
		for _, v := range vs {
			add(v)
			add(url.QueryEscape(v))
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return out
}

// safeURL returns u without userinfo, query and fragment.
func safeURL(u *url.URL) string {
	s := *u
	s.User, s.RawQuery, s.ForceQuery, s.Fragment, s.RawFragment = nil, "", false, "", ""
	return s.String()
}
