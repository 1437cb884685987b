package incident

import "time"

// Tick runs the incident's timers at now: it ends a snooze that is over
// (the clock resumes with the time that was left) and pages every level
// that has come due, one after the other, each due time counted from the
// last, so a Tick that comes late, or after a restart, catches up without
// moving the schedule. Levels at or below Incident.Level are never paged,
// so repeated Ticks on the stored state page nothing twice; a Tick
// replayed on a state that was never stored repeats its pages with the
// same keys, which the outbox drops. Resolved and acknowledged incidents
// have no timers.
func Tick(inc Incident, now time.Time) (Incident, []Effect) {
	var effects []Effect
	repost := false
	if inc.Status == StatusSnoozed && !now.Before(inc.SnoozedUntil) {
		inc = own(inc)
		end := inc.SnoozedUntil
		inc.Status = inc.ResumeStatus
		if inc.Status == "" {
			inc.Status = StatusOpen
		}
		if inc.Status == StatusOpen && inc.Paused > 0 {
			inc.NextEscalationAt = end.Add(inc.Paused)
		}
		inc.SnoozedUntil, inc.Paused, inc.ResumeStatus = time.Time{}, 0, ""
		inc.record(TimelineEntry{At: now, Kind: KindUnsnoozed, Level: inc.Level})
		repost = true
	}
	for inc.Status == StatusOpen && !inc.NextEscalationAt.IsZero() && !now.Before(inc.NextEscalationAt) &&
		inc.Level < inc.Policy.Top() {
		if len(effects) == 0 && !repost {
			inc = own(inc)
		}
		effects = append(effects, inc.pageNext(inc.NextEscalationAt, now, "", "timeout", "timeout")...)
	}
	if len(effects) == 0 && !repost {
		return inc, nil
	}
	return inc, append(effects, inc.card(repost)...)
}

// NextTimer returns when Tick must next run for inc: the end of its
// snooze, or its next escalation while it is open. ok is false when no
// timer runs (acknowledged, resolved, or open at the last level).
func NextTimer(inc Incident) (time.Time, bool) {
	switch {
	case inc.Status == StatusSnoozed && !inc.SnoozedUntil.IsZero():
		return inc.SnoozedUntil, true
	case inc.Status == StatusOpen && !inc.NextEscalationAt.IsZero() && inc.Level < inc.Policy.Top():
		return inc.NextEscalationAt, true
	}
	return time.Time{}, false
}
