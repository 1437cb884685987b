package maint

import "time"

// The changes a person makes to a window, for StateError.Op.
const (
	OpStart  = "start"
	OpEnd    = "end"
	OpCancel = "cancel"
)

// StateError is a change that the window's phase does not allow, such as
// ending a window that has not started. Its Error is a chat-ready sentence.
type StateError struct {
	ID    string
	Op    string // OpStart, OpEnd or OpCancel
	Phase Phase  // the window's phase when the change was asked for
}

func (e *StateError) Error() string {
	switch {
	case e.Phase == PhaseCanceled:
		return e.ID + " was canceled."
	case e.Phase == PhaseEnded:
		return e.ID + " has already ended."
	case e.Op == OpStart && e.Phase == PhaseActive:
		return e.ID + " is already active."
	case e.Op == OpStart:
		return e.ID + " starts more than 24 hours from now: schedule a new window instead." // MaxEarlyStart
	case e.Op == OpEnd:
		return e.ID + " has not started yet: cancel it instead."
	case e.Op == OpCancel:
		return e.ID + " is active: end it instead."
	}
	return e.ID + " cannot " + e.Op + " while " + string(e.Phase) + "."
}

// StartAt returns w started early at at, for "start now". Only a window
// that has not started, and starts within MaxEarlyStart, can be.
func (w Window) StartAt(at time.Time) (Window, error) {
	switch p := w.Phase(at); {
	case p != PhaseScheduled && p != PhaseAnnounced:
		return Window{}, &StateError{ID: w.ID, Op: OpStart, Phase: p}
	case at.Before(w.Start.Add(-MaxEarlyStart)):
		return Window{}, &StateError{ID: w.ID, Op: OpStart, Phase: p}
	}
	w.StartedAt = at
	return w, nil
}

// EndAt returns w ended early at at. Only an active window can be; one
// that has not started is canceled instead, so that "ended" always means
// that pages were held for a while.
func (w Window) EndAt(at time.Time) (Window, error) {
	if p := w.Phase(at); p != PhaseActive {
		return Window{}, &StateError{ID: w.ID, Op: OpEnd, Phase: p}
	}
	w.EndedAt = at
	return w, nil
}

// CancelAt returns w called off at at. Only a window that has not started
// can be; an active one is ended instead.
func (w Window) CancelAt(at time.Time) (Window, error) {
	if p := w.Phase(at); p != PhaseScheduled && p != PhaseAnnounced {
		return Window{}, &StateError{ID: w.ID, Op: OpCancel, Phase: p}
	}
	w.Canceled, w.EndedAt = true, at
	return w, nil
}
