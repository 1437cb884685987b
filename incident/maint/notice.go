package maint

import (
	"cmp"
	"slices"
	"time"
)

// NoticeKind is which announcement of a window a notice is.
type NoticeKind string

// The notices of a window, in the order they are due.
const (
	// NoticeAhead is the advance notice, Notice before the start.
	NoticeAhead NoticeKind = "ahead"
	// NoticeHour is the reminder an hour before the start.
	NoticeHour NoticeKind = "hour"
	// NoticeStart says the window has begun.
	NoticeStart NoticeKind = "start"
	// NoticeEnd says it is over and pages flow again.
	NoticeEnd NoticeKind = "end"
)

// reminderLead is how long before the start NoticeHour is due.
const reminderLead = time.Hour

// Notice is one announcement due at At.
type Notice struct {
	Window string // the window's ID
	Kind   NoticeKind
	At     time.Time
}

// Key identifies the notice for a once-claim, "monthly-2026-12-06/start",
// so that a notice is sent once however many processes or ticks see it
// due. The end notice has one key whether the window ends on time or
// early: it is sent once either way.
func (n Notice) Key() string { return n.Window + "/" + string(n.Kind) }

// Notices returns w's announcements in time order: the advance notice
// (only when Notice is over an hour, else the reminder is the first word),
// the reminder an hour before (only when Notice is at least an hour: a
// window announced 30 minutes ahead gets no reminder before its
// announcement), the start and the end.
//
// They follow what happened to w: an early start moves the start notice
// to StartedAt and drops the advance ones not yet due by then; an early end
// moves the end notice to EndedAt. A canceled window has none: whoever
// canceled it is answered in the chat.
func (w Window) Notices() []Notice {
	if w.Canceled {
		return nil
	}
	start := w.EffectiveStart()
	var out []Notice
	add := func(k NoticeKind, at time.Time) { out = append(out, Notice{Window: w.ID, Kind: k, At: at}) }
	if at := w.Start.Add(-w.Notice); w.Notice > reminderLead && at.Before(start) {
		add(NoticeAhead, at)
	}
	if at := w.Start.Add(-reminderLead); w.Notice >= reminderLead && at.Before(start) {
		add(NoticeHour, at)
	}
	add(NoticeStart, start)
	add(NoticeEnd, w.EffectiveEnd())
	return out
}

// Due returns the notices of windows with At in (from, to], in time order
// (at equal times, by kind, then by window): what a scheduler sends on the
// tick at to when its previous tick was at from. A change stored after the
// tick that should have seen it (an early end written a moment late) is
// caught by passing a from a little earlier than the last tick and
// claiming each Key once.
func Due(windows []Window, from, to time.Time) []Notice {
	var out []Notice
	for _, w := range windows {
		for _, n := range w.Notices() {
			if n.At.After(from) && !n.At.After(to) {
				out = append(out, n)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Notice) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)), cmp.Compare(a.Window, b.Window))
	})
	return out
}

func kindOrder(k NoticeKind) int {
	return slices.Index([]NoticeKind{NoticeAhead, NoticeHour, NoticeStart, NoticeEnd}, k)
}
