package pgcheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"unicode"

	"github.com/jackc/pgx/v5/pgconn"
)

// maxServerText bounds a server's error text quoted in a message.
const maxServerText = 100

// problem condenses a pgx error into a few words for a chat. pgx's errors
// name the user, database and host; they are classified, never passed on.
// Only the server's own text for an unfamiliar SQLSTATE is quoted, after
// masking the password.
func (c *Checker) problem(ctx context.Context, err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01":
			return "password authentication failed"
		case "28000":
			return "login rejected (pg_hba.conf or role)"
		case "3D000":
			return "database does not exist"
		case "53300":
			return "too many connections"
		case "57P01", "57P02", "57P03":
			return "server is starting up or shutting down"
		}
		return "server error " + pgErr.Code + ": " + c.serverText(pgErr.Message)
	}
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		netErr  net.Error
	)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case ctx.Err() != nil:
		return "cancelled"
	case errors.As(err, &dnsErr):
		return "cannot resolve the host"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host"
	case errors.As(err, &certErr), errors.As(err, &unknown):
		return "TLS certificate not trusted"
	case strings.Contains(err.Error(), "server refused TLS connection"):
		return "server refused TLS (sslmode=require, but the server has none)"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	default:
		return "failed"
	}
}

// serverText makes a server's error text safe for a one-line message.
func (c *Checker) serverText(s string) string {
	if pw := c.cfg.Password; pw != "" {
		s = strings.ReplaceAll(s, pw, "xxxxx")
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if r := []rune(s); len(r) > maxServerText {
		s = string(r[:maxServerText-1]) + "…"
	}
	return s
}
