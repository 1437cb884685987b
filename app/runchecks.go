package app

import (
	"fmt"

	"github.com/go-co-op/gocron/v2"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/scheduler"
	"github.com/opsbot/opsbot/storage"
)

// newChecks builds the rules and the runner, not started: the leader
// loads the rules' held states and starts the runner when it is elected.
// Until then the runner only runs checks on demand (/health), whose
// results reach the history but not the rules.
func (a *App) newChecks(set *checkSet, store *storage.Store, sink checks.TransitionSink, leader *scheduler.Leader, history checks.ResultSink) (*checks.Runner, *checks.Evaluator, error) {
	eval, err := checks.NewEvaluator(set.rules, checks.EvaluatorOptions{
		Sink: sink, Store: store.RuleStates(), Logger: a.log.With("component", "rules"),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("rules: %w", err)
	}
	hostInterval := a.cfg.Checks.HostInterval
	if hostInterval == 0 {
		hostInterval = -1 // the config's 0 turns the limit off
	}
	runner, err := checks.NewRunner(set.specs, checks.RunnerOptions{
		Clock: a.clock, Logger: a.log.With("component", "checks"), Workers: a.cfg.Checks.Workers,
		HostInterval: hostInterval, Rules: leaderRules{rules: eval, leader: leader}, Sink: history,
		SchedulerOptions: []gocron.SchedulerOption{leader.Elector()},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("checks: %w", err)
	}
	return runner, eval, nil
}
