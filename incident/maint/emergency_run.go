package maint

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrUnknownEmergency is wrapped by the errors for an emergency id that
// does not exist (storage.ErrEmergencyNotFound matches it too).
var ErrUnknownEmergency = errors.New("no such emergency")

// Emergency is one run of the emergency maintenance procedure: why it was
// called, by whom and when, and which of its steps are done.
type Emergency struct {
	// ID is "E-3".
	ID     string
	Reason string
	By     string
	// StartedAt is when it was called; the steps' deadlines count from it.
	StartedAt time.Time
	// Window is the id of the emergency maintenance window opened with
	// it ("M-4"), empty when none was.
	Window string
	// Done maps a step's name to who did it, when, and the choice made.
	Done map[string]StepDone
	// Closed is when the last step was done and the emergency closed;
	// zero while it is open.
	Closed time.Time
}

// StepDone records that a step was done: by whom, when, and for a step
// with choices (the go/no-go decision) which one was made.
type StepDone struct {
	By   string
	At   time.Time
	Note string
}

// FormatEmergencyID returns the id of emergency n: "E-3".
func FormatEmergencyID(n int64) string { return "E-" + strconv.FormatInt(n, 10) }

// DoneTimes returns when each done step was done, the form Missed takes.
func (e Emergency) DoneTimes() map[string]time.Time {
	out := make(map[string]time.Time, len(e.Done))
	for name, d := range e.Done {
		out[name] = d.At
	}
	return out
}

// Complete reports whether every one of steps is done.
func (e Emergency) Complete(steps []Step) bool {
	for _, s := range steps {
		if _, ok := e.Done[s.Name]; !ok {
			return false
		}
	}
	return true
}

// Due returns when step s of e is due, and false for a step without a
// deadline.
func (e Emergency) Due(s Step) (time.Time, bool) {
	if s.Deadline <= 0 {
		return time.Time{}, false
	}
	return e.StartedAt.Add(s.Deadline), true
}

// Choice is one of the answers a step is done with, such as "Go".
type Choice struct {
	// Code goes into the button's callback data ("nogo").
	Code string
	// Note is what StepDone.Note records ("No-go").
	Note string
}

// Choices returns the answers step s is done with: Go and No-go for the
// decision, none for a step that is simply done.
func (s Step) Choices() []Choice {
	if s.Name == StepDecision {
		return []Choice{{Code: "go", Note: "Go"}, {Code: "nogo", Note: "No-go"}}
	}
	return nil
}

// ValidNote reports whether note may record step s done: one of its
// choices' notes, or empty for a step without choices.
func (s Step) ValidNote(note string) bool {
	cs := s.Choices()
	if len(cs) == 0 {
		return note == ""
	}
	for _, c := range cs {
		if c.Note == note {
			return true
		}
	}
	return false
}

// StepTitle returns a step's name as people read it: "Go/no-go decision"
// for "decision"; a name it does not know is capitalised.
func StepTitle(name string) string {
	switch name {
	case StepAssessment:
		return "Assessment"
	case StepDecision:
		return "Go/no-go decision"
	case StepNotice:
		return "User notice"
	case StepFix:
		return "Fix"
	case StepVerification:
		return "Verification"
	case StepPostIncident:
		return "Post-incident note"
	case "":
		return ""
	}
	return strings.ToUpper(name[:1]) + name[1:]
}
