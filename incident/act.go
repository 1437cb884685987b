package incident

import (
	"errors"
	"strconv"
	"time"
)

// ErrUnknown reports an incident or storm id that does not exist.
var ErrUnknown = errors.New("no such incident")

// Op is a person's command on an incident, from a button or a chat command.
type Op string

// The ops. Their one-letter codes go into callback data.
const (
	OpAcknowledge Op = "ack"
	OpEscalate    Op = "escalate"
	OpResolve     Op = "resolve"
	OpSnooze      Op = "snooze"
)

// Act is an Op on an incident ("INC-42") or on every unresolved incident
// of an alert storm ("S-3"), by a person.
type Act struct {
	Op     Op
	Target string
	// By names who acts: "@alice", or "user 12345" without a username.
	By   string
	Note string
	// Snooze is how long OpSnooze snoozes; zero uses the configured time.
	Snooze time.Duration
	At     time.Time
}

// ActResult is what an Act did: the incidents it changed (as stored
// after the change) and the ones whose state refused it, with the reason
// (a *TransitionError, whose Error is a chat-ready sentence). An Act on one
// incident has exactly one of the two.
type ActResult struct {
	Changed []Incident
	Refused []error
}

// Silence mutes the pages of one check until Until: its incidents still
// open and are recorded, but nobody is paged (KindSuppressed).
type Silence struct {
	Check  string
	Until  time.Time
	By     string
	At     time.Time
	Reason string
}

// StormID returns the id of alert storm n: "S-3".
func StormID(n int64) string { return "S-" + strconv.FormatInt(n, 10) }
