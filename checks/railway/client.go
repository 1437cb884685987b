package railway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultURL is the endpoint of Railway's public GraphQL API.
const DefaultURL = "https://backboard.railway.com/graphql/v2"

// maxBody bounds what is read of an answer. A metrics answer for a few
// series over a window of minutes is a few kilobytes.
const maxBody = 2 << 20

// TokenKind says which header carries the token.
type TokenKind string

// Token kinds. The zero value is TokenAccount.
const (
	// TokenAccount is an account token: "Authorization: Bearer <token>".
	TokenAccount TokenKind = "account"
	// TokenWorkspace is a workspace (formerly team) token; Railway takes it
	// as a bearer token too.
	TokenWorkspace TokenKind = "workspace"
	// TokenProject is a project token, scoped to one environment of one
	// project: "Project-Access-Token: <token>".
	TokenProject TokenKind = "project"
)

// ParseTokenKind maps a configuration string ("account", "workspace",
// "team", "project"; empty means account) to a TokenKind.
func ParseTokenKind(s string) (TokenKind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "account", "personal", "bearer":
		return TokenAccount, nil
	case "workspace", "team":
		return TokenWorkspace, nil
	case "project":
		return TokenProject, nil
	default:
		return "", fmt.Errorf("token kind %q is unknown (use account, workspace or project)", s)
	}
}

// ClientOptions configures NewClient.
type ClientOptions struct {
	// URL is the GraphQL endpoint; default DefaultURL.
	URL string
	// Token is the API token, a secret: no error ever contains it.
	Token string
	// TokenKind selects the header for Token; default TokenAccount.
	TokenKind TokenKind
	// HTTPClient sends the requests; default a client of its own on
	// http.DefaultTransport. Deadlines come from the callers' contexts.
	HTTPClient *http.Client
}

// Client calls Railway's public GraphQL API. It is safe for concurrent use.
type Client struct {
	url    string
	token  string
	kind   TokenKind
	client *http.Client
}

// NewClient returns a Client, or an error naming the first invalid option.
func NewClient(o ClientOptions) (*Client, error) {
	if o.URL == "" {
		o.URL = DefaultURL
	}
	if u, err := url.Parse(o.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("railway: URL must be an http(s) URL with a host")
	}
	if strings.TrimSpace(o.Token) == "" {
		return nil, errors.New("railway: Token is empty (set the Railway API token in the environment)")
	}
	kind, err := ParseTokenKind(string(o.TokenKind))
	if err != nil {
		return nil, fmt.Errorf("railway: TokenKind: %w", err)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	return &Client{url: o.URL, token: o.Token, kind: kind, client: o.HTTPClient}, nil
}

// request is a GraphQL request body.
type request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// answer is a GraphQL answer body.
type answer struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

// do posts one operation and decodes its data into out.
func (c *Client) do(ctx context.Context, op string, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(request{Query: query, OperationName: op, Variables: vars})
	if err != nil {
		return fmt.Errorf("railway: encoding %s: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return errors.New("railway: cannot build the request")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.kind == TokenProject {
		req.Header.Set("Project-Access-Token", c.token)
	} else {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return &transportError{problem: transportProblem(ctx, err), err: err}
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
		_ = resp.Body.Close()
	}()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return &transportError{problem: transportProblem(ctx, err), err: err}
	}
	if len(raw) > maxBody {
		return fmt.Errorf("railway: %s answer is larger than %d bytes", op, maxBody)
	}
	return c.decode(resp, raw, out)
}

// decode turns an HTTP answer into out or an error.
func (c *Client) decode(resp *http.Response, raw []byte, out any) error {
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return ErrUnauthorized
	case http.StatusTooManyRequests:
		return &RateLimitError{RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	}
	if resp.StatusCode >= 500 {
		// Whatever the body says, the status says more: Railway is down.
		return &StatusError{StatusCode: resp.StatusCode}
	}
	var a answer
	jsonErr := json.Unmarshal(raw, &a)
	if jsonErr == nil && len(a.Errors) > 0 {
		msg := sanitize(a.Errors[0].Message, c.token)
		if strings.Contains(strings.ToLower(msg), "not authorized") {
			return fmt.Errorf("%w (%s)", ErrUnauthorized, msg)
		}
		return &GraphQLError{Message: msg}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &StatusError{StatusCode: resp.StatusCode}
	}
	if jsonErr != nil {
		return errors.New("Railway API answer is not JSON")
	}
	if len(a.Data) == 0 || string(a.Data) == "null" {
		return errors.New("Railway API answered without data")
	}
	if err := json.Unmarshal(a.Data, out); err != nil {
		return errors.New("Railway API answer has an unexpected shape")
	}
	return nil
}

// maxRetryAfter caps a Retry-After in seconds (a day): beyond that the
// number is more likely garbage than advice.
const maxRetryAfter = 24 * 60 * 60

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(h string) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil {
		return time.Duration(min(max(s, 0), maxRetryAfter)) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return min(max(time.Until(t), 0), maxRetryAfter*time.Second)
	}
	return 0
}
