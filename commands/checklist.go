package commands

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/checklist"
)

// ChecklistDesk is what /checklist and its buttons need; checklist.Desk
// implements it on storage.
type ChecklistDesk interface {
	// Kinds are the lists one may post ("daily", "weekly", "monthly").
	Kinds() []string
	// Post stores a new run of the list of kind for chatID, with the
	// items opsbot verified already ticked; errors wrap checklist.ErrUnknownKind.
	Post(ctx context.Context, kind string, chatID int64, now time.Time) (checklist.Run, error)
	// Tick ticks an item once, whoever presses at the same time, and
	// returns the run as it now stands and who ticked the item; errors
	// wrap checklist.ErrNotFound or checklist.ErrUnknownItem.
	Tick(ctx context.Context, runID, itemID, by string, now time.Time) (checklist.TickResult, error)
}

// Checklist is /checklist [daily|weekly|monthly]: it posts a run of the
// list (daily by default) with a button per open item. Posting creates a
// run that the digests count, so it needs an operator. The reply's message
// id is not known here; the buttons carry the run id instead, and each
// press edits the message it was pressed on. now is the clock (time.Now
// when nil).
func Checklist(desk ChecklistDesk, now func() time.Time) Command {
	if now == nil {
		now = time.Now
	}
	return Command{
		Name:        "checklist",
		Description: "Post the daily, weekly or monthly checklist to tick off",
		Usage:       "/checklist [" + strings.Join(desk.Kinds(), "|") + "]",
		MinRole:     RoleOperator,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			kind := strings.ToLower(strings.TrimSpace(req.Args))
			if kind == "" {
				kind = checklist.KindDaily
			}
			if !slices.Contains(desk.Kinds(), kind) {
				return Reply{}, ErrUsage
			}
			at := now()
			run, err := desk.Post(ctx, kind, req.ChatID, at)
			if errors.Is(err, checklist.ErrUnknownKind) {
				return Reply{}, ErrUsage
			}
			if err != nil {
				return Reply{}, err
			}
			html, kb := checklist.Render(run, at)
			return Reply{HTML: html, Keyboard: kb}, nil
		},
	}
}

// ChecklistButton is the "chk" action behind a checklist's item buttons,
// callback data "chk:<run id>:<item id>". It ticks the item and redraws
// the pressed message with everyone's ticks. When somebody else was
// faster it says who, and redraws all the same, so a stale message
// catches up. now is the clock (time.Now when nil).
func ChecklistButton(desk ChecklistDesk, now func() time.Time) Action {
	if now == nil {
		now = time.Now
	}
	return Action{
		Name:    checklist.ButtonAction,
		MinRole: RoleOperator,
		Handle: func(ctx context.Context, p Press) (Outcome, error) {
			runID, itemID, ok := checklist.ParseButtonArg(p.Arg)
			if !ok {
				return Outcome{Toast: "This button is out of date."}, nil
			}
			by, at := actor(p.UserID, p.Username), now()
			res, err := desk.Tick(ctx, runID, itemID, by, at)
			switch {
			case errors.Is(err, checklist.ErrNotFound):
				return Outcome{Toast: "This checklist no longer exists."}, nil
			case errors.Is(err, checklist.ErrUnknownItem):
				return Outcome{Toast: "This button is out of date."}, nil
			case err != nil:
				return Outcome{}, err
			}
			html, kb := checklist.Render(res.Run, at)
			var toast string
			switch when := checklist.Stamp(res.Tick.At, at) + " UTC"; {
			case res.First:
				toast = "Ticked: " + res.Item.Text
			case res.Tick.By == by:
				toast = "You ticked this already at " + when + "."
			default:
				toast = "Already ticked by " + res.Tick.By + " at " + when + "."
			}
			return Outcome{Toast: render.Clip(toast, 200), Edit: &Reply{HTML: html, Keyboard: kb}}, nil
		},
	}
}
