package maint

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// PingStore is what DueMissed needs; storage.Emergencies implements it.
type PingStore interface {
	// Open returns the emergencies not closed, with their done steps.
	Open(ctx context.Context) ([]Emergency, error)
	// Pinged claims the nudge for a step of an emergency: exactly one
	// call per id and step, across processes and restarts, reports first.
	Pinged(ctx context.Context, id, step string, at time.Time) (first bool, err error)
}

// MissedStep is a step of an open emergency whose deadline passed before
// it was done: a nudge to send (PingText words it).
type MissedStep struct {
	Emergency Emergency
	Step      Step
	Due       time.Time
}

// DueMissed returns, for the scheduler to send at now, the missed steps of
// every open emergency (Missed: past the deadline, not done) whose nudge
// nobody has claimed yet, claiming each one. A step is returned once, by
// one process, however often DueMissed runs; a step done in time, or
// still within its deadline, never is.
//
// A claim is made before the nudge is sent, so a crash in between loses
// that nudge rather than sending it twice. For the same reason, on an
// error DueMissed still returns the steps it claimed: send them.
func DueMissed(ctx context.Context, store PingStore, steps []Step, now time.Time) ([]MissedStep, error) {
	open, err := store.Open(ctx)
	if err != nil {
		return nil, err
	}
	var (
		out  []MissedStep
		errs []error
	)
	for _, e := range open {
		for _, s := range Missed(steps, e.StartedAt, e.DoneTimes(), now) {
			first, err := store.Pinged(ctx, e.ID, s.Name, now)
			if err != nil {
				errs = append(errs, fmt.Errorf("claim the nudge for %s %s: %w", e.ID, s.Name, err))
				continue
			}
			if first {
				due, _ := e.Due(s)
				out = append(out, MissedStep{Emergency: e, Step: s, Due: due})
			}
		}
	}
	return out, errors.Join(errs...)
}
