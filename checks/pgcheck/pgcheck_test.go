package pgcheck_test

import (
	"context"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/checks/checkstest"
	"github.com/opsbot/opsbot/checks/pgcheck"
)

// EnvURL names the PostgreSQL the tests connect to; .ci/postgres.sh starts
// one and prints it.
const EnvURL = "PGCHECK_TEST_URL"

func TestSelectOne(t *testing.T) {
	dsn := testURL(t)
	r := check(t, pgcheck.Options{URL: dsn})
	if r.Status != checks.StatusOK || !strings.HasPrefix(r.Message, "select 1 in ") {
		t.Errorf("got %v %q, want ok \"select 1 in ...\"", r.Status, r.Message)
	}
	if r.Unit != "ms" || r.Value <= 0 || r.Value != r.Metrics["latency_ms"] {
		t.Errorf("value %v %s, latency_ms %v", r.Value, r.Unit, r.Metrics["latency_ms"])
	}
	if c, q := r.Metrics["connect_ms"], r.Metrics["query_ms"]; c <= 0 || q <= 0 || c+q > r.Value+0.01 {
		t.Errorf("connect_ms %v + query_ms %v, want positive parts of latency_ms %v", c, q, r.Value)
	}

	t.Run("slow", func(t *testing.T) {
		r := check(t, pgcheck.Options{URL: dsn, WarnAfter: time.Nanosecond})
		if r.Status != checks.StatusWarn || !strings.HasPrefix(r.Message, "slow: select 1 in ") || !strings.Contains(r.Message, "(warn above 1ns; connect ") {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
	})
	t.Run("keyword/value form", func(t *testing.T) {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		pw, _ := u.User.Password()
		kv := "host=" + u.Hostname() + " port=" + u.Port() + " user=" + u.User.Username() +
			" password=" + pw + " dbname=" + strings.TrimPrefix(u.Path, "/") + " sslmode=disable"
		if r := check(t, pgcheck.Options{URL: kv}); r.Status != checks.StatusOK {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
	})
}

func TestFailuresAreCriticalAndQuoteNoSecret(t *testing.T) {
	dsn := testURL(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	password, _ := u.User.Password()
	with := func(edit func(u *url.URL)) string {
		v := *u
		edit(&v)
		return v.String()
	}
	tests := []struct {
		name    string
		url     string
		message string
	}{
		{
			name:    "wrong password",
			url:     with(func(u *url.URL) { u.User = url.UserPassword(u.User.Username(), "Wr0ng-Passw0rd") }),
			message: "PostgreSQL not reachable: password authentication failed",
		},
		{
			name:    "unknown database",
			url:     with(func(u *url.URL) { u.Path = "/no_such_db" }),
			message: "PostgreSQL not reachable: database does not exist",
		},
		{
			name:    "TLS required, server has none",
			url:     with(func(u *url.URL) { u.RawQuery = "sslmode=require" }),
			message: "PostgreSQL not reachable: server refused TLS (sslmode=require, but the server has none)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, pgcheck.Options{URL: tt.url})
			if r.Status != checks.StatusCrit || r.Message != tt.message {
				t.Errorf("got %v %q, want crit %q", r.Status, r.Message, tt.message)
			}
			for _, secret := range []string{password, "Wr0ng-Passw0rd", u.Host} {
				if strings.Contains(r.Message, secret) {
					t.Errorf("message %q quotes %q", r.Message, secret)
				}
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	t.Run("closed port", func(t *testing.T) {
		r := check(t, pgcheck.Options{URL: "postgres://opsbot:s3cret@" + checkstest.ClosedAddr(t) + "/app"})
		if r.Status != checks.StatusCrit || r.Message != "PostgreSQL not reachable: connection refused" {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
		if strings.Contains(r.Message, "s3cret") {
			t.Errorf("message %q quotes the password", r.Message)
		}
	})
	t.Run("server that never answers", func(t *testing.T) {
		c, err := pgcheck.New(pgcheck.Options{URL: "postgres://opsbot:s3cret@" + checkstest.SilentAddr(t) + "/app"})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		r := c.Check(ctx)
		if r.Status != checks.StatusCrit || r.Message != "PostgreSQL not reachable: timed out" {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
		if r.Duration > 3*time.Second {
			t.Errorf("the check took %v; its context allowed 200ms", r.Duration)
		}
	})
	t.Run("Options.Timeout", func(t *testing.T) {
		r := check(t, pgcheck.Options{URL: "postgres://opsbot:s3cret@" + checkstest.SilentAddr(t) + "/app", Timeout: 200 * time.Millisecond})
		if r.Status != checks.StatusCrit || r.Message != "PostgreSQL not reachable: timed out" {
			t.Errorf("got %v %q", r.Status, r.Message)
		}
	})
}

// testURL returns PGCHECK_TEST_URL. Without it the test is skipped, except
// in CI, where it fails: CI must run .ci/postgres.sh first.
func testURL(t *testing.T) string {
	t.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf(`%s is not set: CI must start PostgreSQL first: eval "$(.ci/postgres.sh start)"`, EnvURL)
	}
	t.Skipf(`%s is not set; to test against a real PostgreSQL: eval "$(.ci/postgres.sh start)"`, EnvURL)
	return ""
}

// check runs one check of a new Checker for o.
func check(t *testing.T, o pgcheck.Options) checks.Result {
	t.Helper()
	c, err := pgcheck.New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r := c.Check(t.Context())
	if r.ObservedAt.IsZero() || r.Duration <= 0 {
		t.Errorf("ObservedAt %v, Duration %v: want both set", r.ObservedAt, r.Duration)
	}
	return r
}
