package checks

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// State is where a rule stands for one check.
type State string

// States of a rule for one check. Inactive is also the zero value's
// meaning: "" reads as inactive.
const (
	// StateInactive: the condition does not hold.
	StateInactive State = "inactive"
	// StatePending: the condition holds, not yet for the rule's For.
	StatePending State = "pending"
	// StateFiring: the condition has held for For; Fired was emitted.
	StateFiring State = "firing"
	// StateRecovering: firing, but the condition has stopped holding, not
	// yet for the rule's RecoverFor.
	StateRecovering State = "recovering"
)

// RuleState is the held state of one rule for one check: what must
// survive a restart so that a 2-minute hold or a firing alert is not lost
// or repeated. It is plain data, ready for JSON or BSON.
type RuleState struct {
	Rule  string `json:"rule" bson:"rule"`
	Check string `json:"check" bson:"check"`
	State State  `json:"state" bson:"state"`
	// Since is when the condition started holding (pending, firing and
	// recovering states).
	Since time.Time `json:"since" bson:"since"`
	// FiredAt is when the rule fired (firing and recovering states).
	FiredAt time.Time `json:"fired_at" bson:"fired_at"`
	// RecoverSince is when the condition stopped holding (recovering).
	RecoverSince time.Time `json:"recover_since" bson:"recover_since"`
	// LastChange is when State last changed.
	LastChange time.Time `json:"last_change" bson:"last_change"`
}

// Key returns "rule|check", unique per state: a store's natural _id.
func (s RuleState) Key() string { return StateKey(s.Rule, s.Check) }

// StateKey returns the Key of the state of rule for check.
func StateKey(rule, check string) string { return rule + "|" + check }

// Active reports whether the state is anything but inactive.
func (s RuleState) Active() bool { return s.State != StateInactive && s.State != "" }

// StateStore keeps rule states across restarts. The Evaluator saves a
// state whenever it changes (inactive states included, so a store may
// delete on them) and loads them all once at start.
type StateStore interface {
	LoadStates(ctx context.Context) ([]RuleState, error)
	SaveState(ctx context.Context, s RuleState) error
}

// MemoryStates is a StateStore in memory, for tests and for running
// without a database. The zero value is ready to use.
type MemoryStates struct {
	mu     sync.Mutex
	states map[string]RuleState
}

var _ StateStore = (*MemoryStates)(nil)

// LoadStates returns the saved states, sorted by Key.
func (m *MemoryStates) LoadStates(context.Context) ([]RuleState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]RuleState, 0, len(m.states))
	for _, s := range m.states {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b RuleState) int { return strings.Compare(a.Key(), b.Key()) })
	return out, nil
}

// SaveState stores s under its Key, replacing what was there.
func (m *MemoryStates) SaveState(_ context.Context, s RuleState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.states == nil {
		m.states = make(map[string]RuleState)
	}
	m.states[s.Key()] = s
	return nil
}
