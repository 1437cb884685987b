package tgcheck

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"unicode"
)

// maxBody bounds what is read of an answer; getMe and getWebhookInfo
// answer a few hundred bytes.
const maxBody = 1 << 20

// user is the part of getMe's User that the check reports.
type user struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

// webhookInfo is getWebhookInfo's WebhookInfo.
type webhookInfo struct {
	URL                string `json:"url"`
	PendingUpdateCount int    `json:"pending_update_count"`
	LastErrorDate      int64  `json:"last_error_date"`
	LastErrorMessage   string `json:"last_error_message"`
}

// apiAnswer is the Bot API's envelope.
type apiAnswer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

// failure is a failed call, described safely for a chat.
type failure struct {
	// unreachable is set when no HTTP answer came back.
	unreachable bool
	msg         string
}

// call invokes a parameterless Bot API method and decodes its result into
// out. The request URL holds the token, so transport errors (whose text
// quotes the URL) are classified, never printed.
func (c *Checker) call(ctx context.Context, method string, out any) *failure {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.o.APIURL+"/bot"+c.o.Token+"/"+method, nil)
	if err != nil {
		return &failure{msg: method + ": cannot build the request"}
	}
	resp, err := c.o.HTTPClient.Do(req)
	if err != nil {
		return &failure{unreachable: true, msg: "Bot API not reachable: " + transportProblem(ctx, err)}
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
		_ = resp.Body.Close()
	}()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return &failure{unreachable: true, msg: "Bot API not reachable: " + transportProblem(ctx, err)}
	}
	var a apiAnswer
	if err := json.Unmarshal(body, &a); err != nil || (!a.OK && a.ErrorCode == 0 && a.Description == "") {
		return &failure{msg: fmt.Sprintf("%s: HTTP %s, not a Bot API answer", method, resp.Status)}
	}
	if !a.OK {
		code := a.ErrorCode
		if code == 0 {
			code = resp.StatusCode
		}
		desc := c.sanitize(a.Description)
		if desc == "" {
			desc = http.StatusText(code)
		}
		return &failure{msg: fmt.Sprintf("%s: %d %s", method, code, desc)}
	}
	if err := json.Unmarshal(a.Result, out); err != nil {
		return &failure{msg: method + ": unexpected result"}
	}
	return nil
}

// transportProblem names why no answer came, in a few words.
func transportProblem(ctx context.Context, err error) string {
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		netErr  net.Error
	)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case ctx.Err() != nil:
		return "cancelled"
	case errors.As(err, &dnsErr):
		return "cannot resolve " + dnsErr.Name
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host"
	case errors.As(err, &certErr):
		return "TLS certificate not trusted"
	case errors.As(err, &recErr):
		return "TLS handshake failed (not an HTTPS server?)"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed without an answer"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	default:
		return "network error"
	}
}

// maxText bounds a text from Telegram quoted in a message.
const maxText = 160

// sanitize makes a text from Telegram safe for a one-line chat message:
// the token (should it be echoed) is masked, control characters and runs
// of white space become one space, and the length is bounded.
func (c *Checker) sanitize(s string) string {
	s = strings.ReplaceAll(s, c.o.Token, "xxxxx")
	if _, secret, ok := strings.Cut(c.o.Token, ":"); ok {
		s = strings.ReplaceAll(s, secret, "xxxxx")
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	}), " ")
	if r := []rune(s); len(r) > maxText {
		s = string(r[:maxText-1]) + "…"
	}
	return s
}
