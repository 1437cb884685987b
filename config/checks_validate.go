package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var checkName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,39}$`)

func (c *Checks) validate(path string, add addFunc) {
	durationRange(add, path+".interval", c.Interval, 5*time.Second, 24*time.Hour, "")
	durationRange(add, path+".timeout", c.Timeout, 100*time.Millisecond, 5*time.Minute, "")
	intRange(add, path+".workers", c.Workers, 1, 1024)
	durationRange(add, path+".host_interval", c.HostInterval, 0, time.Minute, "0 turns the per-host limit off")
	durationRange(add, path+".history_retention", c.HistoryRetention, 24*time.Hour, 3*365*24*time.Hour, "")
	if c.PrimaryBaseURL != "" {
		if msg := httpURLProblem(c.PrimaryBaseURL); msg != "" {
			add(path+".primary_base_url", msg)
		}
	}
	rules := map[string]int{}
	for i, r := range c.Rules {
		p := fmt.Sprintf("%s.rules[%d]", path, i)
		switch {
		case !checkName.MatchString(r.Name):
			add(p+".name", fmt.Sprintf("%s is not a rule name (lower-case letters, digits, - _ . ; up to 40)", quote(r.Name)))
		case rules[r.Name] > 0:
			add(p+".name", fmt.Sprintf("%s is used twice (also %s.rules[%d])", quote(r.Name), path, rules[r.Name]-1))
		default:
			rules[r.Name] = i + 1
		}
		oneOf(add, p+".severity", r.Severity, "severity", "critical", "warning", "monitoring")
		if len(r.When) == 0 {
			add(p+".when", `needs at least one condition, like "status >= crit" or "response_ms > 5000"`)
		}
		durationRange(add, p+".for", r.For, 0, 7*24*time.Hour, "")
		durationRange(add, p+".recover_for", r.RecoverFor, 0, 7*24*time.Hour, "")
		durationRange(add, p+".escalate_after", r.EscalateAfter, 0, 7*24*time.Hour, "")
	}
	names := map[string]int{}
	events := 0
	for i := range c.List {
		ch := &c.List[i]
		p := fmt.Sprintf("%s.list[%d]", path, i)
		switch {
		case !checkName.MatchString(ch.Name):
			add(p+".name", fmt.Sprintf("%s is not a check name (lower-case letters, digits, - _ . ; up to 40)", quote(ch.Name)))
		case names[ch.Name] > 0:
			add(p+".name", fmt.Sprintf("%s is used twice (also %s.list[%d])", quote(ch.Name), path, names[ch.Name]-1))
		default:
			names[ch.Name] = i + 1
		}
		if ch.Group != "" && !checkName.MatchString(ch.Group) {
			add(p+".group", fmt.Sprintf("%s is not a group name (lower-case letters, digits, - _ .)", quote(ch.Group)))
		}
		if ch.Interval != 0 {
			durationRange(add, p+".interval", ch.Interval, 5*time.Second, 24*time.Hour, "0 means checks.interval")
		}
		if ch.Timeout != 0 {
			durationRange(add, p+".timeout", ch.Timeout, 100*time.Millisecond, 5*time.Minute, "0 means checks.timeout")
		}
		if iv, to := ch.effective(c); to > iv {
			add(p+".timeout", fmt.Sprintf("%s is longer than the interval %s", formatDuration(to), formatDuration(iv)))
		}
		var set []string
		for _, t := range ch.types() {
			if t.set {
				set = append(set, t.name)
			}
		}
		switch len(set) {
		case 0:
			add(p, "needs one type section: http, tcp, telegram, mongodb, postgres, railway, logs or events")
		case 1:
			ch.validateType(p, add)
			if ch.Events != nil {
				if events++; events > 1 {
					add(p+".events", "only one events check: there is one endpoint, POST /webhook/bot-events")
				}
			}
		default:
			add(p, fmt.Sprintf("has %s; a check has exactly one type", strings.Join(set, " and ")))
		}
	}
}

// effective returns the check's interval and timeout after defaults.
func (ch *Check) effective(c *Checks) (interval, timeout time.Duration) {
	interval, timeout = ch.Interval, ch.Timeout
	if interval == 0 {
		interval = c.Interval
	}
	if timeout == 0 {
		timeout = c.Timeout
	}
	return interval, timeout
}

// Effective returns the check's interval and timeout after the section's
// defaults.
func (ch *Check) Effective(c *Checks) (interval, timeout time.Duration) { return ch.effective(c) }

func (ch *Check) validateType(p string, add addFunc) {
	needEnv := func(path, name, value string) {
		switch {
		case name == "":
			add(path, "must name the environment variable that holds the secret")
		case value == "":
			add(path, name+" is not set")
		}
	}
	switch {
	case ch.HTTP != nil:
		h := ch.HTTP
		if msg := httpURLProblem(h.URL); msg != "" {
			add(p+".http.url", msg)
		}
		for i, s := range h.ExpectStatus {
			if s < 100 || s > 599 {
				add(fmt.Sprintf("%s.http.expect_status[%d]", p, i), fmt.Sprintf("%d is not an HTTP status (100-599)", s))
			}
		}
		for hdr, env := range h.HeadersEnv {
			needEnv(p+".http.headers_env."+hdr, env, h.SecretHeader[hdr])
		}
		if h.TLSCritDays < 0 || h.TLSWarnDays < 0 || (h.TLSWarnDays > 0 && h.TLSCritDays > h.TLSWarnDays) {
			add(p+".http.tls_crit_days", "days must be 0 or more, and tls_crit_days at most tls_warn_days")
		}
	case ch.TCP != nil:
		if _, port, err := net.SplitHostPort(ch.TCP.Address); err != nil || port == "" || port == "0" {
			add(p+".tcp.address", fmt.Sprintf("%s is not host:port", quote(ch.TCP.Address)))
		}
	case ch.Telegram != nil:
		needEnv(p+".telegram.token_env", ch.Telegram.TokenEnv, ch.Telegram.Token)
		if ch.Telegram.APIURL != "" {
			if msg := httpURLProblem(ch.Telegram.APIURL); msg != "" {
				add(p+".telegram.api_url", msg)
			}
		}
	case ch.MongoDB != nil:
		needEnv(p+".mongodb.uri_env", ch.MongoDB.URIEnv, ch.MongoDB.URI)
		if m := ch.MongoDB.Count; m != nil && (m.Collection == "" || m.TimeField == "" || m.Window <= 0) {
			add(p+".mongodb.count", "needs collection, time_field and a window above 0")
		}
	case ch.Postgres != nil:
		needEnv(p+".postgres.url_env", ch.Postgres.URLEnv, ch.Postgres.URL)
	case ch.Logs != nil:
		l := ch.Logs
		n := 0
		for _, set := range []bool{len(l.Command) > 0, l.File != "", l.URL != ""} {
			if set {
				n++
			}
		}
		if n != 1 {
			add(p+".logs", "needs exactly one source: command, file or url")
		}
		if l.URL != "" {
			if msg := httpURLProblem(l.URL); msg != "" {
				add(p+".logs.url", msg)
			}
		}
		for hdr, env := range l.HeadersEnv {
			needEnv(p+".logs.headers_env."+hdr, env, l.SecretHeader[hdr])
		}
		if l.Window != 0 {
			durationRange(add, p+".logs.window", l.Window, time.Minute, 31*24*time.Hour, "0 means 1h")
		}
	case ch.Events != nil:
		needEnv(p+".events.secret_env", ch.Events.SecretEnv, ch.Events.Secret)
	case ch.Railway != nil:
		r := ch.Railway
		needEnv(p+".railway.token_env", r.TokenEnv, r.Token)
		if r.ServiceID == "" {
			add(p+".railway.service_id", "must be set (Railway service → Settings, or RAILWAY_SERVICE_ID)")
		}
		if r.EnvironmentID == "" {
			add(p+".railway.environment_id", "must be set (RAILWAY_ENVIRONMENT_ID)")
		}
		if r.TokenKind != "" {
			oneOf(add, p+".railway.token_kind", r.TokenKind, "token kind", "account", "workspace", "team", "project")
		}
	}
}

// httpURLProblem says what is wrong with an absolute http(s) URL, or "".
func httpURLProblem(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%s is not an absolute http(s) URL", quote(redactURL(raw)))
	}
	return ""
}

// redactURL drops a URL's user info and query, which may hold secrets.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

func intRange(add addFunc, path string, v, lo, hi int) {
	if v < lo || v > hi {
		add(path, fmt.Sprintf("must be between %d and %d, got %d", lo, hi, v))
	}
}
