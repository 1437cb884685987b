package pgcheck_test

import (
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/checks/pgcheck"
)

// pgPassword is the password of the security tests: "Pg@s3cret/pw w" in
// a URL, percent-escaped.
const (
	pgPassword        = "Pg@s3cret/pw w"
	pgPasswordEscaped = "Pg%40s3cret%2Fpw%20w"
)

// serveFunc goes on with a connection whose password it learnt.
type serveFunc func(be *pgproto3.Backend, conn net.Conn, password string)

// fakePG is a PostgreSQL server that speaks the wire protocol for real:
// it refuses TLS, asks for the password in clear text (so it learns it,
// as a hostile or compromised server would) and hands the connection to
// serve with that password. It returns the server's address; everything
// is closed when the test ends.
func fakePG(t testing.TB, serve serveFunc) string {
	t.Helper()
	return checkstest.Serve(t, func(conn net.Conn) { handshake(conn, serve) })
}

// handshake answers an SSLRequest with "N", then asks for the password in
// clear text and passes the connection on.
func handshake(conn net.Conn, serve serveFunc) {
	be := pgproto3.NewBackend(conn, conn)
	for {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		switch msg.(type) {
		case *pgproto3.SSLRequest, *pgproto3.GSSEncRequest:
			if _, err := conn.Write([]byte("N")); err != nil {
				return
			}
			continue
		case *pgproto3.StartupMessage:
		default:
			return
		}
		break
	}
	be.Send(&pgproto3.AuthenticationCleartextPassword{})
	if be.Flush() != nil {
		return
	}
	if err := be.SetAuthType(pgproto3.AuthTypeCleartextPassword); err != nil {
		return
	}
	msg, err := be.Receive()
	if err != nil {
		return
	}
	pw, ok := msg.(*pgproto3.PasswordMessage)
	if !ok {
		return
	}
	serve(be, conn, pw.Password)
}

// fail answers with an error of code and message.
func fail(code string, message func(password string) string) serveFunc {
	return func(be *pgproto3.Backend, _ net.Conn, password string) {
		be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: code, Message: message(password)})
		_ = be.Flush()
	}
}

// acceptThenFail logs in, then answers the query with an error.
func acceptThenFail(message func(password string) string) serveFunc {
	return func(be *pgproto3.Backend, _ net.Conn, password string) {
		be.Send(&pgproto3.AuthenticationOk{})
		be.Send(&pgproto3.ParameterStatus{Name: "server_version", Value: "16.4"})
		be.Send(&pgproto3.ParameterStatus{Name: "standard_conforming_strings", Value: "on"})
		be.Send(&pgproto3.ParameterStatus{Name: "client_encoding", Value: "UTF8"})
		be.Send(&pgproto3.BackendKeyData{ProcessID: 1, SecretKey: 2})
		be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
		if be.Flush() != nil {
			return
		}
		for {
			msg, err := be.Receive()
			if err != nil {
				return
			}
			if _, ok := msg.(*pgproto3.Query); ok {
				be.Send(&pgproto3.ErrorResponse{Severity: "ERROR", Code: "XX000", Message: message(password)})
				be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
				if be.Flush() != nil {
					return
				}
			}
		}
	}
}

// TestNoSecretReachesAResult runs the check with a connection string
// holding a password against servers that fail in every way, the hostile
// ones echoing the password they were sent, and asserts that the message
// reveals no part of it, whatever the connection string's form.
func TestNoSecretReachesAResult(t *testing.T) {
	tests := []struct {
		name string
		// addr returns the server's host:port.
		addr func(t testing.TB) string
		// query is the URL's options; default sslmode=disable.
		query string
		// timeout bounds the run; default a second.
		timeout time.Duration
		// want is the message.
		want string
	}{
		{name: "connection refused", addr: checkstest.ClosedAddr,
			want: "PostgreSQL not reachable: connection refused"},
		{name: "no answer", addr: checkstest.SilentAddr, timeout: 200 * time.Millisecond,
			want: "PostgreSQL not reachable: timed out"},
		{name: "TLS required, the server has none", query: "sslmode=require",
			addr: func(t testing.TB) string {
				return fakePG(t, fail("08P01", func(string) string { return "unreachable" }))
			},
			want: "PostgreSQL not reachable: server refused TLS (sslmode=require, but the server has none)"},
		{name: "wrong password, echoed",
			addr: func(t testing.TB) string {
				return fakePG(t, fail("28P01", func(pw string) string { return `password "` + pw + `" authentication failed for user "opsbot"` }))
			},
			want: "PostgreSQL not reachable: password authentication failed"},
		{name: "unfamiliar error quoting the password",
			addr: func(t testing.TB) string {
				return fakePG(t, fail("XX000", func(pw string) string { return "login with\n" + pw + "\tfailed" }))
			},
			want: "PostgreSQL not reachable: server error XX000: login with xxxxx failed"},
		{name: "password where the server's text is clipped",
			addr: func(t testing.TB) string {
				return fakePG(t, fail("XX000", func(pw string) string { return strings.Repeat("z", 92) + pw + " and more" }))
			},
			want: "PostgreSQL not reachable: server error XX000: " + strings.Repeat("z", 92) + "xxxxx a…"},
		{name: "query error quoting the password",
			addr: func(t testing.TB) string {
				return fakePG(t, acceptThenFail(func(pw string) string { return "cannot run select 1 as " + pw }))
			},
			want: "select 1 failed: server error XX000: cannot run select 1 as xxxxx"},
		{name: "garbage instead of the protocol",
			addr: func(t testing.TB) string {
				return fakePG(t, func(_ *pgproto3.Backend, conn net.Conn, pw string) {
					_, _ = io.WriteString(conn, "HTTP/1.1 400 Bad Request\r\n\r\n"+pw)
				})
			},
			timeout: 300 * time.Millisecond,
			want:    "PostgreSQL not reachable: "},
	}
	for _, tt := range tests {
		for _, form := range []struct {
			name string
			dsn  func(addr, query string) string
		}{
			{"URL", func(addr, query string) string {
				return "postgres://opsbot:" + pgPasswordEscaped + "@" + addr + "/app?" + query
			}},
			{"keyword/value", func(addr, query string) string {
				host, port, _ := net.SplitHostPort(addr)
				return "host=" + host + " port=" + port + " user=opsbot password='" + strings.ReplaceAll(pgPassword, "'", `\'`) +
					"' dbname=app " + strings.ReplaceAll(query, "&", " ")
			}},
		} {
			t.Run(tt.name+"/"+form.name, func(t *testing.T) {
				query := tt.query
				if query == "" {
					query = "sslmode=disable"
				}
				timeout := tt.timeout
				if timeout == 0 {
					timeout = time.Second
				}
				c, err := pgcheck.New(pgcheck.Options{URL: form.dsn(tt.addr(t), query), Timeout: timeout})
				if err != nil {
					t.Fatal(err)
				}
				r := c.Check(t.Context())
				if r.Status != checks.StatusCrit || !strings.HasPrefix(r.Message, tt.want) {
					t.Errorf("got %v %q, want crit %q", r.Status, r.Message, tt.want)
				}
				if leaks := checkstest.Leaks(r.Message, pgPassword, pgPasswordEscaped); len(leaks) > 0 {
					t.Errorf("message %q reveals %q", r.Message, leaks)
				}
			})
		}
	}
}

// TestOptionErrorsQuoteNoSecret builds checks from connection strings that
// do not parse: the error names the field, never the password.
func TestOptionErrorsQuoteNoSecret(t *testing.T) {
	for _, dsn := range []string{
		"postgres://opsbot:" + pgPasswordEscaped + "@db.example.com:54x/app",
		"postgres://opsbot:" + pgPasswordEscaped + "%zz@db.example.com/app",
		"postgres://opsbot:" + pgPasswordEscaped + "@db.example.com/app?sslmode=sometimes",
		"postgres://opsbot:" + pgPasswordEscaped + "@db.example.com/app?connect_timeout=soon",
		"host=db.example.com password='" + pgPassword + "' sslmode=sometimes",
		"host=db.example.com password='" + pgPassword,
	} {
		_, err := pgcheck.New(pgcheck.Options{URL: dsn})
		var optErr *checks.OptionError
		if !errors.As(err, &optErr) {
			t.Errorf("New(%q) = %v, want an *OptionError", dsn, err)
			continue
		}
		if leaks := checkstest.Leaks(err.Error(), pgPassword, pgPasswordEscaped); len(leaks) > 0 {
			t.Errorf("New(%q): error %q reveals %q", dsn, err, leaks)
		}
	}
}
