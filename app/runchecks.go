package app

import (
	"context"
	"fmt"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/storage"
)

// startChecks loads the rules' held states and starts the runner.
func (a *App) startChecks(ctx context.Context, set *checkSet, store *storage.Store, sink checks.TransitionSink) (*checks.Runner, *checks.Evaluator, error) {
	eval, err := checks.NewEvaluator(set.rules, checks.EvaluatorOptions{
		Sink: sink, Store: store.RuleStates(), Logger: a.log.With("component", "rules"),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("rules: %w", err)
	}
	if err := eval.Load(ctx); err != nil {
		return nil, nil, fmt.Errorf("rules: loading held states: %w", err)
	}
	hostInterval := a.cfg.Checks.HostInterval
	if hostInterval == 0 {
		hostInterval = -1 // the config's 0 turns the limit off
	}
	runner, err := checks.NewRunner(set.specs, checks.RunnerOptions{
		Clock: a.clock, Logger: a.log.With("component", "checks"), Workers: a.cfg.Checks.Workers,
		HostInterval: hostInterval, Rules: eval, Sink: store.History(),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("checks: %w", err)
	}
	if err := runner.Start(ctx); err != nil {
		return nil, nil, fmt.Errorf("checks: %w", err)
	}
	a.log.Info("checks running", "checks", len(set.specs), "rules", len(set.rules))
	return runner, eval, nil
}
