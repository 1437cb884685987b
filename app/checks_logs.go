package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/events"
	"github.com/opsbot/opsbot/checks/logcheck"
	"github.com/opsbot/opsbot/config"
)

const defaultLogWindow = time.Hour

// logScanner reads a log source on demand, for /logs.
type logScanner struct {
	source  logcheck.Source
	classes []logcheck.Class
	now     func() time.Time
}

// ScanLogs reads the last since of the log and counts the classes; a filter
// that is not a class name becomes one more class matching that text.
func (l *logScanner) ScanLogs(ctx context.Context, since time.Duration, filter string) (logcheck.Report, error) {
	classes := l.classes
	if filter != "" {
		known := false
		for _, c := range classes {
			known = known || c.Name == filter
		}
		if !known {
			classes = append(append([]logcheck.Class(nil), classes...), logcheck.Class{Name: "match", Pattern: regexp.QuoteMeta(filter)})
		}
	}
	an, err := logcheck.NewAnalyzer(logcheck.AnalyzerOptions{Classes: classes, Keep: 30})
	if err != nil {
		return logcheck.Report{}, err
	}
	rc, err := l.source.Open(ctx, since)
	if err != nil {
		return logcheck.Report{}, err
	}
	defer rc.Close()
	return an.Analyze(rc, l.now(), since)
}

// Source names the log source, for the chat.
func (l *logScanner) Source() string { return l.source.String() }

func (set *checkSet) buildLogs(c *config.LogsCheck, timeout time.Duration) (checks.Checker, string, error) {
	var src logcheck.Source
	host := ""
	switch {
	case len(c.Command) > 0:
		src = &logcheck.Command{Args: c.Command, Env: c.Env, LookupEnv: os.LookupEnv}
	case c.File != "":
		src = &logcheck.File{Path: c.File}
	default:
		h := http.Header{}
		for k, v := range c.SecretHeader {
			h.Set(k, v)
		}
		src = &logcheck.HTTP{URL: c.URL, Header: h, Client: &http.Client{Transport: set.http, Timeout: timeout}}
		host = checks.HostKey(c.URL)
	}
	classes := logcheck.DefaultClasses()
	for _, extra := range c.Classes {
		cl := logcheck.Class{Name: extra.Name, Pattern: extra.Pattern, CaseSensitive: extra.CaseSensitive}
		replaced := false
		for i := range classes {
			if classes[i].Name == cl.Name {
				classes[i], replaced = cl, true
			}
		}
		if !replaced {
			classes = append(classes, cl)
		}
	}
	var thresholds []logcheck.Threshold
	for _, t := range c.Thresholds {
		th := logcheck.Threshold{Metric: t.Metric}
		if t.WarnAbove > 0 {
			th.WarnAbove = logcheck.Limit(t.WarnAbove)
		}
		if t.CritAbove > 0 {
			th.CritAbove = logcheck.Limit(t.CritAbove)
		}
		thresholds = append(thresholds, th)
	}
	window := c.Window
	if window == 0 {
		window = defaultLogWindow
	}
	ch, err := logcheck.New(logcheck.Options{Source: src, Window: window, Classes: classes, Thresholds: thresholds, MinRequests: c.MinRequests})
	if err != nil {
		return nil, "", err
	}
	if set.logs == nil {
		set.logs = &logScanner{source: src, classes: classes, now: time.Now}
	}
	return ch, host, nil
}

func (set *checkSet) buildEvents(c *config.EventsCheck) (checks.Checker, error) {
	store := events.NewMemory(1000)
	set.eventTee = newEventTee(store)
	h, err := events.NewHandler(events.Options{Secret: []byte(c.Secret), Sink: set.eventTee})
	if err != nil {
		return nil, err
	}
	o := events.CheckerOptions{Window: c.Window, FileFailureWarnPercent: c.FileFailureWarnPercent, MinFiles: c.MinFiles, Silence: c.Silence}
	if c.SecurityWarnAbove > 0 {
		o.SecurityWarnAbove = &c.SecurityWarnAbove
	}
	ch, err := events.NewChecker(o, store)
	if err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	set.events = h
	return ch, nil
}

// routes are the HTTP endpoints the checks add: the events webhook.
func (set *checkSet) routes() map[string]http.Handler {
	if set.events == nil {
		return nil
	}
	return map[string]http.Handler{events.Path: set.events}
}

// noLogs answers /logs when no log source is configured.
type noLogs struct{}

func (noLogs) ScanLogs(context.Context, time.Duration, string) (logcheck.Report, error) {
	return logcheck.Report{}, errNoLogs
}

func (noLogs) Source() string { return "" }

var errNoLogs = errors.New("no log source is configured: add a check with a logs section (see opsbot.example.yaml)")
