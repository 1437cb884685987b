// Package storagetest opens a [storage.Store] for tests: the embedded server
// in a temporary directory, or a real MongoDB when MONGODB_TEST_URI is set.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/storage"
)

// EnvURI names the variable that points the tests at a real MongoDB.
const EnvURI = "MONGODB_TEST_URI"

// cleanupTimeout bounds Close (and the drop of a test database) at cleanup.
const cleanupTimeout = 30 * time.Second

// Open returns a Store for t, closed when t ends: the embedded server in
// t.TempDir(), or, when MONGODB_TEST_URI is set, that MongoDB with a
// database of its own, dropped when t ends.
func Open(t testing.TB) *storage.Store {
	t.Helper()
	return OpenWith(t, storage.Options{})
}

// OpenWith is Open with options (a clock, OnCommandFailed, ...). URI,
// Database and DataDir are filled in as Open does unless set; Logger
// defaults to warnings and errors in the test output.
func OpenWith(t testing.TB, opts storage.Options) *storage.Store {
	t.Helper()
	if opts.URI == "" && opts.DataDir == "" {
		if uri := os.Getenv(EnvURI); uri != "" {
			opts.URI = uri
			if opts.Database == "" {
				opts.Database = uniqueDatabase(t)
			}
			s := open(t, opts)
			// On a connection of its own: the test may close s itself.
			t.Cleanup(func() { drop(t, uri, opts.Database) })
			return s
		}
		opts.DataDir = t.TempDir()
	}
	return open(t, opts)
}

// OpenAt returns a Store on the embedded server in dir, closed when t ends
// (closing it earlier is fine). Open it again on the same dir to test that
// data survives a restart. MONGODB_TEST_URI does not apply.
func OpenAt(t testing.TB, dir string) *storage.Store {
	t.Helper()
	return open(t, storage.Options{DataDir: dir})
}

func open(t testing.TB, opts storage.Options) *storage.Store {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = Logger(t)
	}
	s, err := storage.Open(t.Context(), opts)
	if err != nil {
		t.Fatalf("storagetest: open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			t.Errorf("storagetest: close: %v", err)
		}
	})
	return s
}

// drop drops a test database on its own connection.
func drop(t testing.TB, uri, database string) {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Errorf("storagetest: drop %s: cannot connect", database) // the error may quote the URI
		return
	}
	defer func() { _ = client.Disconnect(ctx) }()
	if err := client.Database(database).Drop(ctx); err != nil {
		t.Errorf("storagetest: drop %s: %v", database, err)
	}
}

// Logger returns a logger that writes warnings and errors to t's output.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// uniqueDatabase returns a database name for t that no other test run uses
// (MongoDB limits names to 63 bytes and forbids /\. "$).
func uniqueDatabase(t testing.TB) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, t.Name())
	if len(name) > 40 {
		name = name[:40]
	}
	return "opsbot_test_" + name + "_" + hex.EncodeToString(b[:])
}
