package storage_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

func TestOpenCreatesIndexes(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	specs, err := s.Database().Collection(storage.AuditCollection).Indexes().ListSpecifications(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, spec := range specs {
		names = append(names, spec.Name)
	}
	slices.Sort(names)
	if want := []string{"_id_", "at_1", "user_id_1_at_-1"}; !slices.Equal(names, want) {
		t.Errorf("audit indexes = %v, want %v", names, want)
	}
}

func TestEmbeddedCreatesPrivateDataDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	s := storagetest.OpenAt(t, dir)
	if !s.Embedded() {
		t.Error("Embedded() = false for an embedded store")
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("data dir mode = %v, want 0700", perm)
	}
}

func TestDataSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	at := time.Date(2026, 3, 1, 2, 3, 4, 0, time.UTC)
	want := storage.AuditEntry{At: at, ChatID: -100, UserID: 7, Kind: storage.AuditKindCommand, Action: "status", Outcome: storage.AuditOutcomeOK}

	s := storagetest.OpenAt(t, dir)
	if err := s.Audit().Record(t.Context(), want); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}

	s = storagetest.OpenAt(t, dir) // indexes are ensured again: must be a no-op
	got, err := s.Audit().Recent(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].At.Equal(at) || got[0].Action != "status" || got[0].UserID != 7 {
		t.Fatalf("after restart: %+v, want one entry like %+v", got, want)
	}
}

func TestTwoEmbeddedServers(t *testing.T) {
	t.Parallel()
	a, b := storagetest.Open(t), storagetest.Open(t)
	ctx := t.Context()
	rec := func(s *storage.Store, action string) {
		t.Helper()
		if err := s.Audit().Record(ctx, storage.AuditEntry{Kind: storage.AuditKindCommand, Action: action, Outcome: storage.AuditOutcomeOK}); err != nil {
			t.Fatal(err)
		}
	}
	rec(a, "a")
	rec(b, "b")
	rec(b, "b")
	for s, want := range map[*storage.Store]int{a: 1, b: 2} {
		n, err := s.Database().Collection(storage.AuditCollection).CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if int(n) != want {
			t.Errorf("count = %d, want %d", n, want)
		}
	}
}

func TestDataDirInUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	storagetest.OpenAt(t, dir)
	s, err := storage.Open(t.Context(), storage.Options{DataDir: dir})
	if !errors.Is(err, storage.ErrDataDirInUse) {
		if s != nil {
			_ = s.Close(t.Context())
		}
		t.Fatalf("second Open on a served data dir: err = %v, want ErrDataDirInUse", err)
	}
}

func TestStaleSocketIsRemoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A crash leaves the socket file behind; nothing answers on it.
	l, err := net.Listen("unix", filepath.Join(dir, "ferretdb.sock"))
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	_ = l.Close()

	s := storagetest.OpenAt(t, dir)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestLongDataDirFallsBackToTCP(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60))
	s := storagetest.OpenAt(t, dir)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ferretdb.sock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket file with an over-long path: stat err = %v", err)
	}
}

func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	// A loopback port that nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()

	uri := "mongodb://opsbot:s3cretpw@" + addr + "/?tlsCertificateKeyFilePassword=hunter2"
	start := time.Now()
	s, err := storage.Open(t.Context(), storage.Options{URI: uri, ConnectTimeout: 300 * time.Millisecond})
	if err == nil {
		_ = s.Close(t.Context())
		t.Fatal("Open succeeded on a closed port")
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Open took %v to fail", elapsed)
	}
	if !errors.Is(err, storage.ErrUnreachable) {
		t.Errorf("err = %v, want ErrUnreachable", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, addr) {
		t.Errorf("error %q does not name the host %s", msg, addr)
	}
	for _, secret := range []string{"s3cretpw", "hunter2", "opsbot:"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains %q", msg, secret)
		}
	}
	if len(msg) > 200 {
		t.Errorf("error is not short (%d bytes): %q", len(msg), msg)
	}
	t.Logf("error: %v", err)
}

func TestOpenInvalidURIHidesSecrets(t *testing.T) {
	t.Parallel()
	for _, uri := range []string{
		"mongodb://ops:s3cretpw@db1/?tlsCertificateKeyFilePassword=hunter2&connectTimeoutMS=soon",
		"mongodb://ops:s3cretpw@db1/?authMechanismProperties=hunter2",
		"mongodb://ops:s3cretpw@db1:notaport/",
		"mongo://ops:s3cretpw@db1/",
		"mongodb://ops:s3cretpw%zz@db1/",
		"mongodb://ops:s3cretpw@db1/?tlsCertificateKeyFilePassword=hunter2&tls=maybe",
	} {
		s, err := storage.Open(t.Context(), storage.Options{URI: uri, ConnectTimeout: 300 * time.Millisecond})
		if err == nil {
			_ = s.Close(t.Context())
			t.Errorf("Open(%q) succeeded", uri)
			continue
		}
		for _, secret := range []string{"s3cretpw", "hunter2"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("Open(%q): error %q contains %q", uri, err, secret)
			}
		}
		t.Logf("error: %v", err)
	}
}

func TestOnCommandFailed(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		failed []string
	)
	s := storagetest.OpenWith(t, storage.Options{OnCommandFailed: func(cmd string) {
		mu.Lock()
		defer mu.Unlock()
		failed = append(failed, cmd)
	}})
	err := s.Database().RunCommand(t.Context(), bson.D{{Key: "noSuchCommand", Value: 1}}).Err()
	if err == nil {
		t.Fatal("unknown command succeeded")
	}
	// Disconnecting sends endSessions, which FerretDB does not know: that
	// is not a failure worth counting.
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(failed, []string{"noSuchCommand"}) {
		t.Errorf("failed commands = %v, want [noSuchCommand]", failed)
	}
}

func TestCloseTwice(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	ctx := context.Background()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestDataDirWithOddCharacters(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data dir (1)")
	s := storagetest.OpenAt(t, dir)
	if err := s.Audit().Record(t.Context(), storage.AuditEntry{Kind: storage.AuditKindMessage, Action: "hi", Outcome: storage.AuditOutcomeIgnored}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, storage.DefaultDatabase+".sqlite")); err != nil {
		t.Errorf("database file not in the data dir: %v", err)
	}

	// FerretDB would put the SQLite file elsewhere for these.
	for _, name := range []string{"data#1", "data?x", "data%20"} {
		dir := filepath.Join(t.TempDir(), name)
		s, err := storage.Open(t.Context(), storage.Options{DataDir: dir})
		if !errors.Is(err, storage.ErrInvalid) {
			if s != nil {
				_ = s.Close(t.Context())
			}
			t.Errorf("Open(DataDir: %q): err = %v, want ErrInvalid", name, err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Open(DataDir: %q) created the directory", name)
		}
	}
}
