package checks

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// TransitionKind says whether a rule fired or resolved.
type TransitionKind string

// The two transitions that travel beyond the checks package.
const (
	Fired    TransitionKind = "fired"
	Resolved TransitionKind = "resolved"
)

// Transition is a rule firing or resolving for one check. Only
// transitions leave the Evaluator: a steady state, good or bad, yields
// nothing.
type Transition struct {
	Kind TransitionKind
	// Rule is the rule as configured, its Severity and escalation included.
	Rule  Rule
	Check string
	// Since is when the condition started holding.
	Since time.Time
	// FiredAt is when the rule fired; for Fired it equals At.
	FiredAt time.Time
	// At is the ObservedAt of the Result that caused the transition.
	At time.Time
	// Duration is, for Fired, how long the condition had held (at least
	// the rule's For); for Resolved, how long it held in all, from Since
	// to the first Result of the recovery that stuck.
	Duration time.Duration
	// Last is the Result that caused the transition.
	Last Result
}

// TransitionSink receives the Evaluator's transitions; the incident
// engine implements it. Transition is called synchronously, in order for
// each check, so it should be quick and must not call Observe for the
// same check. Delivery is at least once: a crash between a transition and
// the save of its state repeats it after the restart.
type TransitionSink interface {
	Transition(ctx context.Context, t Transition)
}

// TransitionFunc adapts a function to TransitionSink.
type TransitionFunc func(ctx context.Context, t Transition)

// Transition calls f.
func (f TransitionFunc) Transition(ctx context.Context, t Transition) { f(ctx, t) }

// EvaluatorOptions are an Evaluator's collaborators; all optional.
type EvaluatorOptions struct {
	// Sink receives the transitions; nil drops them.
	Sink TransitionSink
	// Store keeps rule states across restarts; nil keeps them in memory only.
	Store StateStore
	// Logger gets transitions (info) and store failures (warn); scope it
	// with a component before. Default: discard.
	Logger *slog.Logger
}

// Evaluator applies rules to Results and emits transitions. It is safe
// for concurrent use: Results of different checks are evaluated in
// parallel, those of one check one at a time, and a Result older than the
// newest one seen for its check is ignored.
type Evaluator struct {
	rules []Rule
	sink  TransitionSink
	store StateStore
	log   *slog.Logger

	mu     sync.Mutex
	checks map[string]*checkStates
}

// checkStates are the states of the rules that apply to one check.
type checkStates struct {
	mu     sync.Mutex
	newest time.Time // ObservedAt of the newest Result evaluated
	rules  []int     // indexes into Evaluator.rules
	states []RuleState
}

// NewEvaluator validates the rules and returns an Evaluator with every
// rule inactive; call Load to restore saved states before the first
// Observe.
func NewEvaluator(rules []Rule, opts EvaluatorOptions) (*Evaluator, error) {
	seen := make(map[string]bool, len(rules))
	own := make([]Rule, len(rules))
	for i, r := range rules {
		if err := r.Validate(); err != nil {
			return nil, fmt.Errorf("rules[%d] (%s): %w", i, r.Name, err)
		}
		if seen[r.Name] {
			return nil, fmt.Errorf("%w: rules[%d]: name %q is used twice", ErrInvalid, i, r.Name)
		}
		seen[r.Name] = true
		r.Checks = slices.Clone(r.Checks)
		r.When = slices.Clone(r.When)
		own[i] = r
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sink := opts.Sink
	if sink == nil {
		sink = TransitionFunc(func(context.Context, Transition) {})
	}
	return &Evaluator{
		rules:  own,
		sink:   sink,
		store:  opts.Store,
		log:    log,
		checks: make(map[string]*checkStates),
	}, nil
}

// Rules returns the rules, in the order given.
func (e *Evaluator) Rules() []Rule { return slices.Clone(e.rules) }

// Load restores the held states from the store. States of rules that no
// longer exist, or no longer apply to their check, are dropped.
func (e *Evaluator) Load(ctx context.Context) error {
	if e.store == nil {
		return nil
	}
	saved, err := e.store.LoadStates(ctx)
	if err != nil {
		return fmt.Errorf("load rule states: %w", err)
	}
	for _, s := range saved {
		if !s.Active() {
			continue
		}
		cs := e.forCheck(s.Check)
		cs.mu.Lock()
		i := slices.IndexFunc(cs.states, func(have RuleState) bool { return have.Rule == s.Rule })
		if i >= 0 {
			cs.states[i] = s
		}
		cs.mu.Unlock()
		if i < 0 {
			e.log.Info("dropped the saved state of a rule that no longer applies", "rule", s.Rule, "check", s.Check, "state", s.State)
		}
	}
	return nil
}

// States returns every rule state that is not inactive, sorted by Key:
// what is pending, firing or recovering now.
func (e *Evaluator) States() []RuleState {
	e.mu.Lock()
	all := make([]*checkStates, 0, len(e.checks))
	for _, cs := range e.checks {
		all = append(all, cs)
	}
	e.mu.Unlock()
	var out []RuleState
	for _, cs := range all {
		cs.mu.Lock()
		for _, s := range cs.states {
			if s.Active() {
				out = append(out, s)
			}
		}
		cs.mu.Unlock()
	}
	slices.SortFunc(out, func(a, b RuleState) int { return strings.Compare(a.Key(), b.Key()) })
	return out
}

// Observe evaluates every rule that applies to res.Check, emits the
// transitions and saves the states that changed. A failing store is
// logged, not fatal: the rules go on in memory.
func (e *Evaluator) Observe(ctx context.Context, res Result) {
	if res.Check == "" {
		return
	}
	cs := e.forCheck(res.Check)
	if len(cs.rules) == 0 {
		return
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if res.ObservedAt.Before(cs.newest) {
		e.log.Debug("ignored an out-of-order result", "check", res.Check, "observed_at", res.ObservedAt)
		return
	}
	cs.newest = res.ObservedAt
	for j, i := range cs.rules {
		rule := &e.rules[i]
		holds, known := rule.eval(res)
		if !known {
			continue
		}
		st := &cs.states[j]
		tr, changed := step(st, rule, holds, res.ObservedAt)
		if !changed {
			continue
		}
		if tr != nil {
			tr.Rule, tr.Check, tr.Last = *rule, res.Check, res
			e.log.Info("rule "+string(tr.Kind), "rule", rule.Name, "check", res.Check,
				"severity", rule.Severity, "since", tr.Since, "duration", tr.Duration, "message", res.Message)
			e.sink.Transition(ctx, *tr)
		}
		if e.store != nil {
			if err := e.store.SaveState(ctx, *st); err != nil {
				e.log.Warn("could not save a rule state", "rule", rule.Name, "check", res.Check, "state", st.State, "err", err)
			}
		}
	}
}

// forCheck returns the states of the named check, creating them inactive.
func (e *Evaluator) forCheck(check string) *checkStates {
	e.mu.Lock()
	defer e.mu.Unlock()
	if cs := e.checks[check]; cs != nil {
		return cs
	}
	cs := &checkStates{}
	for i, r := range e.rules {
		if r.Applies(check) {
			cs.rules = append(cs.rules, i)
			cs.states = append(cs.states, RuleState{Rule: r.Name, Check: check, State: StateInactive})
		}
	}
	e.checks[check] = cs
	return cs
}

// step moves st on by one observation at t of a condition that holds or
// not. It reports whether st changed and returns the transition, if any,
// with Kind and times filled in.
//
//	inactive --holds--> pending --held For--> firing (Fired)
//	pending --false--> inactive               (a flap restarts the hold)
//	firing --false--> recovering --false for RecoverFor--> inactive (Resolved)
//	recovering --holds--> firing              (no new Fired)
//
// With For zero, inactive goes straight to firing; with RecoverFor zero,
// firing straight to inactive.
func step(st *RuleState, r *Rule, holds bool, t time.Time) (*Transition, bool) {
	switch st.State {
	case StatePending:
		if !holds {
			reset(st, t)
			return nil, true
		}
		if t.Sub(st.Since) >= r.For {
			return fire(st, t), true
		}
	case StateFiring:
		if holds {
			return nil, false
		}
		if r.RecoverFor <= 0 {
			return resolve(st, t, t), true
		}
		st.State, st.RecoverSince, st.LastChange = StateRecovering, t, t
		return nil, true
	case StateRecovering:
		if holds {
			st.State, st.RecoverSince, st.LastChange = StateFiring, time.Time{}, t
			return nil, true
		}
		if t.Sub(st.RecoverSince) >= r.RecoverFor {
			return resolve(st, st.RecoverSince, t), true
		}
	default:
		if !holds {
			return nil, false
		}
		st.Since = t
		if r.For <= 0 {
			return fire(st, t), true
		}
		st.State, st.LastChange = StatePending, t
		return nil, true
	}
	return nil, false
}

func fire(st *RuleState, t time.Time) *Transition {
	st.State, st.FiredAt, st.LastChange = StateFiring, t, t
	return &Transition{Kind: Fired, Since: st.Since, FiredAt: t, At: t, Duration: t.Sub(st.Since)}
}

// resolve ends a firing state; recovered is when the condition stopped
// holding for good.
func resolve(st *RuleState, recovered, t time.Time) *Transition {
	tr := &Transition{Kind: Resolved, Since: st.Since, FiredAt: st.FiredAt, At: t, Duration: recovered.Sub(st.Since)}
	reset(st, t)
	return tr
}

func reset(st *RuleState, t time.Time) {
	*st = RuleState{Rule: st.Rule, Check: st.Check, State: StateInactive, LastChange: t}
}
