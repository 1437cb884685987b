package mongocheck

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// problem condenses a driver error into a few words for a chat. Driver
// errors are long (a server selection error lists the whole topology) and
// may quote hosts and options, so only known shapes are named; the text is
// never passed on.
func problem(ctx context.Context, err error) string {
	var cmdErr mongo.CommandError
	if errors.As(err, &cmdErr) && cmdErr.Name != "" {
		if cmdErr.Code == 13 || cmdErr.Code == 18 {
			return "not authorised (" + cmdErr.Name + ")"
		}
		return fmt.Sprintf("server error %s (%d)", cmdErr.Name, cmdErr.Code)
	}
	text := strings.ToLower(err.Error())
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(text, s) {
				return true
			}
		}
		return false
	}
	switch {
	case has("authentication failed", "auth error", "unable to authenticate"):
		return "authentication failed"
	case has("connection refused"):
		return "connection refused"
	case has("no such host", "server misbehaving", "lookup "):
		return "cannot resolve the host"
	case has("x509", "certificate"):
		return "TLS certificate problem"
	case has("tls", "handshake"):
		return "TLS handshake failed"
	case has("connection reset", "broken pipe", "eof"):
		return "connection closed by the server"
	case ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "cancelled"
	case mongo.IsTimeout(err), errors.Is(ctx.Err(), context.DeadlineExceeded), has("timeout", "timed out", "deadline exceeded"):
		return "timed out"
	case errors.Is(err, mongo.ErrClientDisconnected):
		return "client disconnected"
	default:
		return "failed"
	}
}
