package commands

import (
	"context"
	"errors"
	"path"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/incident/maint"
)

// MaintDesk is what /maint needs; maint.Planner implements it. Ids are
// "M-3" for stored windows and "monthly-2026-12-06" for recurring ones;
// errors wrap maint.ErrUnknown for an unknown id, and a change the
// window's phase refuses is a *maint.StateError.
type MaintDesk interface {
	// Windows lists the windows overlapping [from, to), ended and canceled ones included.
	Windows(ctx context.Context, from, to time.Time) ([]maint.Window, error)
	Add(ctx context.Context, w maint.Window) (maint.Window, error)
	Start(ctx context.Context, id string, at time.Time) (maint.Window, error)
	End(ctx context.Context, id string, at time.Time) (maint.Window, error)
	Cancel(ctx context.Context, id string, at time.Time) (maint.Window, error)
}

// Limits of /maint.
const (
	// maintAhead is how far ahead /maint lists.
	maintAhead = 30 * 24 * time.Hour
	// maintMaxLength is the longest window /maint add schedules; a longer
	// one is a project, not maintenance.
	maintMaxLength = 7 * 24 * time.Hour
	// maintNotice is the advance notice of a window /maint add schedules,
	// or less when it starts sooner.
	maintNotice = 24 * time.Hour
)

// maintUsage is /maint's usage line.
const maintUsage = "/maint [add <YYYY-MM-DD> <HH:MM> <30m|2h|1d> [scope=api,db] <title> | start|end|cancel <id> | emergency <reason>]"

// Maint is /maint: alone, it lists the active and upcoming maintenance
// windows; admins add a one-off window, start one early, end one early or
// cancel one, or call emergency maintenance ("emergency <reason>") on
// emergency, the first desk given (without one, /maint emergency says it
// is not set up). Viewers may list: knowing why nobody is paged is for
// everyone. now is the clock (time.Now when nil).
func Maint(desk MaintDesk, now func() time.Time, emergency ...EmergencyDesk) Command {
	if now == nil {
		now = time.Now
	}
	var emg EmergencyDesk
	if len(emergency) > 0 {
		emg = emergency[0]
	}
	return Command{
		Name:        "maint",
		Description: "Maintenance windows, during which pages are held: list them, or (admins) add, start, end or cancel one, or call emergency maintenance",
		Usage:       maintUsage,
		MinRole:     RoleViewer,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			at := now()
			fields := strings.Fields(req.Args)
			if len(fields) == 0 {
				return maintList(ctx, desk, req, at)
			}
			sub := strings.ToLower(fields[0])
			switch sub {
			case "add", maint.OpStart, maint.OpEnd, maint.OpCancel, "emergency":
			default:
				return Reply{}, ErrUsage
			}
			switch {
			case req.Role < RoleAdmin && sub == "emergency":
				return Reply{}, Refuse(RoleAdmin, "Only admins can call emergency maintenance.")
			case req.Role < RoleAdmin:
				return Reply{}, Refuse(RoleAdmin, "Only admins can change maintenance windows.")
			case sub == "emergency":
				return maintEmergency(ctx, emg, req, at)
			}
			if sub == "add" {
				return maintAdd(ctx, desk, req, at)
			}
			if len(fields) != 2 {
				return Reply{}, ErrUsage
			}
			return maintChange(ctx, desk, sub, maintID(fields[1]), at)
		},
	}
}

// maintID reads a window id: a stored one in any spelling ("m-3", "3")
// becomes "M-3", a recurring one is lower-cased.
func maintID(s string) string {
	if n, err := maint.ParseID(s); err == nil {
		return maint.FormatID(n)
	}
	return strings.ToLower(s)
}

// maintAdd schedules the one-off window of "add <date> <time> <length>
// [scope=...] <title>".
func maintAdd(ctx context.Context, desk MaintDesk, req Request, now time.Time) (Reply, error) {
	w, refusal, err := parseMaintAdd(afterFields(req.Args, 1), now)
	if err != nil {
		return Reply{}, err
	}
	if refusal != "" {
		return Text(render.NewHTML().Text(refusal)), nil
	}
	w.CreatedBy = actor(req.UserID, req.Username)
	w, err = desk.Add(ctx, w)
	if err != nil {
		return Reply{}, err
	}
	h := render.NewHTML().Text("🛠 ").Bold(w.ID).Text(" scheduled: " + w.Title).Line()
	maintDetails(h, w, now)
	h.Line().Italic("Pages of checks in scope are held while it is active; what still fails when it ends pages then. /maint cancel " + w.ID + " calls it off.")
	return Text(h), nil
}

// parseMaintAdd reads "<date> <time> <length|HH:MM> [scope=a,b] <title>"
// (UTC). Malformed input is ErrUsage; a well-formed window that cannot be
// (a past start, an end before the start) is a refusal, a sentence.
func parseMaintAdd(args string, now time.Time) (w maint.Window, refusal string, err error) {
	fields := strings.Fields(args)
	if len(fields) < 4 {
		return maint.Window{}, "", ErrUsage
	}
	start, err := time.ParseInLocation("2006-01-02 15:04", fields[0]+" "+fields[1], time.UTC)
	if err != nil {
		return maint.Window{}, "", ErrUsage
	}
	end, ok := maintEnd(start, fields[2])
	if !ok {
		return maint.Window{}, "", ErrUsage
	}
	titleAt := 3
	var scope []string
	if list, ok := strings.CutPrefix(fields[3], "scope="); ok {
		for _, p := range strings.Split(list, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			if _, err := path.Match(p, ""); err != nil {
				return maint.Window{}, "The scope " + p + " is not a check name or a pattern like db-*.", nil
			}
			scope = append(scope, p)
		}
		if len(scope) == 0 || len(fields) < 5 {
			return maint.Window{}, "", ErrUsage
		}
		titleAt = 4
	}
	w = maint.Window{
		Title: render.Clip(afterFields(args, titleAt), cardFieldMax), Kind: maint.KindOneOff,
		Start: start, End: end, Notice: min(maintNotice, max(start.Sub(now), 0)), Scope: scope,
	}
	switch {
	case !end.After(start):
		return maint.Window{}, "A maintenance window must end after it starts.", nil
	case end.Sub(start) > maintMaxLength:
		return maint.Window{}, "A maintenance window lasts at most 7d.", nil
	case start.Before(now.Truncate(time.Minute)): // a start in the current minute is "now"
		return maint.Window{}, "That start is in the past: it is " + clock(now, now) + " now.", nil
	}
	return w, "", w.Validate()
}

// maintEnd reads a window's length ("2h", "1d") or its end on the same
// day ("04:00"); ok is false when s is neither.
func maintEnd(start time.Time, s string) (time.Time, bool) {
	if d, ok := parseSince(s); ok {
		return start.Add(d), true
	}
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return time.Time{}, false
	}
	y, m, d := start.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, time.UTC), true
}

// maintChange starts, ends or cancels window id.
func maintChange(ctx context.Context, desk MaintDesk, op, id string, now time.Time) (Reply, error) {
	var (
		w   maint.Window
		err error
	)
	switch op {
	case maint.OpStart:
		w, err = desk.Start(ctx, id, now)
	case maint.OpEnd:
		w, err = desk.End(ctx, id, now)
	default:
		w, err = desk.Cancel(ctx, id, now)
	}
	var se *maint.StateError
	switch {
	case errors.Is(err, maint.ErrUnknown):
		return Text(render.NewHTML().Text("No maintenance window " + id + ".")), nil
	case errors.As(err, &se):
		return Text(render.NewHTML().Text(se.Error())), nil
	case err != nil:
		return Reply{}, err
	}
	h := render.NewHTML()
	switch op {
	case maint.OpStart:
		h.Text("🔧 ").Bold(w.ID).Text(" started: " + w.Title + ", until " + clock(w.End, now) + ".").Line().
			Italic("Pages of " + maintScope(w.Scope) + " are held. /maint end " + w.ID + " ends it.")
	case maint.OpEnd:
		h.Text("✅ ").Bold(w.ID).Text(" ended: " + w.Title + ".").Line().
			Italic("Pages flow again: checks still failing page now.")
	default:
		h.Text("🚫 ").Bold(w.ID).Text(" canceled: " + w.Title + ".")
	}
	return Text(h), nil
}
