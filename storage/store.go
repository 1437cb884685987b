package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Defaults applied by [Open] to zero [Options] fields.
const (
	DefaultDatabase       = "opsbot"
	DefaultDataDir        = "./data"
	DefaultConnectTimeout = 10 * time.Second
)

// Options configures [Open].
type Options struct {
	// URI is MONGODB_URI. Empty starts the embedded server under DataDir.
	URI string

	// Database is the database name (MONGODB_DATABASE); default "opsbot".
	Database string

	// DataDir is where the embedded server keeps its SQLite files (DATA_DIR);
	// default "./data", created with mode 0700 if missing. Unused with a URI.
	DataDir string

	// ConnectTimeout bounds server selection and the start-up ping, so an
	// unreachable MONGODB_URI fails Open instead of hanging; default 10s.
	ConnectTimeout time.Duration

	// Logger receives storage logs; nil discards them.
	Logger *slog.Logger

	// OnCommandFailed, if set, is called with the command name for every
	// database command that fails (the app counts them in Prometheus),
	// except endSessions at disconnect, which FerretDB does not implement.
	// It runs on the calling goroutine of the operation: keep it fast and
	// safe for concurrent use.
	OnCommandFailed func(command string)

	// Now is the clock used where a timestamp is missing; default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Database == "" {
		o.Database = DefaultDatabase
	}
	if o.DataDir == "" {
		o.DataDir = DefaultDataDir
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Store is an open connection to the database, plus the embedded server when
// there is one. It is safe for concurrent use.
type Store struct {
	client   *mongo.Client
	db       *mongo.Database
	embedded *embeddedServer // nil with MONGODB_URI
	audit    *AuditLog

	closeOnce sync.Once
	closeErr  error
}

// Open connects to opts.URI, or starts the embedded server when it is empty,
// pings it within opts.ConnectTimeout and creates the indexes. The caller
// must Close the returned Store.
func Open(ctx context.Context, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	logger := opts.Logger.With("component", "storage")

	var (
		emb *embeddedServer
		err error
	)
	clientOpts := options.Client().
		SetAppName("opsbot").
		SetServerSelectionTimeout(opts.ConnectTimeout).
		SetConnectTimeout(opts.ConnectTimeout)
	if opts.URI == "" {
		if emb, err = startEmbedded(opts.DataDir, opts.Logger); err != nil {
			return nil, err
		}
		// FerretDB v1 is not atomic across connections: one connection
		// serialises every command this process sends.
		clientOpts.SetHosts([]string{emb.addr}).SetDirect(true).SetMaxPoolSize(1)
	} else {
		clientOpts.ApplyURI(opts.URI)
	}
	clientOpts.SetMonitor(commandMonitor(opts.OnCommandFailed, logger))

	s, err := connect(ctx, clientOpts, opts, emb)
	if err != nil {
		if emb != nil {
			err = errors.Join(err, emb.stop(context.WithoutCancel(ctx)))
		}
		if opts.URI != "" {
			err = redactError(err, opts.URI)
		}
		return nil, err
	}
	if emb != nil {
		logger.Info("storage ready", "embedded", true, "data_dir", opts.DataDir, "database", opts.Database)
	} else {
		logger.Info("storage ready", "embedded", false, "hosts", uriHosts(opts.URI), "database", opts.Database)
	}
	return s, nil
}

// connect creates the client, pings the server and ensures the indexes; on
// error the client is disconnected again (the embedded server is the
// caller's to stop).
func connect(ctx context.Context, clientOpts *options.ClientOptions, opts Options, emb *embeddedServer) (*Store, error) {
	target := "embedded server in " + opts.DataDir
	if emb == nil {
		target = "MongoDB at " + uriHosts(opts.URI)
	}
	client, err := mongo.Connect(clientOpts)
	if err != nil {
		return nil, fmt.Errorf("storage: connect to %s: %w", target, err)
	}
	s := &Store{
		client:   client,
		db:       client.Database(opts.Database),
		embedded: emb,
	}
	s.audit = newAuditLog(s.db, opts.Now)

	if err := s.ping(ctx, opts.ConnectTimeout); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, unreachableError(target, opts.ConnectTimeout, err)
	}
	ictx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	if err := ensureIndexes(ictx, s.db, indexes()); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// Close disconnects the client, then stops the embedded server and waits for
// it, within ctx (give it a fresh timeout at shutdown, not a cancelled
// context). Calling Close again returns the first result.
func (s *Store) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		err := s.client.Disconnect(ctx)
		if err != nil {
			err = fmt.Errorf("storage: disconnect: %w", err)
		}
		if s.embedded != nil {
			err = errors.Join(err, s.embedded.stop(ctx))
		}
		s.closeErr = err
	})
	return s.closeErr
}

// Ping checks that the database answers, within ctx.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("storage: ping: %w", err)
	}
	return nil
}

func (s *Store) ping(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return s.client.Ping(ctx, readpref.Primary())
}

// Embedded reports whether the Store runs on the embedded FerretDB server,
// where multi-document atomicity rests on unique-index inserts only.
func (s *Store) Embedded() bool { return s.embedded != nil }

// Database returns the opsbot database, for repositories built on the Store.
func (s *Store) Database() *mongo.Database { return s.db }

// Audit returns the audit log repository.
func (s *Store) Audit() *AuditLog { return s.audit }
