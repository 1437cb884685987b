package maint

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store keeps windows; storage.Maintenance implements it. Errors for an
// unknown id wrap ErrUnknown; a change the window's phase does not allow
// is a *StateError.
type Store interface {
	WindowStore
	Get(ctx context.Context, id string) (Window, error)
	// Add stores a one-off or emergency window and returns it with its id.
	Add(ctx context.Context, w Window) (Window, error)
	StartNow(ctx context.Context, id string, at time.Time) (Window, error)
	End(ctx context.Context, id string, at time.Time) (Window, error)
	Cancel(ctx context.Context, id string, at time.Time) (Window, error)
	// Override stores the early start, early end or cancellation of a
	// recurring window, keyed by its ID.
	Override(ctx context.Context, w Window) error
}

// Planner is the calendar that people change (/maint): it sends a change
// of a stored window to the store, and turns a change of a recurring
// window into an override, so that commands need not know which is which.
// Store is required.
type Planner struct {
	Recurring []Recurrence
	Store     Store
}

// Calendar returns the read side of p, for the engine's Suppressed.
func (p Planner) Calendar() Calendar { return Calendar{Recurring: p.Recurring, Store: p.Store} }

// Windows is Calendar.Windows.
func (p Planner) Windows(ctx context.Context, from, to time.Time) ([]Window, error) {
	return p.Calendar().Windows(ctx, from, to)
}

// Window returns the window id, stored or recurring with its override;
// the error wraps ErrUnknown when there is none.
func (p Planner) Window(ctx context.Context, id string) (Window, error) {
	w, ok := p.occurrence(id)
	if !ok {
		return p.Store.Get(ctx, id)
	}
	o, err := p.Store.Get(ctx, id)
	switch {
	case errors.Is(err, ErrUnknown):
		return w, nil
	case err != nil:
		return Window{}, err
	}
	return withOverride(w, o), nil
}

// Add stores a one-off window (an empty Kind) or an emergency one.
func (p Planner) Add(ctx context.Context, w Window) (Window, error) {
	if w.Kind == "" {
		w.Kind = KindOneOff
	}
	if w.Kind == KindRecurring {
		return Window{}, fmt.Errorf("%w: recurring windows come from the configuration", ErrInvalid)
	}
	return p.Store.Add(ctx, w)
}

// Start starts window id at at, ahead of its schedule.
func (p Planner) Start(ctx context.Context, id string, at time.Time) (Window, error) {
	return p.change(ctx, id, func(w Window) (Window, error) { return w.StartAt(at) },
		func() (Window, error) { return p.Store.StartNow(ctx, id, at) })
}

// End ends active window id at at.
func (p Planner) End(ctx context.Context, id string, at time.Time) (Window, error) {
	return p.change(ctx, id, func(w Window) (Window, error) { return w.EndAt(at) },
		func() (Window, error) { return p.Store.End(ctx, id, at) })
}

// Cancel calls off window id at at, before it starts.
func (p Planner) Cancel(ctx context.Context, id string, at time.Time) (Window, error) {
	return p.change(ctx, id, func(w Window) (Window, error) { return w.CancelAt(at) },
		func() (Window, error) { return p.Store.Cancel(ctx, id, at) })
}

// change applies op to recurring window id and stores the result as its
// override, or, for a stored window, runs stored. Two people changing one
// recurring window at once both succeed, the later write winning: the
// changes are rare and any of them is a fine outcome.
func (p Planner) change(ctx context.Context, id string, op func(Window) (Window, error), stored func() (Window, error)) (Window, error) {
	if _, ok := p.occurrence(id); !ok {
		return stored()
	}
	w, err := p.Window(ctx, id)
	if err != nil {
		return Window{}, err
	}
	if w, err = op(w); err != nil {
		return Window{}, err
	}
	if err := p.Store.Override(ctx, w); err != nil {
		return Window{}, err
	}
	return w, nil
}

// occurrence returns the recurring window id names, if it names one.
func (p Planner) occurrence(id string) (Window, bool) {
	for _, r := range p.Recurring {
		if w, ok := r.byID(id); ok {
			return w, true
		}
	}
	return Window{}, false
}
