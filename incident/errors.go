package incident

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors; a *TransitionError wraps one of them, so test with
// errors.Is.
var (
	// ErrInvalid reports bad arguments: an empty comment, a snooze that
	// ends before it starts, a malformed id.
	ErrInvalid = errors.New("invalid")
	// ErrInvalidPolicy reports a Policy that fails Validate.
	ErrInvalidPolicy = errors.New("invalid escalation policy")
	// ErrResolved reports a command that needs an unresolved incident.
	ErrResolved = errors.New("incident is resolved")
	// ErrAcknowledged reports a second acknowledgement.
	ErrAcknowledged = errors.New("incident is acknowledged")
	// ErrTopLevel reports an escalation past the policy's last level.
	ErrTopLevel = errors.New("incident is at the last level")
	// ErrNotResolved reports a reopen of an incident that is not resolved.
	ErrNotResolved = errors.New("incident is not resolved")
	// ErrReopenWindow reports a reopen after the reopen window closed.
	ErrReopenWindow = errors.New("reopen window has passed")
)

// TransitionError is a command the incident's state does not allow. Its
// Error is a short sentence fit for a chat, e.g. "INC-42 is already
// resolved (by @alice 5m ago)" (the bot still HTML-escapes it).
type TransitionError struct {
	// ID is the incident's id, e.g. "INC-42".
	ID string
	// Op is the refused command: "acknowledge", "escalate", ...
	Op string
	// Status is the incident's status when the command was refused.
	Status Status
	// Err is one of the package's sentinel errors.
	Err error
	msg string
}

// Error returns the human message.
func (e *TransitionError) Error() string { return e.msg }

// Unwrap returns the sentinel.
func (e *TransitionError) Unwrap() error { return e.Err }

func refuse(inc Incident, op string, sentinel error, format string, args ...any) error {
	return &TransitionError{ID: inc.ID, Op: op, Status: inc.Status, Err: sentinel,
		msg: inc.ID + " " + fmt.Sprintf(format, args...)}
}

// byAgo renders "(by @alice 5m ago)"; an empty by is the recovery.
func byAgo(by string, then, now time.Time) string {
	if by == "" {
		by = "recovery"
	}
	return fmt.Sprintf("(by %s %s ago)", by, FormatDuration(now.Sub(then)))
}
