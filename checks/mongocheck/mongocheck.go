// Package mongocheck checks a MongoDB the monitored service uses: a ping,
// its latency, and optionally how many recent documents a collection holds
// (security events in the last hour, say).
package mongocheck

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/opsbot/opsbot/checks"
)

// Checker checks one MongoDB through a client of its own, connected at the
// first Check and reused after that; Close disconnects it. It is safe for
// concurrent use.
type Checker struct {
	o Options

	mu      sync.Mutex
	client  *mongo.Client // nil until created by the first Check
	dialing *dialing      // the client's creation in flight, if any
	warm    bool          // the client has answered a ping
	closed  bool
}

var _ checks.Checker = (*Checker)(nil)

// New returns a Checker for o, or an error naming the first invalid field.
// It does not connect; the first Check does. The caller must Close it.
func New(o Options) (checks.Checker, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Checker{o: o}, nil
}

// Check pings the server (with the URI's read preference, the primary by
// default) and runs Count if set. Value is the ping latency in
// milliseconds; Metrics hold ping_ms, count with Count, and connect_ms on
// a run that connected. A failed ping is critical; a slow ping, a count
// above Count.WarnAbove or a failed count warn; a count above
// Count.CritAbove is critical.
func (c *Checker) Check(ctx context.Context) checks.Result {
	return checks.Timed(ctx, c.o.Timeout, c.o.Now, c.run)
}

func (c *Checker) run(ctx context.Context) checks.Result {
	client, warm, err := c.connect(ctx)
	switch {
	case errors.Is(err, errClosed):
		return checks.Fail("checker closed")
	case err != nil:
		return checks.Fail("MongoDB not reachable: %s", problem(ctx, err))
	}
	metrics := map[string]float64{}
	if !warm {
		// The first ping also dials, does the TLS handshake and
		// authenticates; time it apart so it does not read as latency.
		start := time.Now()
		if err := client.Ping(ctx, nil); err != nil {
			return checks.Fail("MongoDB not reachable: %s", problem(ctx, err))
		}
		metrics["connect_ms"] = checks.Millis(time.Since(start))
		c.setWarm()
	}
	start := time.Now()
	if err := client.Ping(ctx, nil); err != nil {
		r := checks.Fail("MongoDB not reachable: %s", problem(ctx, err))
		r.Metrics = metrics
		return r
	}
	ping := time.Since(start)
	metrics["ping_ms"] = checks.Millis(ping)
	r := checks.Result{Value: checks.Millis(ping), Unit: "ms", Metrics: metrics}

	parts := []string{"ping " + checks.FormatLatency(ping)}
	if ping > c.o.PingWarnAfter {
		r.Status = checks.StatusWarn
		parts[0] += " (warn above " + checks.FormatDuration(c.o.PingWarnAfter) + ")"
	}
	if c.o.Count != nil {
		s, msg := c.count(ctx, client, metrics)
		r.Status = checks.Worst(r.Status, s)
		parts = append(parts, msg)
	}
	r.Message = strings.Join(parts, "; ")
	return r
}
