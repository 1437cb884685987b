package maint

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// EmergencyWindowLength is how long the maintenance window opened with an
// emergency lasts, unless the procedure completes sooner.
const EmergencyWindowLength = 2 * time.Hour

// EmergencyStore keeps emergencies and their done steps;
// storage.Emergencies implements it. Errors for an unknown id wrap
// ErrUnknownEmergency.
type EmergencyStore interface {
	// Start stores a new emergency and returns it with its id ("E-3").
	Start(ctx context.Context, e Emergency) (Emergency, error)
	// Get returns an emergency with its done steps.
	Get(ctx context.Context, id string) (Emergency, error)
	// Done records a step done once across processes: first reports
	// whether d was stored, and existing is the record that holds (d
	// itself when first).
	Done(ctx context.Context, id, step string, d StepDone) (first bool, existing StepDone, err error)
	// Close marks an emergency closed at at.
	Close(ctx context.Context, id string, at time.Time) error
}

// WindowPlanner opens and ends the emergency's maintenance window; Planner
// implements it.
type WindowPlanner interface {
	Add(ctx context.Context, w Window) (Window, error)
	End(ctx context.Context, id string, at time.Time) (Window, error)
}

// EmergencyDesk runs the emergency procedure: what /maint emergency and
// the step buttons need. Store is required.
type EmergencyDesk struct {
	Store EmergencyStore
	// Windows, when set, opens an emergency maintenance window with each
	// emergency, so that pages are held, and ends it when the procedure
	// completes.
	Windows WindowPlanner
	// StepList is the procedure; nil means EmergencySteps().
	StepList []Step
}

// Steps returns the procedure's steps, in order; a step button carries
// its index in them.
func (d EmergencyDesk) Steps() []Step {
	if d.StepList == nil {
		return EmergencySteps()
	}
	return d.StepList
}

// Start calls an emergency for reason, by by at now. With Windows set it
// first opens a window of kind emergency over all checks from now for
// EmergencyWindowLength, and records its id in the emergency.
func (d EmergencyDesk) Start(ctx context.Context, reason, by string, now time.Time) (Emergency, error) {
	e := Emergency{Reason: reason, By: by, StartedAt: now}
	if d.Windows != nil {
		w, err := d.Windows.Add(ctx, Window{
			Title: "Emergency maintenance: " + oneLine(reason), Kind: KindEmergency,
			Start: now, End: now.Add(EmergencyWindowLength), CreatedBy: by,
		})
		if err != nil {
			return Emergency{}, fmt.Errorf("emergency window: %w", err)
		}
		e.Window = w.ID
	}
	started, err := d.Store.Start(ctx, e)
	if err != nil {
		if e.Window != "" { // no emergency to end it later: end it now
			_, endErr := d.Windows.End(ctx, e.Window, now)
			err = errors.Join(err, endErr)
		}
		return Emergency{}, err
	}
	return started, nil
}

// EmergencyMark is what a step press did.
type EmergencyMark struct {
	// Emergency is the emergency as it now stands, with everyone's steps.
	Emergency Emergency
	// Step is the step pressed.
	Step Step
	// First reports whether this press marked it; otherwise Done is the
	// earlier record that holds.
	First bool
	Done  StepDone
	// Closed reports whether this press found the procedure complete and
	// closed the emergency (and ended its window).
	Closed bool
}

// Mark marks step index step of emergency id done by by at now, with note
// (the choice, for a step that has them). The first press wins; a later
// one changes nothing and the result says who was first. When every step
// is then done and the emergency is still open, Mark closes it and ends
// its window (already ended is fine). Errors wrap ErrUnknownEmergency, or
// ErrInvalid for a step index or note the procedure does not have.
func (d EmergencyDesk) Mark(ctx context.Context, id string, step int, note, by string, now time.Time) (EmergencyMark, error) {
	steps := d.Steps()
	if step < 0 || step >= len(steps) || !steps[step].ValidNote(note) {
		return EmergencyMark{}, fmt.Errorf("%w: step %d with note %q of emergency %s", ErrInvalid, step, note, id)
	}
	s := steps[step]
	first, holds, err := d.Store.Done(ctx, id, s.Name, StepDone{By: by, At: now, Note: note})
	if err != nil {
		return EmergencyMark{}, err
	}
	e, err := d.Store.Get(ctx, id)
	if err != nil {
		return EmergencyMark{}, err
	}
	// The read may miss the step on a lagging MongoDB secondary; the
	// result must not.
	if e.Done == nil {
		e.Done = map[string]StepDone{}
	}
	e.Done[s.Name] = holds
	m := EmergencyMark{Emergency: e, Step: s, First: first, Done: holds}
	if !e.Complete(steps) || !e.Closed.IsZero() {
		return m, nil
	}
	if err := d.close(ctx, e, now); err != nil {
		return m, err
	}
	m.Emergency.Closed, m.Closed = now, true
	return m, nil
}

// close closes e at now and ends its window. Two last presses at once
// both close it, which is harmless: the second End finds the window
// ended.
func (d EmergencyDesk) close(ctx context.Context, e Emergency, now time.Time) error {
	if err := d.Store.Close(ctx, e.ID, now); err != nil {
		return err
	}
	if e.Window == "" || d.Windows == nil {
		return nil
	}
	_, err := d.Windows.End(ctx, e.Window, now)
	var se *StateError
	if errors.As(err, &se) || errors.Is(err, ErrUnknown) { // ended on time already, or pruned
		return nil
	}
	return err
}
