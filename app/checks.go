package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/events"
	"github.com/opsbot/opsbot/checks/httpcheck"
	"github.com/opsbot/opsbot/checks/mongocheck"
	"github.com/opsbot/opsbot/checks/pgcheck"
	"github.com/opsbot/opsbot/checks/railway"
	"github.com/opsbot/opsbot/checks/tcpcheck"
	"github.com/opsbot/opsbot/checks/tgcheck"
	"github.com/opsbot/opsbot/config"
)

// checkSet is the configured checks, built and validated.
type checkSet struct {
	specs   []checks.Spec
	rules   []checks.Rule
	groups  map[string]string // check name -> group
	closers []func(context.Context) error
	http    *http.Transport
	// events receives the monitored service's signed events, when an
	// events check is configured; logs is the first logs check's source,
	// for /logs.
	events *events.Handler
	logs   *logScanner
	// eventTee counts the events for the digests, once the store is open.
	eventTee *eventTee
}

// buildChecks turns the checks section into runnable specs and rules. A
// check type's own validation (a JSON condition that does not parse, say)
// becomes a problem with the check's config path, so a bad check stops
// opsbot at start like any other config mistake.
func buildChecks(cfg *config.Checks) (*checkSet, error) {
	set := &checkSet{groups: map[string]string{}, http: httpcheck.NewTransport()}
	var problems []config.Problem
	for i := range cfg.List {
		c := &cfg.List[i]
		interval, timeout := c.Effective(cfg)
		checker, host, closer, err := set.buildChecker(c, timeout)
		if err != nil {
			problems = append(problems, config.Problem{Path: fmt.Sprintf("checks.list[%d].%s", i, c.Type()), Message: err.Error()})
			continue
		}
		if closer != nil {
			set.closers = append(set.closers, closer)
		}
		set.specs = append(set.specs, checks.Spec{Name: c.Name, Checker: checker, Interval: interval, Timeout: timeout, Host: host})
		set.groups[c.Name] = c.Group
	}
	rules, rp := buildRules(cfg)
	set.rules = rules
	problems = append(problems, rp...)
	if len(problems) > 0 {
		set.close(context.Background())
		return nil, &config.Error{Problems: problems}
	}
	return set, nil
}

func (s *checkSet) close(ctx context.Context) {
	for _, c := range s.closers {
		_ = c(ctx)
	}
	s.http.CloseIdleConnections()
}

type closer interface {
	Close(context.Context) error
}

func (set *checkSet) buildChecker(c *config.Check, timeout time.Duration) (checks.Checker, string, func(context.Context) error, error) {
	tr := set.http
	var (
		ch   checks.Checker
		host string
		err  error
	)
	switch {
	case c.HTTP != nil:
		h := c.HTTP
		headers := map[string]string{}
		for k, v := range h.Headers {
			headers[k] = v
		}
		for k, v := range h.SecretHeader {
			headers[k] = v
		}
		o := httpcheck.Options{
			URL: h.URL, Method: h.Method, Headers: headers, Body: h.Body, ExpectStatus: h.ExpectStatus,
			MaxResponseTime: h.MaxResponseTime, TLSWarnDays: h.TLSWarnDays, TLSCritDays: h.TLSCritDays,
			MaxBodyBytes: h.MaxBodyBytes, MaxRedirects: h.MaxRedirects, Timeout: timeout, Transport: tr,
		}
		if h.Verdict {
			o.BodyRules = httpcheck.DefaultBodyRules()
		}
		for _, e := range h.JSONCrit {
			o.Conditions = append(o.Conditions, httpcheck.JSONCondition{Expr: e, Severity: checks.StatusCrit})
		}
		for _, e := range h.JSONWarn {
			o.Conditions = append(o.Conditions, httpcheck.JSONCondition{Expr: e, Severity: checks.StatusWarn})
		}
		ch, err = httpcheck.New(o)
		host = checks.HostKey(h.URL)
	case c.TCP != nil:
		ch, err = tcpcheck.New(tcpcheck.Options{Address: c.TCP.Address, Timeout: timeout, WarnAfter: c.TCP.WarnAfter})
		host, _, _ = net.SplitHostPort(c.TCP.Address)
	case c.Telegram != nil:
		t := c.Telegram
		ch, err = tgcheck.New(tgcheck.Options{
			APIURL: t.APIURL, Token: t.Token, ExpectWebhookURL: t.ExpectWebhookURL,
			MaxPendingUpdates: t.MaxPendingUpdates, LastErrorWithin: t.LastErrorWithin, Timeout: timeout,
		})
		host = checks.HostKey(t.APIURL)
		if t.APIURL == "" {
			host = "api.telegram.org"
		}
	case c.MongoDB != nil:
		m := c.MongoDB
		o := mongocheck.Options{URI: m.URI, Database: m.Database, PingWarnAfter: m.PingWarnAfter, Timeout: timeout}
		if m.Count != nil {
			o.Count = &mongocheck.Count{Collection: m.Count.Collection, TimeField: m.Count.TimeField,
				Window: m.Count.Window, WarnAbove: m.Count.WarnAbove, CritAbove: m.Count.CritAbove}
		}
		ch, err = mongocheck.New(o)
	case c.Postgres != nil:
		ch, err = pgcheck.New(pgcheck.Options{URL: c.Postgres.URL, WarnAfter: c.Postgres.WarnAfter, Timeout: timeout})
	case c.Railway != nil:
		r := c.Railway
		o := railway.Options{
			URL: r.APIURL, Token: r.Token, ServiceID: r.ServiceID, EnvironmentID: r.EnvironmentID, ProjectID: r.ProjectID,
			Window: r.Window, CPUWarnPercent: r.CPUWarnPercent, CPUCritPercent: r.CPUCritPercent,
			MemWarnPercent: r.MemWarnPercent, MemCritPercent: r.MemCritPercent, Timeout: timeout,
		}
		if r.TokenKind != "" {
			if o.TokenKind, err = railway.ParseTokenKind(r.TokenKind); err != nil {
				return nil, "", nil, err
			}
		}
		ch, err = railway.NewCheck(o)
		host = "railway"
	case c.Logs != nil:
		ch, host, err = set.buildLogs(c.Logs, timeout)
	case c.Events != nil:
		ch, err = set.buildEvents(c.Events)
	default:
		return nil, "", nil, fmt.Errorf("no check type")
	}
	if err != nil {
		return nil, "", nil, err
	}
	var close func(context.Context) error
	if cl, ok := ch.(closer); ok {
		close = cl.Close
	}
	return ch, host, close, nil
}

// buildRules returns the default rules (when on) with the configured ones
// added; a configured rule named like a default replaces it.
func buildRules(cfg *config.Checks) ([]checks.Rule, []config.Problem) {
	var rules []checks.Rule
	if cfg.DefaultRules {
		rules = checks.DefaultRules()
	}
	var problems []config.Problem
	for i, r := range cfg.Rules {
		rule := checks.Rule{
			Name: r.Name, Summary: r.Summary, Severity: checks.Severity(r.Severity), Checks: r.Checks,
			For: r.For, RecoverFor: r.RecoverFor, EscalateAfter: r.EscalateAfter,
		}
		if rule.Summary == "" {
			rule.Summary = r.Name
		}
		bad := false
		for j, w := range r.When {
			cond, err := checks.ParseCondition(w)
			if err != nil {
				problems = append(problems, config.Problem{Path: fmt.Sprintf("checks.rules[%d].when[%d]", i, j), Message: err.Error()})
				bad = true
				continue
			}
			rule.When = append(rule.When, cond)
		}
		if bad {
			continue
		}
		replaced := false
		for k := range rules {
			if rules[k].Name == rule.Name {
				rules[k], replaced = rule, true
			}
		}
		if !replaced {
			rules = append(rules, rule)
		}
	}
	return rules, problems
}

// names returns the configured checks' names.
func (s *checkSet) names() []string {
	out := make([]string, len(s.specs))
	for i, sp := range s.specs {
		out[i] = sp.Name
	}
	return out
}
