// Command opsbot is a Telegram ChatOps bot for a production service's ops
// team: checks, incidents, escalation, maintenance windows and digests.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/scheduler"
)

// exitLostLease is run's exit code when another replica took the leader
// lease over; main then starts opsbot afresh in the same process, as a
// standby.
const exitLostLease = 3

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.LookupEnv, os.Stderr)
	stop()
	if code == exitLostLease {
		restart()
	}
	os.Exit(code)
}

// restart replaces the process with a fresh opsbot (same pid, arguments
// and environment), so that a replica that lost the lease comes back as a
// standby without leaning on a supervisor's restart budget. When that
// fails, exiting with exitLostLease lets the supervisor restart it.
func restart() {
	exe, err := os.Executable()
	if err == nil {
		err = syscall.Exec(exe, os.Args, os.Environ())
	}
	fmt.Fprintln(os.Stderr, "opsbot: could not restart as a standby:", err)
}

// run is opsbot from configuration to shutdown; it returns the exit code.
// A bad configuration stops it before it connects to anything, with one
// line per problem on stderr.
func run(ctx context.Context, getenv func(string) (string, bool), stderr io.Writer) int {
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	log := app.NewLogger(stderr, cfg.Log.Level, cfg.Log.Format, cfg.Secrets()...)
	if err := app.New(cfg, app.Options{Logger: log}).Run(ctx); err != nil {
		var bad *config.Error
		if errors.As(err, &bad) {
			fmt.Fprintln(stderr, bad)
			return 2
		}
		if errors.Is(err, scheduler.ErrLostLeadership) {
			log.Warn("restarting as a standby", "err", err)
			return exitLostLease
		}
		log.Error("opsbot stopped", "err", err)
		return 1
	}
	return 0
}
