package incident

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Level is a rung of the escalation matrix, 1 to 4.
type Level int

// The checklist's levels.
const (
	L1 Level = 1 // automated response
	L2 Level = 2 // technical lead
	L3 Level = 3 // senior architect + security officer
	L4 Level = 4 // vendor support
)

// MaxLevels is the most levels a Policy may have.
const MaxLevels = 4

// String returns "L2".
func (l Level) String() string { return "L" + strconv.Itoa(int(l)) }

// LevelPolicy says who a level pages and when.
type LevelPolicy struct {
	// Level is the level's number; Policy.Levels[i].Level is i+1.
	Level Level `json:"level" bson:"level"`
	// Name is shown on the card, e.g. "Technical lead".
	Name string `json:"name" bson:"name"`
	// Notify are Telegram "@usernames" or numeric user ids to mention;
	// empty pages the ops chat without mentions.
	Notify []string `json:"notify" bson:"notify"`
	// After is how long after the opening, counting only time neither
	// acknowledged nor snoozed, the level is paged; level 1's is zero.
	After time.Duration `json:"after" bson:"after"`
	// Action names an automated action the engine runs when the level is
	// paged, e.g. "restart"; empty runs none. Only level 1 may have one,
	// and it runs at most once per incident.
	Action string `json:"action,omitempty" bson:"action,omitempty"`
}

// Policy is an escalation policy; every incident keeps a snapshot of the
// one in force when it opened, so a config change does not move the
// timers of incidents already open.
type Policy struct {
	// Levels are the levels in order, 1 first.
	Levels []LevelPolicy `json:"levels" bson:"levels"`
	// ReopenWindow is how long after its resolution a failure of the same
	// fingerprint reopens the incident instead of opening a new one; zero
	// never reopens.
	ReopenWindow time.Duration `json:"reopen_window" bson:"reopen_window"`
}

// DefaultPolicy returns the checklist's escalation matrix: L1 automated
// response at once (restart once, notify on-call), L2 technical lead at
// 5m, L3 senior architect + security officer at 30m, L4 vendor support
// at 2h; a failure within 30m of the resolution reopens the incident.
// Nobody is mentioned until the config names people.
func DefaultPolicy() Policy {
	return Policy{
		Levels: []LevelPolicy{
			{Level: L1, Name: "Automated response", After: 0, Action: "restart"},
			{Level: L2, Name: "Technical lead", After: 5 * time.Minute},
			{Level: L3, Name: "Senior architect + security officer", After: 30 * time.Minute},
			{Level: L4, Name: "Vendor support", After: 2 * time.Hour},
		},
		ReopenWindow: 30 * time.Minute,
	}
}

// Validate reports the first problem, with its field path.
func (p Policy) Validate() error {
	if n := len(p.Levels); n == 0 || n > MaxLevels {
		return fmt.Errorf("%w: levels: want 1 to %d levels, have %d", ErrInvalidPolicy, MaxLevels, n)
	}
	if p.ReopenWindow < 0 {
		return fmt.Errorf("%w: reopen_window: must not be negative", ErrInvalidPolicy)
	}
	for i, lp := range p.Levels {
		switch {
		case lp.Level != Level(i+1):
			return fmt.Errorf("%w: levels[%d].level: want %d, have %d", ErrInvalidPolicy, i, i+1, lp.Level)
		case lp.Name == "":
			return fmt.Errorf("%w: levels[%d].name: must not be empty", ErrInvalidPolicy, i)
		case i == 0 && lp.After != 0:
			return fmt.Errorf("%w: levels[0].after: level 1 is paged at opening, want 0", ErrInvalidPolicy)
		case i > 0 && lp.After <= p.Levels[i-1].After:
			return fmt.Errorf("%w: levels[%d].after: %s must be later than level %d's %s",
				ErrInvalidPolicy, i, lp.After, i, p.Levels[i-1].After)
		case i > 0 && lp.Action != "":
			return fmt.Errorf("%w: levels[%d].action: only level 1 runs an automated action", ErrInvalidPolicy, i)
		}
		for j, who := range lp.Notify {
			if !validRecipient(who) {
				return fmt.Errorf("%w: levels[%d].notify[%d]: %q is neither @username (5-32 letters, digits, _) nor a numeric user id",
					ErrInvalidPolicy, i, j, who)
			}
		}
	}
	return nil
}

func validRecipient(s string) bool {
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		return id > 0
	}
	name, ok := strings.CutPrefix(s, "@")
	if !ok || len(name) < 5 || len(name) > 32 {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// ForRule returns a deep copy of p in which level 2 is paged after
// escalateAfter, the rule's "escalate if unresolved" time; each later
// level keeps its time if that still comes after the level before it, and
// otherwise follows it by the original gap. Zero (or a one-level policy)
// changes nothing. See the package doc for examples.
func (p Policy) ForRule(escalateAfter time.Duration) Policy {
	out := p.clone()
	if escalateAfter <= 0 || len(out.Levels) < 2 {
		return out
	}
	out.Levels[1].After = escalateAfter
	for i := 2; i < len(out.Levels); i++ {
		if out.Levels[i].After <= out.Levels[i-1].After {
			out.Levels[i].After = out.Levels[i-1].After + p.Levels[i].After - p.Levels[i-1].After
		}
	}
	return out
}

func (p Policy) clone() Policy {
	out := p
	out.Levels = slices.Clone(p.Levels)
	for i := range out.Levels {
		out.Levels[i].Notify = slices.Clone(out.Levels[i].Notify)
	}
	return out
}

// Top returns the policy's last level.
func (p Policy) Top() Level { return Level(len(p.Levels)) }

// ForLevel returns the policy of level l; ok is false when p has no
// such level.
func (p Policy) ForLevel(l Level) (lp LevelPolicy, ok bool) {
	if l < 1 || int(l) > len(p.Levels) {
		return LevelPolicy{}, false
	}
	return p.Levels[l-1], true
}

// gap returns how long level l+1 waits after level l; ok is false when l
// is the last level.
func (p Policy) gap(l Level) (time.Duration, bool) {
	if l < 1 || int(l) >= len(p.Levels) {
		return 0, false
	}
	return p.Levels[l].After - p.Levels[l-1].After, true
}
