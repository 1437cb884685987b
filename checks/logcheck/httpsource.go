package logcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// HTTP is a Source that GETs log text from a URL, e.g. a log service's
// export endpoint. SinceArg in the URL is replaced by the window. A status
// other than 2xx is an error; a body over MaxBytes is ErrOutputLimit.
type HTTP struct {
	URL string
	// Header is sent with the request (e.g. Authorization).
	Header http.Header
	// Client sends the request (default: a new http.Client; the check's
	// context bounds the time).
	Client *http.Client
	// MaxBytes bounds the body (default DefaultMaxBytes).
	MaxBytes int64
}

var _ Source = (*HTTP)(nil)

// String returns "GET scheme://host/path", without credentials or query.
func (h *HTTP) String() string {
	u, err := url.Parse(h.URL)
	if err != nil || u.Host == "" {
		return "GET (invalid URL)"
	}
	return "GET " + shorten(u.Scheme+"://"+u.Host+u.EscapedPath(), 120)
}

// Open sends the request and returns the body.
func (h *HTTP) Open(ctx context.Context, window time.Duration) (io.ReadCloser, error) {
	raw := strings.ReplaceAll(h.URL, SinceArg, url.QueryEscape(FormatSince(window)))
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("log URL is not an http(s) URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: bad request", h)
	}
	for k, vs := range h.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	client := h.Client
	if client == nil {
		client = &http.Client{}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", h, describeHTTPError(ctx, err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		return nil, fmt.Errorf("%s returned HTTP %d", h, resp.StatusCode)
	}
	limit := h.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	return readCloser{
		Reader: &limitReader{r: resp.Body, n: limit, what: h.String()},
		Closer: resp.Body,
	}, nil
}

// describeHTTPError says in a few words why a request failed.
func describeHTTPError(ctx context.Context, err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(ctx.Err(), context.Canceled):
		return "canceled"
	case errors.As(err, &dnsErr):
		return "host not found"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	default:
		return "request failed"
	}
}
