package storage

import (
	"errors"
	"fmt"
	"net"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// ErrUnreachable is returned (wrapped) by [Open] when no server answered
// within Options.ConnectTimeout.
var ErrUnreachable = errors.New("storage: database unreachable")

// ErrDataDirInUse is returned (wrapped) by [Open] when another running
// embedded server already serves the data directory.
var ErrDataDirInUse = errors.New("storage: data dir in use by another server")

// ErrInvalid is returned (wrapped) for arguments storage rejects: a data
// directory the embedded server cannot use, an audit entry of unknown kind.
var ErrInvalid = errors.New("storage: invalid argument")

// wrappedError carries a message of its own while keeping the errors it
// wraps reachable for errors.Is and errors.As. The message is short (and
// scrubbed of credentials); the wrapped driver error has the detail.
type wrappedError struct {
	msg  string
	errs []error
}

func (e *wrappedError) Error() string   { return e.msg }
func (e *wrappedError) Unwrap() []error { return e.errs }

// unreachableError turns a failed start-up ping into one readable sentence
// instead of the driver's topology dump.
func unreachableError(target string, timeout time.Duration, err error) error {
	if !mongo.IsTimeout(err) {
		return fmt.Errorf("storage: ping %s: %w", target, err)
	}
	msg := fmt.Sprintf("storage: %s not reachable within %s", target, timeout)
	if reason := serverError(err); reason != "" {
		msg += ": " + reason
	}
	return &wrappedError{msg: msg, errs: []error{ErrUnreachable, err}}
}

// serverError returns the last error the driver saw from a server during
// selection, shortened to its cause ("connect: connection refused").
func serverError(err error) string {
	var sel topology.ServerSelectionError
	if !errors.As(err, &sel) {
		return ""
	}
	for _, srv := range sel.Desc.Servers {
		if srv.LastError == nil {
			continue
		}
		var (
			op  *net.OpError
			dns *net.DNSError
		)
		switch {
		case errors.As(srv.LastError, &dns):
			return dns.Error()
		case errors.As(srv.LastError, &op) && op.Err != nil:
			return op.Err.Error()
		default:
			return srv.LastError.Error()
		}
	}
	return ""
}

// redactError scrubs uri and its secrets from err's message.
func redactError(err error, uri string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := scrub(msg, uri); clean != msg {
		return &wrappedError{msg: clean, errs: []error{err}}
	}
	return err
}

// IsDuplicateKeyError reports whether err is a unique-index violation, on
// MongoDB and on the embedded FerretDB alike. Build "exactly once" on it.
//
// FerretDB v1.24.2 answers an insert (and an upsert's insert) of an existing
// _id or unique key with E11000, as MongoDB does, which
// mongo.IsDuplicateKeyError recognises. An update or replace that would
// change a document into a duplicate, though, fails there with an
// InternalError (code 1) carrying SQLite's "UNIQUE constraint failed"; this
// function recognises that too.
func IsDuplicateKeyError(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCodeWithMessage(1, "UNIQUE constraint failed")
}

// IsUnavailable reports whether err means the database could not be
// reached (no server selected, a network error, a timeout), as opposed to
// a refusal of the command itself: the same command may succeed later.
func IsUnavailable(err error) bool {
	var sel topology.ServerSelectionError
	return err != nil && (errors.As(err, &sel) || mongo.IsNetworkError(err) || mongo.IsTimeout(err) ||
		errors.Is(err, mongo.ErrClientDisconnected))
}
