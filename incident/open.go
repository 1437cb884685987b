package incident

import (
	"fmt"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// OpenParams describe a new incident.
type OpenParams struct {
	// Seq is the incident's number, from a storage counter; must be > 0.
	Seq      int64
	Check    string
	Target   string
	Rule     string
	Severity checks.Severity
	Summary  string
	// Since is when the failing condition began; zero means At.
	Since time.Time
	// At is when the incident opens.
	At time.Time
	// Policy is the configured escalation policy.
	Policy Policy
	// EscalateAfter is the rule's "escalate if unresolved" time: how long
	// level 1 waits before level 2 (see Policy.ForRule); zero keeps the
	// policy's time.
	EscalateAfter time.Duration
	EscalateNote  string
}

// ParamsFor fills OpenParams from a Fired transition; the caller sets
// Seq and Policy, and Target when the check has one.
func ParamsFor(t checks.Transition) OpenParams {
	return OpenParams{
		Check:         t.Check,
		Rule:          t.Rule.Name,
		Severity:      t.Rule.Severity,
		Summary:       t.Last.Message,
		Since:         t.Since,
		At:            t.At,
		EscalateAfter: t.Rule.EscalateAfter,
		EscalateNote:  t.Rule.EscalateNote,
	}
}

// Open opens an incident at level 1: it snapshots the policy (adjusted to
// the rule's escalation time), pages level 1, starts level 1's automated
// action and sets the timer for level 2. The level 1 Page is the
// incident's first card.
func Open(p OpenParams) (Incident, []Effect, error) {
	switch {
	case p.Seq <= 0:
		return Incident{}, nil, fmt.Errorf("%w: incident number %d: want > 0", ErrInvalid, p.Seq)
	case p.Check == "" || p.Rule == "":
		return Incident{}, nil, fmt.Errorf("%w: an incident needs a check and a rule", ErrInvalid)
	case p.At.IsZero():
		return Incident{}, nil, fmt.Errorf("%w: an incident needs an opening time", ErrInvalid)
	}
	if err := p.Policy.Validate(); err != nil {
		return Incident{}, nil, err
	}
	since := p.Since
	if since.IsZero() || since.After(p.At) {
		since = p.At
	}
	inc := Incident{
		Seq:          p.Seq,
		ID:           FormatID(p.Seq),
		Fingerprint:  Fingerprint(p.Check, p.Target, p.Rule),
		Check:        p.Check,
		Target:       p.Target,
		Rule:         p.Rule,
		Severity:     p.Severity,
		Summary:      p.Summary,
		EscalateNote: p.EscalateNote,
		Status:       StatusOpen,
		Policy:       p.Policy.ForRule(p.EscalateAfter),
		StartedAt:    since,
		OpenedAt:     p.At,
		Timeline:     []TimelineEntry{{At: p.At, Kind: KindOpened, Note: p.Summary}},
	}
	effects := inc.pageNext(p.At, p.At, "", "", "opened")
	return inc, effects, nil
}

// pageNext pages level Level+1 at now, records it, and sets the timer for
// the level after it from due (the time this level was due, so that a
// late Tick does not push the schedule back). by is who escalated ("" for
// opening or timeout), note their words for the timeline, reason the
// page's. The caller has checked that a next level exists.
func (inc *Incident) pageNext(due, now time.Time, by, note, reason string) []Effect {
	inc.Level++
	lp, _ := inc.Policy.ForLevel(inc.Level)
	if inc.Level > L1 {
		inc.Timeline = append(inc.Timeline, TimelineEntry{At: now, Kind: KindEscalated, By: by, Level: inc.Level, Note: note})
	}
	inc.Timeline = append(inc.Timeline, TimelineEntry{At: now, Kind: KindPaged, Level: inc.Level, Note: lp.Name})
	effects := []Effect{Page{ID: inc.ID, Level: inc.Level, Name: lp.Name, Notify: append([]string(nil), lp.Notify...), Reason: reason}}
	if lp.Action != "" && !inc.ActionRun {
		inc.ActionRun = true
		inc.Timeline = append(inc.Timeline, TimelineEntry{At: now, Kind: KindAction, Level: inc.Level, Note: lp.Action})
		effects = append(effects, RunAction{ID: inc.ID, Level: inc.Level, Action: lp.Action})
	}
	inc.Paused, inc.NextEscalationAt = 0, time.Time{}
	if gap, ok := inc.Policy.gap(inc.Level); ok {
		switch inc.Status {
		case StatusOpen:
			inc.NextEscalationAt = due.Add(gap)
		case StatusSnoozed:
			if inc.ResumeStatus == StatusOpen {
				inc.Paused = gap
			}
		}
	}
	inc.Rev++
	return effects
}
