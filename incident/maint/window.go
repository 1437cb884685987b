package maint

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// ErrInvalid is wrapped by the errors of Validate: a window or recurrence
// that cannot be scheduled as it is.
var ErrInvalid = errors.New("maint: invalid")

// ErrUnknown is wrapped by the errors for a window id that does not exist
// (storage.ErrWindowNotFound matches it too).
var ErrUnknown = errors.New("no such maintenance window")

// MaxEarlyStart bounds how long before its scheduled start a window may be
// started by hand. Starting a window next week "now" is a new window, not
// this one; the bound also lets [Calendar] find early-started recurring
// windows with a fixed look-ahead.
const MaxEarlyStart = 24 * time.Hour

// Kind is where a window comes from.
type Kind string

// The kinds of window.
const (
	// KindOneOff is a window an admin scheduled; it is stored ("M-3").
	KindOneOff Kind = "one-off"
	// KindRecurring is an occurrence of a [Recurrence]; it is computed,
	// and stored only as an override (early end or start, cancellation).
	KindRecurring Kind = "recurring"
	// KindEmergency is emergency maintenance; it is stored like a one-off.
	KindEmergency Kind = "emergency"
)

// Phase is where a window is at a moment.
type Phase string

// The phases, in the order a window goes through them.
const (
	// PhaseScheduled is before the notice period.
	PhaseScheduled Phase = "scheduled"
	// PhaseAnnounced is within the notice period: users have been told.
	PhaseAnnounced Phase = "announced"
	// PhaseActive is while pages of the checks in scope are held.
	PhaseActive Phase = "active"
	// PhaseEnded is after the window (or its early end).
	PhaseEnded Phase = "ended"
	// PhaseCanceled is a window called off before it started.
	PhaseCanceled Phase = "canceled"
)

// Window is one maintenance window: stored (one-off, emergency) or an
// occurrence of a recurrence. Times are instants; callers show them in UTC.
type Window struct {
	// ID is "M-3" for stored windows and "<recurrence>-<local date>"
	// ("monthly-2026-12-06") for recurring ones: deterministic, so an
	// override and a notice's once-claim find the same occurrence again.
	ID    string
	Title string
	Kind  Kind
	// Start and End are the scheduled span, End exclusive.
	Start, End time.Time
	// Notice is how long before Start users are told.
	Notice time.Duration
	// Scope lists check names or path.Match patterns; empty is all checks.
	Scope     []string
	CreatedBy string
	// Canceled is set when the window was called off before it started;
	// EndedAt then records when.
	Canceled bool
	// EndedAt is set when the window was ended early (or canceled).
	EndedAt time.Time
	// StartedAt is set when the window was started early ("start now").
	StartedAt time.Time
}

// FormatID returns the id of stored window n: "M-3".
func FormatID(n int64) string { return "M-" + strconv.FormatInt(n, 10) }

// ParseID reads a stored window's id: "M-3", "m-3" or "3".
func ParseID(s string) (int64, error) {
	num := s
	if len(s) > 2 && (s[0] == 'M' || s[0] == 'm') && s[1] == '-' {
		num = s[2:]
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || num[0] == '+' {
		return 0, fmt.Errorf("%w: %q is not a maintenance window id", ErrInvalid, s)
	}
	return n, nil
}

// EffectiveStart is when the window became (or becomes) active: StartedAt
// if it was started early, else Start.
func (w Window) EffectiveStart() time.Time {
	if !w.StartedAt.IsZero() && w.StartedAt.Before(w.Start) {
		return w.StartedAt
	}
	return w.Start
}

// EffectiveEnd is when the window stopped (or stops) being active:
// EndedAt if it was ended early, else End.
func (w Window) EffectiveEnd() time.Time {
	if !w.EndedAt.IsZero() && w.EndedAt.Before(w.End) {
		return w.EndedAt
	}
	return w.End
}

// Phase returns where w is at now. Start is inclusive and End exclusive,
// so at End the window has ended; an early start or end moves the
// boundary, and a canceled window stays canceled.
func (w Window) Phase(now time.Time) Phase {
	switch {
	case w.Canceled:
		return PhaseCanceled
	case !now.Before(w.EffectiveEnd()):
		return PhaseEnded
	case !now.Before(w.EffectiveStart()):
		return PhaseActive
	case w.Notice > 0 && !now.Before(w.Start.Add(-w.Notice)):
		return PhaseAnnounced
	}
	return PhaseScheduled
}

// InScope reports whether check is in w's scope: every check when the
// scope is empty, else the checks a pattern matches (path.Match, so "db-*"
// covers "db-main"; a malformed pattern matches only itself).
func (w Window) InScope(check string) bool {
	if len(w.Scope) == 0 {
		return true
	}
	for _, p := range w.Scope {
		if p == check {
			return true
		}
		if ok, err := path.Match(p, check); err == nil && ok {
			return true
		}
	}
	return false
}

// Covers reports whether w holds the pages of check at at: it is active
// then and check is in its scope.
func (w Window) Covers(check string, at time.Time) bool {
	return w.Phase(at) == PhaseActive && w.InScope(check)
}

// Validate reports what keeps w from being scheduled, one problem per
// field, each wrapping ErrInvalid.
func (w Window) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: window %s: %s: %s", ErrInvalid, w.ID, field, fmt.Sprintf(format, args...)))
	}
	if strings.TrimSpace(w.Title) == "" {
		bad("title", "missing")
	}
	switch w.Kind {
	case KindOneOff, KindRecurring, KindEmergency:
	default:
		bad("kind", "%q is not one-off, recurring or emergency", w.Kind)
	}
	switch {
	case w.Start.IsZero() || w.End.IsZero():
		bad("start", "start and end are both required")
	case !w.Start.Before(w.End):
		bad("end", "%s is not after the start %s", w.End.UTC().Format(time.RFC3339), w.Start.UTC().Format(time.RFC3339))
	}
	if w.Notice < 0 {
		bad("notice", "%s is negative", w.Notice)
	}
	if err := validScope(w.Scope); err != nil {
		bad("scope", "%v", err)
	}
	return errors.Join(errs...)
}

// validScope checks that every scope entry is a usable pattern.
func validScope(scope []string) error {
	for _, p := range scope {
		if strings.TrimSpace(p) == "" {
			return errors.New("an entry is empty")
		}
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("%q is not a valid pattern", p)
		}
	}
	return nil
}
