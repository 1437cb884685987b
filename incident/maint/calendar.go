package maint

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// WindowStore lists stored windows; storage.Maintenance implements it.
type WindowStore interface {
	// List returns the stored windows whose span overlaps [from, to),
	// the span running from the start (or the early start) to the
	// scheduled end. One-off and emergency windows come as they are;
	// overrides of recurring windows (an early end or start, a
	// cancellation) come as Windows of KindRecurring with the
	// occurrence's ID, for the Calendar to apply.
	List(ctx context.Context, from, to time.Time) ([]Window, error)
}

// Calendar is every maintenance window: the occurrences of its
// recurrences, with the overrides stored for them, and the windows
// stored. Its Suppressed is what the incident engine asks before paging.
type Calendar struct {
	Recurring []Recurrence
	// Store holds one-off and emergency windows and the overrides; nil
	// means recurring windows only, as configured.
	Store WindowStore
	// OnError, if set, receives the store errors that Suppressed cannot
	// return (it pages then); nil drops them.
	OnError func(error)
}

// Windows returns the windows whose span overlaps [from, to) (see
// WindowStore.List), whatever their phase, ordered by effective start,
// then by ID. Overrides are applied to the occurrences they name; an
// override whose occurrence no longer exists (the recurrence changed) is
// ignored.
func (c Calendar) Windows(ctx context.Context, from, to time.Time) ([]Window, error) {
	var stored []Window
	if c.Store != nil {
		var err error
		if stored, err = c.Store.List(ctx, from, to); err != nil {
			return nil, err
		}
	}
	var out []Window
	overrides := map[string]Window{}
	for _, w := range stored {
		if w.Kind == KindRecurring {
			overrides[w.ID] = w
		} else if overlaps(w, from, to) {
			out = append(out, w)
		}
	}
	for _, r := range c.Recurring {
		// An occurrence active at from started at most its duration
		// before; one started early starts at most MaxEarlyStart later.
		for _, w := range r.Occurrences(from.Add(-MaxRecurringDuration), to.Add(MaxEarlyStart)) {
			if o, ok := overrides[w.ID]; ok {
				w = withOverride(w, o)
			}
			if overlaps(w, from, to) {
				out = append(out, w)
			}
		}
	}
	slices.SortFunc(out, func(a, b Window) int {
		return cmp.Or(a.EffectiveStart().Compare(b.EffectiveStart()), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// overlaps reports whether w's span, from its effective start to its
// scheduled end, overlaps [from, to).
func overlaps(w Window, from, to time.Time) bool {
	return w.EffectiveStart().Before(to) && w.End.After(from)
}

// withOverride applies what was stored for occurrence w.
func withOverride(w, o Window) Window {
	w.Canceled, w.EndedAt, w.StartedAt = o.Canceled, o.EndedAt, o.StartedAt
	return w
}

// Suppressed reports whether the pages of check are held at at, and why:
// "maintenance M-3 (dependency updates) until 04:00 UTC". When several
// windows cover the check, it names the one that ends last, for that is
// when pages flow again. When the store cannot be read it pages (ok
// false) and reports the error to OnError: a missed page is worse than a
// page during maintenance.
func (c Calendar) Suppressed(ctx context.Context, check string, at time.Time) (reason string, ok bool) {
	ws, err := c.Windows(ctx, at, at.Add(time.Nanosecond))
	if err != nil {
		if c.OnError != nil {
			c.OnError(err)
		}
		return "", false
	}
	var held Window
	for _, w := range ws {
		if w.Covers(check, at) && (!ok || w.EffectiveEnd().After(held.EffectiveEnd())) {
			held, ok = w, true
		}
	}
	if !ok {
		return "", false
	}
	return "maintenance " + held.ID + " (" + held.Title + ") until " + Clock(held.EffectiveEnd(), at), true
}

// Clock is t in UTC as a reader at now wants it: "04:00 UTC" on now's UTC
// day, "Dec 6 04:00 UTC" in its year, else "2027-01-03 05:00 UTC".
func Clock(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		return t.Format("15:04") + " UTC"
	case t.Year() == now.Year():
		return t.Format("Jan 2 15:04") + " UTC"
	}
	return t.Format("2006-01-02 15:04") + " UTC"
}
