// Package pgcheck checks a PostgreSQL database (Supabase, say): it connects,
// runs "select 1" and measures how long that took.
//
// Every run opens a connection of its own and closes it: a check once a
// minute does not justify holding one of the few connections a hosted
// database allows, and a fresh connection is what a restarting service
// would get.
package pgcheck

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opsbot/opsbot/checks"
)

// closeTimeout bounds saying goodbye to the server after a run.
const closeTimeout = time.Second

// Checker checks one database. It holds no connection between runs and is
// safe for concurrent use.
type Checker struct {
	o   Options
	cfg *pgx.ConnConfig
}

var _ checks.Checker = (*Checker)(nil)

// New returns a Checker for o, or an error naming the first invalid field.
func New(o Options) (checks.Checker, error) {
	o, cfg, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "opsbot-check"
	}
	// The simple protocol prepares nothing, so a transaction-mode pooler
	// (Supabase's Supavisor, PgBouncer) cannot trip over a statement
	// prepared on another server connection.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	return &Checker{o: o, cfg: cfg}, nil
}

// Check connects and runs "select 1". A failure is critical; taking longer
// than Options.WarnAfter warns. Value is the whole run's latency in
// milliseconds; Metrics hold latency_ms, connect_ms and query_ms.
func (c *Checker) Check(ctx context.Context) checks.Result {
	return checks.Timed(ctx, c.o.Timeout, c.o.Now, c.run)
}

func (c *Checker) run(ctx context.Context) checks.Result {
	start := time.Now()
	conn, err := pgx.ConnectConfig(ctx, c.cfg)
	if err != nil {
		return checks.Fail("PostgreSQL not reachable: %s", c.problem(ctx, err))
	}
	defer func() {
		// A fresh context: the run's may be spent, and the server should
		// still hear goodbye.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	connected := time.Now()

	var one int
	if err := conn.QueryRow(ctx, "select 1").Scan(&one); err != nil {
		return checks.Fail("select 1 failed: %s", c.problem(ctx, err))
	}
	if one != 1 {
		return checks.Fail("select 1 answered %d", one)
	}
	end := time.Now()

	total, connect, query := end.Sub(start), connected.Sub(start), end.Sub(connected)
	r := checks.Result{
		Value: checks.Millis(total),
		Unit:  "ms",
		Metrics: map[string]float64{
			"latency_ms": checks.Millis(total),
			"connect_ms": checks.Millis(connect),
			"query_ms":   checks.Millis(query),
		},
		Message: fmt.Sprintf("select 1 in %s (connect %s)", checks.FormatLatency(total), checks.FormatLatency(connect)),
	}
	if total > c.o.WarnAfter {
		r.Status = checks.StatusWarn
		r.Message = fmt.Sprintf("slow: select 1 in %s (warn above %s; connect %s)", checks.FormatLatency(total), checks.FormatDuration(c.o.WarnAfter), checks.FormatLatency(connect))
	}
	return r
}
