// Command opsbot is a Telegram ChatOps bot for a production service's ops
// team: checks, incidents, escalation, maintenance windows and digests.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/config"
)

func main() {
	os.Exit(run())
}

func run() int {
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		// One line per problem, each saying what to do.
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	log := app.NewLogger(os.Stderr, cfg.Log.Level, cfg.Log.Format, cfg.Telegram.Token, cfg.Storage.URI)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.New(cfg, app.Options{Logger: log}).Run(ctx); err != nil {
		log.Error("opsbot stopped", "err", err)
		return 1
	}
	return 0
}
