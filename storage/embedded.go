package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// socketName is the embedded server's Unix socket inside the data directory.
// The driver treats a host ending in "sock" as a Unix socket path.
const socketName = "ferretdb.sock"

// maxSocketPath is the longest socket path we use; sockaddr_un holds 108
// bytes on Linux and 104 on macOS (including the terminating NUL).
const maxSocketPath = 100

// ferretNewMu serialises ferretdb.New, which writes FerretDB's package-level
// version info (version.Get().Package = "embedded") without a lock; two
// stores starting at once (parallel tests) would race on it. It is the one
// package-level variable here, and it guards somebody else's global.
var ferretNewMu sync.Mutex

// embeddedServer is a running FerretDB with the SQLite backend.
type embeddedServer struct {
	addr   string // Unix socket path, or host:port on loopback
	cancel context.CancelFunc
	done   chan struct{} // closed when Run has returned
}

// startEmbedded starts FerretDB on dataDir and returns once it listens.
//
// It listens on a Unix socket inside the 0700 data directory, so only the
// owner of the data can connect (FerretDB v1 embedded has no
// authentication, and any local user could reach a loopback TCP port); no
// port is taken either. A socket that answers means another process serves
// this directory, which would corrupt FerretDB's metadata, so that is an
// error; a socket that does not answer is a leftover of a crash and is
// removed. When the path is too long for a socket, it falls back to
// 127.0.0.1 on a random port.
func startEmbedded(dataDir string, logger *slog.Logger) (*embeddedServer, error) {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("storage: data dir %q: %w", dataDir, err)
	}
	// FerretDB hands SQLite the path inside a "file:" URI without escaping
	// it: a '?' or '#' cuts it short and '%' is decoded, so the database
	// file would land outside the data directory.
	if strings.ContainsAny(dir, "?#%") {
		return nil, fmt.Errorf("%w: data dir %q: the embedded server cannot use a path containing '?', '#' or '%%'", ErrInvalid, dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("storage: create data dir: %w", err)
	}
	if fi, err := os.Stat(dir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		logger.Warn("data dir is accessible to other users; chmod 700 it", "component", "storage", "dir", dir, "mode", fi.Mode().Perm().String())
	}

	var listener ferretdb.ListenerConfig
	socket := filepath.Join(dir, socketName)
	if len(socket) <= maxSocketPath {
		if err := removeStaleSocket(socket); err != nil {
			return nil, err
		}
		listener.Unix = socket
	} else {
		listener.TCP = "127.0.0.1:0"
	}

	cfg := &ferretdb.Config{
		Listener:  listener,
		Logger:    ferretLogger(logger),
		Handler:   "sqlite",
		SQLiteURL: (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/"}).String(),
	}
	ferretNewMu.Lock()
	f, err := ferretdb.New(cfg)
	ferretNewMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("storage: start embedded server in %s: %w", dir, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	e := &embeddedServer{addr: socket, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		_ = f.Run(ctx) // always nil; it returns when ctx is cancelled
	}()

	if listener.TCP != "" {
		// ferretdb.New has bound the listener already, so the random port
		// is known (MongoDBURI would block before that).
		u, err := url.Parse(f.MongoDBURI())
		if err != nil {
			return nil, errors.Join(fmt.Errorf("storage: embedded server address: %w", err), e.stop(context.Background()))
		}
		e.addr = u.Host
	}
	logger.Debug("embedded server started", "component", "storage", "dir", dir, "addr", e.addr)
	return e, nil
}

// stop cancels the server and waits until its listener, connections and
// SQLite databases are closed, or until ctx ends.
func (e *embeddedServer) stop(ctx context.Context) error {
	e.cancel()
	select {
	case <-e.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("storage: embedded server did not stop: %w", ctx.Err())
	}
}

// removeStaleSocket removes a socket file left behind by a crash, and fails
// if a live server still answers on it.
func removeStaleSocket(path string) error {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		_ = conn.Close()
		return fmt.Errorf("%w: %s answers on %s", ErrDataDirInUse, filepath.Dir(path), socketName)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("storage: remove stale socket: %w", err)
	}
	return nil
}
