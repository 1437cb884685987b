package mongocheck_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/storage/storagetest"
)

// testServer returns the URI of a MongoDB for t and a database name of its
// own: MONGODB_TEST_URI when set (the database is dropped at the end), else
// an embedded FerretDB with the SQLite backend in t.TempDir(), listening
// on a random loopback port, stopped when t ends. Tests that call it must
// not run in parallel: ferretdb.New writes a package-level variable.
func testServer(t *testing.T) (uri, database string) {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	database = "mongocheck_" + hex.EncodeToString(b[:])
	if uri := os.Getenv(storagetest.EnvURI); uri != "" {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			client := connect(t, uri)
			if err := client.Database(database).Drop(ctx); err != nil {
				t.Errorf("drop %s: %v", database, err)
			}
		})
		return uri, database
	}

	dir := t.TempDir()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    slog.New(slog.DiscardHandler),
		Handler:   "sqlite",
		SQLiteURL: (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/"}).String(),
	})
	if err != nil {
		t.Fatalf("start FerretDB: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = f.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return f.MongoDBURI(), database
}

// connect returns a client of the test's own, disconnected when t ends.
func connect(t *testing.T, uri string) *mongo.Client {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Disconnect(ctx)
	})
	return client
}
