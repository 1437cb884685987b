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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.LookupEnv, os.Stderr)
	stop()
	os.Exit(code)
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
		log.Error("opsbot stopped", "err", err)
		return 1
	}
	return 0
}
