package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/storage"
)

// recurrences converts the configured recurring windows.
func recurrences(m config.Maintenance) ([]maint.Recurrence, error) {
	out := make([]maint.Recurrence, 0, len(m.Windows))
	for _, w := range m.Windows {
		loc, err := time.LoadLocation(w.Timezone)
		if err != nil {
			return nil, err
		}
		months := make([]time.Month, len(w.Months))
		for i, mo := range w.Months {
			months[i] = time.Month(mo)
		}
		out = append(out, maint.Recurrence{Name: w.Name, Title: w.Title, Weekday: w.WeekdayOf(), Nth: w.Nth, Months: months,
			Start: w.Start, Duration: w.Duration, Location: loc, Notice: w.Notice, Scope: w.Scope})
	}
	if err := maint.ValidateRecurrences(out); err != nil {
		return nil, fmt.Errorf("maintenance.windows: %w", err)
	}
	return out, nil
}

// planner is the maintenance calendar and its changes.
func (a *App) planner(store *storage.Store) (maint.Planner, error) {
	rs, err := recurrences(a.cfg.Maintenance)
	if err != nil {
		return maint.Planner{}, err
	}
	return maint.Planner{Recurring: rs, Store: store.Maintenance()}, nil
}

// noticeJob posts the maintenance notices that came due since the last
// run (with a little overlap): each to the ops chat and the announcements
// chat, under an outbox key per notice and chat, so a notice is posted
// once however often it is seen.
func (a *App) noticeJob(cal maint.Calendar, queue outboxQueue) func(ctx context.Context, at time.Time) error {
	var last time.Time
	var ahead time.Duration
	for _, w := range a.cfg.Maintenance.Windows {
		ahead = max(ahead, w.Notice)
	}
	return func(ctx context.Context, at time.Time) error {
		now := a.clock.Now()
		from := last.Add(-2 * time.Minute)
		if last.IsZero() {
			from = now.Add(-time.Hour) // catch up after a restart
		}
		windows, err := cal.Windows(ctx, from.Add(-8*24*time.Hour), now.Add(ahead+25*time.Hour))
		if err != nil {
			return err
		}
		for _, n := range maint.Due(windows, from, now) {
			w := windowOf(windows, n.Window)
			for _, chat := range a.noticeChats() {
				forUsers := chat != a.cfg.Telegram.OpsChatID
				m := storage.Message{Key: "maint/" + n.Key() + "/" + fmt.Sprint(chat), ChatID: chat, Kind: storage.KindSend,
					HTML: noticeHTML(w, n, forUsers), CreatedAt: now}
				if chat == a.cfg.Telegram.OpsChatID {
					m.ThreadID = int64(a.cfg.Telegram.OpsThreadID)
				}
				if err := queue.Enqueue(ctx, m); err != nil {
					return err
				}
			}
		}
		last = now
		return nil
	}
}

func (a *App) noticeChats() []int64 {
	chats := []int64{a.cfg.Telegram.OpsChatID}
	if id := a.cfg.Maintenance.AnnounceChatID; id != 0 && id != a.cfg.Telegram.OpsChatID {
		chats = append(chats, id)
	}
	return chats
}

func windowOf(ws []maint.Window, id string) maint.Window {
	for _, w := range ws {
		if w.ID == id {
			return w
		}
	}
	return maint.Window{ID: id, Title: id}
}

// noticeHTML is a notice's text: for the ops chat, what happens to the
// pages; for the users' channel, when the service may be unavailable.
func noticeHTML(w maint.Window, n maint.Notice, forUsers bool) string {
	h := render.NewHTML().Text("🛠 ").Bold(w.Title)
	if !forUsers {
		h.Text(" (" + w.ID + ")")
	}
	h.Line()
	span := w.EffectiveStart().UTC().Format("Mon 2 Jan 15:04") + "–" + w.EffectiveEnd().UTC().Format("15:04 MST")
	scope := "all checks"
	if len(w.Scope) > 0 {
		scope = strings.Join(w.Scope, ", ")
	}
	switch {
	case n.Kind == maint.NoticeAhead && forUsers:
		h.Text("Planned for " + span + ". The service may be briefly unavailable.")
	case n.Kind == maint.NoticeAhead:
		h.Text("Scheduled for " + span + ".")
	case n.Kind == maint.NoticeHour:
		h.Text("Starts in 1 hour: " + span + ".")
	case n.Kind == maint.NoticeStart && forUsers:
		h.Text("Under way until " + w.EffectiveEnd().UTC().Format("15:04 MST") + ".")
	case n.Kind == maint.NoticeStart:
		h.Text("Started. Until " + w.EffectiveEnd().UTC().Format("15:04 MST") + ", pages for " + scope + " are held and recorded.")
	case n.Kind == maint.NoticeEnd && forUsers:
		h.Text("Finished. Thank you for your patience.")
	case n.Kind == maint.NoticeEnd:
		h.Text("Ended. Pages are sent again; anything still failing pages now.")
	}
	return h.Line().String()
}

// emergencyJob pings the admins about each emergency step whose deadline
// passed without it being done, once per step.
func (a *App) emergencyJob(pings maint.PingStore, steps []maint.Step, queue outboxQueue) func(ctx context.Context, at time.Time) error {
	return func(ctx context.Context, _ time.Time) error {
		now := a.clock.Now()
		missed, err := maint.DueMissed(ctx, pings, steps, now)
		for _, m := range missed {
			html := a.adminMentions() + maint.PingText(m.Emergency, m.Step, now)
			msg := storage.Message{Key: "emergency/" + m.Emergency.ID + "/" + m.Step.Name + "/ping", ChatID: a.cfg.Telegram.OpsChatID,
				ThreadID: int64(a.cfg.Telegram.OpsThreadID), Kind: storage.KindSend, HTML: html, CreatedAt: now}
			if qerr := queue.Enqueue(ctx, msg); qerr != nil && err == nil {
				err = qerr
			}
		}
		return err
	}
}

// adminMentions mentions the configured admins so that their phones
// ring; with no roles configured there is nobody in particular to ring.
func (a *App) adminMentions() string {
	h := render.NewHTML()
	for _, id := range a.cfg.Auth.Admins {
		h.Link("admin", fmt.Sprintf("tg://user?id=%d", id)).Text(" ")
	}
	if h.Len() > 0 {
		h.Line()
	}
	return h.String()
}

// activeWindows describes the maintenance windows active at now, for
// /status.
func activeWindows(cal maint.Calendar) func(ctx context.Context, now time.Time) ([]string, error) {
	return func(ctx context.Context, now time.Time) ([]string, error) {
		ws, err := cal.Windows(ctx, now.Add(-25*time.Hour), now.Add(time.Minute))
		if err != nil {
			return nil, err
		}
		var out []string
		for _, w := range ws {
			if w.Phase(now) != maint.PhaseActive {
				continue
			}
			scope := "all checks"
			if len(w.Scope) > 0 {
				scope = strings.Join(w.Scope, ", ")
			}
			out = append(out, fmt.Sprintf("%s (%s) until %s; pages for %s held", w.ID, w.Title, w.EffectiveEnd().UTC().Format("15:04 MST"), scope))
		}
		return out, nil
	}
}
