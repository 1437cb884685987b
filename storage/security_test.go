package storage_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/storage"
)

// The secrets of the security tests: a password with characters that a
// URI escapes, and the values of secret options.
const (
	storePassword        = "St@s3cret:pw/z"
	storePasswordEscaped = "St%40s3cret%3Apw%2Fz"
	storeKeyPassword     = "KeyPw-6m8n0p2q"
	storeSessionToken    = "Sess-3v5w7x9y1z"
)

// lockedBuffer is a log sink for the driver's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestOpenFailuresRevealNoSecret opens stores on connection strings full
// of secrets whose servers cannot be reached or are not MongoDB, and
// asserts that neither the error (which the app logs and main prints) nor
// storage's own log lines reveal any of them.
func TestOpenFailuresRevealNoSecret(t *testing.T) {
	t.Parallel()
	secretURI := func(hosts string) string {
		return "mongodb://opsbot:" + storePasswordEscaped + "@" + hosts + "/opsbot?authSource=admin&appName=opsbot"
	}
	// httpServer answers HTTP, echoing what it got, where MongoDB should be.
	httpServer := func(t *testing.T) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			_, _ = w.Write(b)
		}))
		t.Cleanup(srv.Close)
		return strings.TrimPrefix(srv.URL, "http://")
	}
	tests := []struct {
		name string
		uri  func(t *testing.T) string
	}{
		{"connection refused", func(t *testing.T) string { return secretURI(checkstest.ClosedAddr(t)) }},
		{"no answer", func(t *testing.T) string { return secretURI(checkstest.SilentAddr(t)) }},
		{"two hosts, neither answering", func(t *testing.T) string {
			return secretURI(checkstest.ClosedAddr(t) + "," + checkstest.SilentAddr(t))
		}},
		{"an HTTP server", func(t *testing.T) string { return secretURI(httpServer(t)) }},
		{"TLS to a server without it", func(t *testing.T) string {
			return secretURI(httpServer(t)) + "&tls=true&tlsInsecure=true"
		}},
		{"SRV name that does not resolve", func(*testing.T) string {
			return "mongodb+srv://opsbot:" + storePasswordEscaped + "@cluster0.opsbot-test.invalid/opsbot"
		}},
		{"AWS session token", func(t *testing.T) string {
			return "mongodb://AKIAOPSBOT:" + storePasswordEscaped + "@" + checkstest.ClosedAddr(t) +
				"/opsbot?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:" + storeSessionToken
		}},
		{"password that does not unescape", func(t *testing.T) string {
			return "mongodb://opsbot:" + storePasswordEscaped + "%zz@" + checkstest.ClosedAddr(t) + "/opsbot"
		}},
		{"option that does not parse", func(t *testing.T) string {
			return secretURI(checkstest.ClosedAddr(t)) + "&tlsCertificateKeyFilePassword=" + storeKeyPassword + "&connectTimeoutMS=soon"
		}},
		{"key file password", func(t *testing.T) string {
			return secretURI(checkstest.ClosedAddr(t)) + "&tlsCertificateKeyFile=/nonexistent/opsbot.pem&tlsCertificateKeyFilePassword=" + storeKeyPassword
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs lockedBuffer
			s, err := storage.Open(t.Context(), storage.Options{
				URI: tt.uri(t), ConnectTimeout: 300 * time.Millisecond,
				Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			})
			if err == nil {
				_ = s.Close(t.Context())
				t.Fatal("Open succeeded")
			}
			t.Logf("error: %v", err)
			for _, shown := range []struct{ what, text string }{
				{"error", err.Error()}, {"%+v of the error", fmt.Sprintf("%+v", err)}, {"log", logs.String()},
			} {
				if leaks := checkstest.Leaks(shown.text, storePassword, storePasswordEscaped, storeKeyPassword, storeSessionToken); len(leaks) > 0 {
					t.Errorf("the %s reveals %q:\n%s", shown.what, leaks, shown.text)
				}
			}
		})
	}
}

// TestRedactURIHidesEverySecret runs RedactURI, which every log line and
// error naming a connection string goes through, on URIs with secrets in
// every place a MongoDB URI can hold one.
func TestRedactURIHidesEverySecret(t *testing.T) {
	t.Parallel()
	for _, uri := range []string{
		"mongodb://opsbot:" + storePasswordEscaped + "@db1:27017,db2:27017/opsbot?replicaSet=rs0",
		"mongodb://opsbot:" + storePassword + "@db1/opsbot", // unescaped, as people paste them
		"mongodb+srv://opsbot:" + storePasswordEscaped + "@cluster0.example.net/?tlsCertificateKeyFilePassword=" + storeKeyPassword,
		"mongodb://db1/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:" + storeSessionToken,
		"mongodb://db1/?sslClientCertificateKeyPassword=" + storeKeyPassword + "&w=majority",
		"mongodb://db1/?proxyPassword=" + storeKeyPassword + "&proxyUsername=ops",
		"opsbot:" + storePasswordEscaped + "@db1:27017",
	} {
		got := storage.RedactURI(uri)
		if leaks := checkstest.Leaks(got, storePassword, storePasswordEscaped, storeKeyPassword, storeSessionToken); len(leaks) > 0 {
			t.Errorf("RedactURI(%q) = %q reveals %q", uri, got, leaks)
		}
		if host := "db1"; strings.Contains(uri, host) && !strings.Contains(got, host) {
			t.Errorf("RedactURI(%q) = %q lost the host", uri, got)
		}
	}
}
