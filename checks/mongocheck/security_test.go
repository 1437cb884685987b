package mongocheck_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/checks/mongocheck"
)

// The secrets of the security tests: a password (percent-escaped in the
// URI) and an AWS session token in authMechanismProperties.
const (
	mongoPassword        = "Mg@s3cret:pw/x"
	mongoPasswordEscaped = "Mg%40s3cret%3Apw%2Fx"
	mongoSessionToken    = "AWSsess-9g1h5j7k"
)

// TestNoSecretReachesAResult runs the check against servers that fail in
// every way, with the credentials in the URI, and asserts that the message
// reveals no part of them.
func TestNoSecretReachesAResult(t *testing.T) {
	// An HTTP server echoing what it got, in place of MongoDB.
	echo := func(t testing.TB) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			_, _ = w.Write(b)
		}))
		t.Cleanup(srv.Close)
		return strings.TrimPrefix(srv.URL, "http://")
	}
	// A listener that answers every connection with garbage and hangs up.
	garbage := func(t testing.TB) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				_, _ = io.WriteString(c, strings.Repeat("\xff garbage "+mongoPassword, 50))
				_ = c.Close()
			}
		}()
		t.Cleanup(func() { _ = ln.Close(); <-done })
		return ln.Addr().String()
	}
	password := func(query string) func(addr string) string {
		return func(addr string) string {
			return "mongodb://opsbot:" + mongoPasswordEscaped + "@" + addr + "/primary?authSource=admin" + query
		}
	}
	tests := []struct {
		name string
		addr func(t testing.TB) string
		uri  func(addr string) string
		want string
	}{
		{name: "connection refused", addr: checkstest.ClosedAddr, uri: password(""), want: "MongoDB not reachable: connection refused"},
		{name: "no answer", addr: checkstest.SilentAddr, uri: password(""), want: "MongoDB not reachable: timed out"},
		{name: "AWS credentials, no answer", addr: checkstest.SilentAddr,
			uri: func(addr string) string {
				return "mongodb://AKIAOPSBOT:" + mongoPasswordEscaped + "@" + addr +
					"/primary?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:" + mongoSessionToken
			},
			want: "MongoDB not reachable: timed out"},
		{name: "an HTTP server", addr: echo, uri: password(""), want: "MongoDB not reachable: "},
		{name: "garbage", addr: garbage, uri: password(""), want: "MongoDB not reachable: "},
		{name: "TLS to a server without it", addr: echo, uri: password("&tls=true"), want: "MongoDB not reachable: TLS handshake failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(t, mongocheck.Options{URI: tt.uri(tt.addr(t)), ConnectTimeout: 300 * time.Millisecond, Timeout: 2 * time.Second})
			r := c.Check(t.Context())
			t.Logf("message: %s", r.Message)
			if r.Status != checks.StatusCrit || !strings.HasPrefix(r.Message, tt.want) {
				t.Errorf("got %v %q, want crit %q...", r.Status, r.Message, tt.want)
			}
			if leaks := checkstest.Leaks(r.Message, mongoPassword, mongoPasswordEscaped, mongoSessionToken); len(leaks) > 0 {
				t.Errorf("message %q reveals %q", r.Message, leaks)
			}
		})
	}
}

// TestOptionErrorsQuoteNoSecret builds checks from URIs that do not parse
// or are not allowed: the error names the field, never a secret.
func TestOptionErrorsQuoteNoSecret(t *testing.T) {
	for _, uri := range []string{
		"mongodb://opsbot:" + mongoPasswordEscaped + "@db.example.com:27x/app",
		"mongodb://opsbot:" + mongoPassword + "@db.example.com/app",
		"mongodb://opsbot:" + mongoPasswordEscaped + "%zz@db.example.com/app",
		"mongodb://opsbot:" + mongoPasswordEscaped + "@db.example.com/app?connectTimeoutMS=soon",
		"mongodb+srv://opsbot:" + mongoPasswordEscaped + "@db.example.com:27017/app",
		"mongodb://db.example.com/app?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:" + mongoSessionToken + ",BAD",
		"mongodb://db.example.com/app?tlsCertificateKeyFilePassword=" + mongoSessionToken + "&tls=maybe",
		"mongo://opsbot:" + mongoPasswordEscaped + "@db.example.com/app",
	} {
		_, err := mongocheck.New(mongocheck.Options{URI: uri})
		var optErr *checks.OptionError
		if !errors.As(err, &optErr) {
			t.Errorf("New(%q) = %v, want an *OptionError", uri, err)
			continue
		}
		if leaks := checkstest.Leaks(err.Error(), mongoPassword, mongoPasswordEscaped, mongoSessionToken); len(leaks) > 0 {
			t.Errorf("New(%q): error %q reveals %q", uri, err, leaks)
		}
	}
}
