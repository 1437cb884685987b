package checks

import "errors"

// Sentinel errors of the package; compare with errors.Is.
var (
	// ErrInvalid wraps every configuration problem NewEvaluator,
	// NewRunner and ParseCondition report; the message says which field
	// and what is allowed.
	ErrInvalid = errors.New("invalid")
	// ErrUnknownCheck is returned by Runner.RunNow for a name no Spec has.
	ErrUnknownCheck = errors.New("unknown check")
	// ErrStopped is returned by Runner methods called after Stop.
	ErrStopped = errors.New("runner stopped")
	// ErrStarted is returned by a second Runner.Start.
	ErrStarted = errors.New("runner already started")
)
