package actions

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/opsbot/opsbot/incident"
)

// HTTP sends one request, by default a POST of the incident as JSON to a
// webhook, and ignores the action name.
//
// A 2xx answer is a success, "HTTP 200" followed by the first 100
// characters of a text body if there is one; any other status is an error
// "HTTP 503: <the same>". Redirects are followed on the same host only
// (and never from https to http); a redirect elsewhere is an error. At
// most 64 KiB of the answer is read.
//
// Header values, the URL's userinfo, path and query are treated as
// secrets: errors name only the method and host ("POST to example.com:
// timed out"), and header values, userinfo, query values and long path
// segments are masked in the quoted body should the server echo them.
type HTTP struct {
	// Client sends the request; nil means a client of its own on
	// http.DefaultTransport. Its CheckRedirect, if any, runs after the
	// same-host rule. Deadlines come from Run's context.
	Client *http.Client
	// URL is the http(s) URL to send to; it may carry user:password@,
	// sent as basic authentication.
	URL string
	// Method defaults to POST.
	Method string
	// Headers are added to the request; they override the defaults
	// (Content-Type, User-Agent). "Host" sets the request's host.
	Headers map[string]string
	// Body is sent as it is, with Content-Type application/json when it is
	// JSON. When empty, a JSON object describing the incident is sent
	// ("incident", "check", "severity", "summary", "level", "opened_at"),
	// except by GET and HEAD, which send no body.
	Body string
}

const (
	// maxResponse bounds what is read of an answer.
	maxResponse = 64 << 10
	// maxSnippet bounds the part of an answer quoted.
	maxSnippet = 100
	// maxRedirects bounds the redirects followed, as net/http's default.
	maxRedirects = 10
	// userAgent is sent unless Headers sets one.
	userAgent = "opsbot-action"
)

// payload is the JSON body sent when Body is empty.
type payload struct {
	Incident string    `json:"incident"`
	Check    string    `json:"check"`
	Severity string    `json:"severity"`
	Summary  string    `json:"summary"`
	Level    int       `json:"level"`
	OpenedAt time.Time `json:"opened_at"`
}

// Run sends the request and reads the answer.
func (h HTTP) Run(ctx context.Context, inc incident.Incident, _ string) (string, error) {
	u, err := url.Parse(h.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// url.Parse's error quotes the URL: not repeated here.
		return "", errors.New("HTTP: URL is not an http(s) URL with a host")
	}
	method := cmp.Or(strings.TrimSpace(h.Method), http.MethodPost)
	if err := h.validate(method); err != nil {
		return "", err
	}
	body, isJSON := h.body(inc, method)
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return "", errors.New("HTTP: cannot build the request")
	}
	if isJSON {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", userAgent)
	for name, value := range h.Headers {
		if strings.EqualFold(name, "Host") {
			req.Host = value
			continue
		}
		req.Header.Set(name, value)
	}
	what := method + " to " + u.Host
	resp, err := h.client().Do(req)
	if err != nil {
		return "", netError(ctx, what+": ", err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return "", netError(ctx, what+": reading the answer: ", err)
	}
	return answer(resp, raw, h.secrets(u))
}
