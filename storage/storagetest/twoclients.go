package storagetest

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/opsbot/opsbot/storage"
)

// TwoClients returns two Stores on one database, each with a client of its
// own, as two replicas would have, both closed when t ends. On the
// embedded server the second one connects to the first one's socket with
// an ordinary pool of many connections, so their commands really run
// concurrently in FerretDB.
func TwoClients(t testing.TB) (*storage.Store, *storage.Store) {
	t.Helper()
	first, uri := Shared(t)
	second, err := storage.Open(t.Context(), storage.Options{URI: uri, Database: first.Database().Name(), Logger: Logger(t)})
	if err != nil {
		t.Fatalf("second client: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if err := second.Close(ctx); err != nil {
			t.Errorf("second client: %v", err)
		}
	})
	return first, second
}

// Shared returns a Store, closed when t ends, and a MONGODB_URI that other
// clients (replicas, other processes) use to reach the same server; their
// database is the Store's. On the embedded server the URI names its Unix
// socket; with MONGODB_TEST_URI set it is that URI.
func Shared(t testing.TB) (*storage.Store, string) {
	t.Helper()
	if uri := os.Getenv(EnvURI); uri != "" {
		return Open(t), uri
	}
	dir, err := os.MkdirTemp("", "shared") // short: a socket path has ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return OpenAt(t, dir), "mongodb://" + url.PathEscape(filepath.Join(dir, "ferretdb.sock"))
}
