// Package checklist is the team's monitoring checklist as chat messages:
// the daily, weekly and monthly lists ([Defaults]), a posted copy of one
// ([Run]) that people tick with inline buttons, its rendering ([Render]),
// and the automatic ticks of the items opsbot can verify itself
// ([AutoTick]).
//
// A Run copies its list's items when it is posted, so editing the lists
// later never changes what an old message shows or which button ticks
// what. The package holds no state and does no I/O; [Desk] ties it to a
// store the caller provides.
package checklist

import (
	"errors"
	"time"
)

// The kinds of list, also the argument of /checklist.
const (
	KindDaily   = "daily"
	KindWeekly  = "weekly"
	KindMonthly = "monthly"
)

// ByOpsbot is the Tick.By of the automatic ticks.
const ByOpsbot = "opsbot"

// Errors of [Desk]; stores wrap ErrNotFound and ErrUnknownItem, so that
// callers can tell a stale button from a failure without knowing the store.
var (
	// ErrNotFound means no run has that id (never posted, or pruned).
	ErrNotFound = errors.New("checklist not found")
	// ErrUnknownItem means the run has no item with that id.
	ErrUnknownItem = errors.New("checklist has no such item")
	// ErrUnknownKind means no list has that kind.
	ErrUnknownKind = errors.New("no checklist of that kind")
)

// Item is one line of a list.
type Item struct {
	// ID is short and stable ("d1"): it goes into callback data and the
	// store's keys, so it never contains ':' or '|'.
	ID string
	// Text is the line, condensed to fit a chat message.
	Text string
	// Section groups the items under a heading ("System Health").
	Section string
	// Verify names an automatic verification ("health", "database",
	// "logs-errors"; see the Verify constants) that ticks the item when it
	// passes; empty means a person ticks it.
	Verify string
}

// List is one checklist: its kind, its title and its items in order.
type List struct {
	Kind  string
	Title string
	Items []Item
}

// Run is one posted copy of a list.
type Run struct {
	// ID is "CL-7", allocated by the store.
	ID    string
	Kind  string
	Title string
	Items []Item
	// ChatID and MessageID are where the run was posted; MessageID is 0
	// until the store learns it (the command's reply id is not known to
	// the handler).
	ChatID    int64
	MessageID int64
	Posted    time.Time
	// Ticks maps an item id to its tick; an item without one is open.
	Ticks map[string]Tick
}

// Tick is who ticked an item and when.
type Tick struct {
	// By is "@alice", "user 12345", or ByOpsbot for an automatic tick.
	By string
	At time.Time
	// Evidence says what an automatic tick saw, e.g. "/health returned
	// 200 at 09:00 UTC"; empty for a person's tick.
	Evidence string
}

// Item returns the run's item with id.
func (r Run) Item(id string) (Item, bool) {
	for _, it := range r.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// Done returns how many of the run's items are ticked.
func (r Run) Done() int {
	n := 0
	for _, it := range r.Items {
		if _, ok := r.Ticks[it.ID]; ok {
			n++
		}
	}
	return n
}
