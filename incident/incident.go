package incident

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// Status is where an incident is in its lifecycle.
type Status string

// The statuses. Open and snoozed incidents are unacknowledged; only an
// open one's escalation clock runs.
const (
	StatusOpen         Status = "open"
	StatusAcknowledged Status = "acknowledged"
	StatusSnoozed      Status = "snoozed"
	StatusResolved     Status = "resolved"
)

// Incident is one failure of one fingerprint, from its opening to its
// resolution, reopenings included. Its fields are persisted as they are.
type Incident struct {
	// Seq is the incident's number; ID is FormatID(Seq).
	Seq int64  `json:"seq" bson:"seq"`
	ID  string `json:"id" bson:"id"`
	// Fingerprint is Fingerprint(Check, Target, Rule); at most one
	// unresolved incident exists per fingerprint.
	Fingerprint string          `json:"fingerprint" bson:"fingerprint"`
	Check       string          `json:"check" bson:"check"`
	Target      string          `json:"target" bson:"target"`
	Rule        string          `json:"rule" bson:"rule"`
	Severity    checks.Severity `json:"severity" bson:"severity"`
	// Summary is the check's message when the incident opened.
	Summary string `json:"summary" bson:"summary"`
	// EscalateNote qualifies the rule's escalation time in words.
	EscalateNote string `json:"escalate_note,omitempty" bson:"escalate_note,omitempty"`

	Status Status `json:"status" bson:"status"`
	// Level is the highest level paged; levels at or below it are never
	// paged again.
	Level Level `json:"level" bson:"level"`
	// Policy is the snapshot taken at the opening (already ForRule).
	Policy Policy `json:"policy" bson:"policy"`

	// StartedAt is when the failing condition began (the transition's
	// Since); OpenedAt when the incident opened.
	StartedAt      time.Time `json:"started_at" bson:"started_at"`
	OpenedAt       time.Time `json:"opened_at" bson:"opened_at"`
	AcknowledgedAt time.Time `json:"acknowledged_at" bson:"acknowledged_at"`
	AcknowledgedBy string    `json:"acknowledged_by,omitempty" bson:"acknowledged_by,omitempty"`
	ResolvedAt     time.Time `json:"resolved_at" bson:"resolved_at"`
	// ResolvedBy is who resolved it; empty means the recovery did.
	ResolvedBy string `json:"resolved_by,omitempty" bson:"resolved_by,omitempty"`

	// NextEscalationAt is when the next level is due while the incident
	// is open; zero when nothing is due.
	NextEscalationAt time.Time `json:"next_escalation_at" bson:"next_escalation_at"`
	// SnoozedUntil is when a snooze ends; zero unless snoozed.
	SnoozedUntil time.Time `json:"snoozed_until" bson:"snoozed_until"`
	// Paused is the escalation time that was left when the snooze began;
	// the clock resumes with it.
	Paused time.Duration `json:"paused" bson:"paused"`
	// ResumeStatus is the status a snooze returns to (open or
	// acknowledged).
	ResumeStatus Status `json:"resume_status,omitempty" bson:"resume_status,omitempty"`

	// Group is the alert storm the incident belongs to ("S-3"), empty
	// when it pages on its own. A storm's incidents share one card.
	Group string `json:"group,omitempty" bson:"group,omitempty"`
	// Card is the outbox card the incident is shown on: its own ID, or
	// its Group; empty until a page posted one (a suppressed page does
	// not).
	Card string `json:"card,omitempty" bson:"card,omitempty"`
	// Manual is set for an incident a person opened (/escalate <text>);
	// no check recovers it.
	Manual bool `json:"manual,omitempty" bson:"manual,omitempty"`
	// Held is the level whose page was held (maintenance, silence) and is
	// still owed: the engine sends it once the hold is over, if the
	// incident is still open. Zero when nothing is owed.
	Held Level `json:"held,omitempty" bson:"held,omitempty"`

	// ActionRun records that level 1's automated action was handed out.
	ActionRun bool `json:"action_run" bson:"action_run"`
	// Reopened counts the reopenings.
	Reopened int `json:"reopened" bson:"reopened"`
	// Rev goes up by one with every change; storage may use it for
	// optimistic updates, the outbox for card-edit keys.
	Rev int64 `json:"rev" bson:"rev"`

	Timeline []TimelineEntry `json:"timeline" bson:"timeline"`

	// Effects are the effects of the change that produced this revision,
	// stored with it so that they survive a crash before they are
	// performed (see EffectRecord).
	Effects []EffectRecord `json:"effects,omitempty" bson:"effects,omitempty"`
}

// Kind says what a TimelineEntry records.
type Kind string

// The timeline kinds.
const (
	KindOpened       Kind = "opened"
	KindPaged        Kind = "paged"     // Level paged; Note says why
	KindEscalated    Kind = "escalated" // By a person, or by timeout when By is empty
	KindAcknowledged Kind = "acknowledged"
	KindSnoozed      Kind = "snoozed" // Note holds the end time
	KindUnsnoozed    Kind = "unsnoozed"
	KindAction       Kind = "action"        // an automated action was started
	KindActionResult Kind = "action_result" // its outcome, in Note
	KindComment      Kind = "comment"
	KindResolved     Kind = "resolved" // By empty: by recovery
	KindReopened     Kind = "reopened"
	KindSuppressed   Kind = "suppressed" // a page not sent; Note says why (maintenance, silence)
	KindReleased     Kind = "released"   // a held page sent once the hold was over
)

// TimelineEntry is one event in an incident's history.
type TimelineEntry struct {
	At    time.Time `json:"at" bson:"at"`
	Kind  Kind      `json:"kind" bson:"kind"`
	By    string    `json:"by,omitempty" bson:"by,omitempty"`
	Level Level     `json:"level,omitempty" bson:"level,omitempty"`
	Note  string    `json:"note,omitempty" bson:"note,omitempty"`
}

// Fingerprint identifies what failed: check, target and rule. "%" and "|"
// in the parts are escaped, so different triples never collide.
func Fingerprint(check, target, rule string) string {
	esc := strings.NewReplacer("%", "%25", "|", "%7C")
	return esc.Replace(check) + "|" + esc.Replace(target) + "|" + esc.Replace(rule)
}

// FormatID returns the human id of incident n: "INC-42".
func FormatID(n int64) string { return "INC-" + strconv.FormatInt(n, 10) }

// ParseID reads "INC-42", "inc-42", "#42" or "42" and returns 42.
func ParseID(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if len(t) > 4 && strings.EqualFold(t[:4], "INC-") {
		t = t[4:]
	} else {
		t = strings.TrimPrefix(t, "#")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || t[0] == '+' {
		return 0, fmt.Errorf("%w: %q is not an incident id (use INC-42)", ErrInvalid, s)
	}
	return n, nil
}

// Duration returns how long the incident lasted, from the start of the
// failure to its resolution; ok is false while it is unresolved.
func Duration(inc Incident) (d time.Duration, ok bool) {
	if inc.Status != StatusResolved {
		return 0, false
	}
	return inc.ResolvedAt.Sub(inc.start()), true
}

// Age returns how long the unresolved incident has lasted at now, or
// Duration when it is resolved.
func Age(inc Incident, now time.Time) time.Duration {
	if d, ok := Duration(inc); ok {
		return d
	}
	return now.Sub(inc.start())
}

func (inc Incident) start() time.Time {
	if inc.StartedAt.IsZero() || inc.StartedAt.After(inc.OpenedAt) {
		return inc.OpenedAt
	}
	return inc.StartedAt
}

// FormatDuration renders d for a card, coarsely: "45s", "12m", "2h5m",
// "3d4h". Negative durations count as zero.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(max(d, 0)/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 24*time.Hour:
		return twoUnits(int(d/time.Hour), "h", int(d%time.Hour/time.Minute), "m")
	default:
		return twoUnits(int(d/(24*time.Hour)), "d", int(d%(24*time.Hour)/time.Hour), "h")
	}
}

func twoUnits(a int, ua string, b int, ub string) string {
	if b == 0 {
		return strconv.Itoa(a) + ua
	}
	return strconv.Itoa(a) + ua + strconv.Itoa(b) + ub
}
