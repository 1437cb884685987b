package app

import (
	"context"
	"fmt"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/commands"
	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/report"
	"github.com/opsbot/opsbot/scheduler"
	"github.com/opsbot/opsbot/storage"
)

// schedule builds the timed jobs: the maintenance notices every minute,
// and the digests and checklists at their configured times.
func (a *App) schedule(cal maint.Calendar, queue outboxQueue, rep report.Reporter, lists func(ctx context.Context, kind string, at time.Time) error, extra ...gocron.SchedulerOption) (*scheduler.Scheduler, error) {
	s, err := scheduler.New(scheduler.Options{Clock: a.clock, Location: a.cfg.Schedules.Location(), Logger: a.log, Extra: extra})
	if err != nil {
		return nil, err
	}
	jobs := []scheduler.Job{{Name: "maintenance-notices", Cron: "* * * * *", Run: a.noticeJob(cal, queue)}}
	sc := a.cfg.Schedules
	for _, d := range []struct{ kind, spec string }{
		{report.Daily, sc.DailyDigest}, {report.Weekly, sc.WeeklyDigest}, {report.Monthly, sc.MonthlyDigest},
	} {
		if d.spec != "" {
			jobs = append(jobs, scheduler.Job{Name: "digest-" + d.kind, Cron: d.spec, Run: a.digestJob(d.kind, rep, queue)})
		}
	}
	if lists != nil {
		for _, c := range []struct{ kind, spec string }{
			{"daily", sc.DailyChecklist}, {"weekly", sc.WeeklyChecklist}, {"monthly", sc.MonthlyChecklist},
		} {
			if c.spec != "" {
				kind := c.kind
				jobs = append(jobs, scheduler.Job{Name: "checklist-" + kind, Cron: c.spec,
					Run: func(ctx context.Context, at time.Time) error { return lists(ctx, kind, at) }})
			}
		}
	}
	for _, j := range jobs {
		if err := s.Add(j); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// digestJob posts a digest and its chart to the ops chat, keyed by its
// period so that a restart or a second replica does not post it twice.
func (a *App) digestJob(kind string, rep report.Reporter, queue outboxQueue) func(ctx context.Context, at time.Time) error {
	return func(ctx context.Context, at time.Time) error {
		d, err := rep.Digest(ctx, kind, at)
		if err != nil {
			return err
		}
		key := fmt.Sprintf("digest/%s/%s", kind, d.Period.From.Format("2006-01-02"))
		now := a.clock.Now()
		text := storage.Message{Key: key, ChatID: a.cfg.Telegram.OpsChatID, ThreadID: int64(a.cfg.Telegram.OpsThreadID),
			Kind: storage.KindSend, HTML: report.Render(d), CreatedAt: now}
		if err := queue.Enqueue(ctx, text); err != nil {
			return err
		}
		png, err := report.Chart(d)
		if err != nil {
			a.log.Warn("digest chart not drawn", "kind", kind, "err", err)
			return nil
		}
		photo := storage.Message{Key: key + "/chart", ChatID: a.cfg.Telegram.OpsChatID, ThreadID: int64(a.cfg.Telegram.OpsThreadID),
			Kind: storage.KindPhoto, Photo: png, HTML: render.Escape(commands.ReportFileName(d) + ": " + report.ChartCaption), CreatedAt: now.Add(time.Millisecond)}
		return queue.Enqueue(ctx, photo)
	}
}
