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
	var (
		first *storage.Store
		opts  storage.Options
	)
	if uri := os.Getenv(EnvURI); uri != "" {
		first = Open(t)
		opts = storage.Options{URI: uri, Database: first.Database().Name()}
	} else {
		dir, err := os.MkdirTemp("", "two") // short: a socket path has ~100 bytes
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
		first = OpenAt(t, dir)
		opts = storage.Options{URI: "mongodb://" + url.PathEscape(filepath.Join(dir, "ferretdb.sock"))}
	}
	opts.Logger = Logger(t)
	second, err := storage.Open(t.Context(), opts)
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
