package incident

import (
	"fmt"
	"slices"
	"time"
)

// The commands below take the incident by value and return the changed
// copy (its timeline is never shared with the argument) and the effects
// to perform once it is stored. A command the state does not allow
// returns the incident unchanged, no effects and a *TransitionError; bad
// arguments return an error wrapping ErrInvalid.

// Acknowledge records that by is on it: the escalation clock stops, and
// a snooze ends.
func Acknowledge(inc Incident, by string, at time.Time) (Incident, []Effect, error) {
	if err := need(inc, "acknowledge", by, at); err != nil {
		return inc, nil, err
	}
	if inc.Status == StatusAcknowledged {
		return inc, nil, refuse(inc, "acknowledge", ErrAcknowledged, "is already acknowledged %s",
			byAgo(inc.AcknowledgedBy, inc.AcknowledgedAt, at))
	}
	inc = own(inc)
	inc.Status, inc.AcknowledgedBy, inc.AcknowledgedAt = StatusAcknowledged, by, at
	inc.stopClock()
	inc.record(TimelineEntry{At: at, Kind: KindAcknowledged, By: by, Level: inc.Level})
	return inc, inc.card(false), nil
}

// Escalate pages the next level at once, on by's word. An open
// incident's clock restarts for the level after; an acknowledged one
// stays acknowledged.
func Escalate(inc Incident, by, note string, at time.Time) (Incident, []Effect, error) {
	if err := need(inc, "escalate", by, at); err != nil {
		return inc, nil, err
	}
	if inc.Level >= inc.Policy.Top() {
		lp, _ := inc.Policy.ForLevel(inc.Level)
		return inc, nil, refuse(inc, "escalate", ErrTopLevel, "is already at the last level (%s %s)", inc.Level, lp.Name)
	}
	inc = own(inc)
	reason := "escalated by " + by
	if note != "" {
		reason += ": " + note
	}
	effects := inc.pageNext(at, at, by, note, reason)
	return inc, append(effects, inc.card(false)...), nil
}

// Snooze pauses the escalation clock until until; Tick ends the snooze
// and the clock resumes with the time that was left. Snoozing a snoozed
// incident moves the end.
func Snooze(inc Incident, by string, until, at time.Time) (Incident, []Effect, error) {
	if err := need(inc, "snooze", by, at); err != nil {
		return inc, nil, err
	}
	if !until.After(at) {
		return inc, nil, fmt.Errorf("%w: a snooze must end in the future", ErrInvalid)
	}
	inc = own(inc)
	if inc.Status != StatusSnoozed {
		inc.ResumeStatus, inc.Paused = inc.Status, 0
		if inc.Status == StatusOpen && !inc.NextEscalationAt.IsZero() {
			inc.Paused = max(inc.NextEscalationAt.Sub(at), 0)
		}
		inc.NextEscalationAt = time.Time{}
		inc.Status = StatusSnoozed
	}
	inc.SnoozedUntil = until
	note := "until " + until.UTC().Format(time.RFC3339)
	inc.record(TimelineEntry{At: at, Kind: KindSnoozed, By: by, Level: inc.Level, Note: note})
	return inc, inc.card(false), nil
}

// Resolve ends the incident. An empty by means the check recovered.
func Resolve(inc Incident, by, note string, at time.Time) (Incident, []Effect, error) {
	if inc.Status == StatusResolved {
		return inc, nil, refuse(inc, "resolve", ErrResolved, "is already resolved %s", byAgo(inc.ResolvedBy, inc.ResolvedAt, at))
	}
	inc = own(inc)
	inc.Status, inc.ResolvedBy, inc.ResolvedAt = StatusResolved, by, at
	inc.stopClock()
	if by == "" && note == "" {
		note = "recovered"
	}
	inc.record(TimelineEntry{At: at, Kind: KindResolved, By: by, Level: inc.Level, Note: note})
	return inc, inc.card(false), nil
}

// Comment adds by's note to the timeline, in any status.
func Comment(inc Incident, by, note string, at time.Time) (Incident, []Effect, error) {
	if by == "" || note == "" {
		return inc, nil, fmt.Errorf("%w: a comment needs an author and a text", ErrInvalid)
	}
	inc = own(inc)
	inc.record(TimelineEntry{At: at, Kind: KindComment, By: by, Level: inc.Level, Note: note})
	return inc, inc.card(false), nil
}

// RecordAction adds the outcome of an automated action (RunAction) to
// the timeline, e.g. "restart succeeded" or "restart failed: timeout".
func RecordAction(inc Incident, level Level, result string, at time.Time) (Incident, []Effect) {
	inc = own(inc)
	inc.record(TimelineEntry{At: at, Kind: KindActionResult, Level: level, Note: result})
	return inc, inc.card(false)
}

// CanReopen reports whether a failure at at reopens the resolved inc
// rather than opening a new incident: it must come within the policy's
// reopen window after the resolution.
func CanReopen(inc Incident, at time.Time) bool {
	return inc.Status == StatusResolved && inc.Policy.ReopenWindow > 0 &&
		!at.Before(inc.ResolvedAt) && at.Sub(inc.ResolvedAt) <= inc.Policy.ReopenWindow
}

// Reopen opens a resolved incident again when its failure returns within
// the reopen window. The level reached is kept (and not paged again), the
// acknowledgement is cleared, and the clock restarts for the next level;
// the card is posted anew.
func Reopen(inc Incident, at time.Time) (Incident, []Effect, error) {
	if inc.Status != StatusResolved {
		return inc, nil, refuse(inc, "reopen", ErrNotResolved, "is not resolved (it is %s)", inc.Status)
	}
	if !CanReopen(inc, at) {
		return inc, nil, refuse(inc, "reopen", ErrReopenWindow, "was resolved %s ago, outside its %s reopen window",
			FormatDuration(at.Sub(inc.ResolvedAt)), FormatDuration(inc.Policy.ReopenWindow))
	}
	inc = own(inc)
	inc.Status, inc.Reopened = StatusOpen, inc.Reopened+1
	inc.ResolvedAt, inc.ResolvedBy = time.Time{}, ""
	inc.AcknowledgedAt, inc.AcknowledgedBy = time.Time{}, ""
	inc.stopClock()
	if gap, ok := inc.Policy.gap(inc.Level); ok {
		inc.NextEscalationAt = at.Add(gap)
	}
	inc.record(TimelineEntry{At: at, Kind: KindReopened, Level: inc.Level})
	return inc, inc.card(true), nil
}

// need refuses commands on resolved incidents and commands without an
// author.
func need(inc Incident, op, by string, at time.Time) error {
	if inc.Status == StatusResolved {
		return refuse(inc, op, ErrResolved, "is already resolved %s", byAgo(inc.ResolvedBy, inc.ResolvedAt, at))
	}
	if by == "" {
		return fmt.Errorf("%w: %s needs to know who does it", ErrInvalid, op)
	}
	return nil
}

// own gives inc a timeline of its own, so that appending to it never
// writes into the caller's copy.
func own(inc Incident) Incident {
	inc.Timeline = slices.Clip(slices.Clone(inc.Timeline))
	return inc
}

// stopClock clears every timer and the snooze.
func (inc *Incident) stopClock() {
	inc.NextEscalationAt, inc.SnoozedUntil, inc.Paused, inc.ResumeStatus = time.Time{}, time.Time{}, 0, ""
}

// record appends e and bumps Rev.
func (inc *Incident) record(e TimelineEntry) {
	inc.Timeline = append(inc.Timeline, e)
	inc.Rev++
}

// card returns the card update for the current Rev.
func (inc *Incident) card(repost bool) []Effect {
	return []Effect{UpdateCard{ID: inc.ID, Rev: inc.Rev, Repost: repost}}
}
