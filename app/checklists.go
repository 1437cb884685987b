package app

import (
	"context"
	"fmt"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/checklist"
	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/config"
	"github.com/opsbot/opsbot/incident/maint"
	"github.com/opsbot/opsbot/storage"
)

// checklistLists returns the built-in lists with the configured ones in
// place of those of their kind.
func checklistLists(c config.Checklists) []checklist.List {
	lists := checklist.Defaults()
	for _, l := range c.Lists {
		items := make([]checklist.Item, len(l.Items))
		for i, it := range l.Items {
			items[i] = checklist.Item{ID: it.ID, Text: it.Text, Section: it.Section, Verify: it.Verify}
		}
		custom := checklist.List{Kind: l.Kind, Title: l.Title, Items: items}
		replaced := false
		for i := range lists {
			if lists[i].Kind == l.Kind {
				lists[i], replaced = custom, true
			}
		}
		if !replaced {
			lists = append(lists, custom)
		}
	}
	return lists
}

// resultVerifier ticks checklist items from the checks' latest results:
// an item passes when the check it names (see verifyChecks) last ran
// within maxAge and was ok; the evidence says which result.
type resultVerifier struct {
	last   func() map[string]checks.Result
	maxAge time.Duration
}

// verifyChecks maps a verification name to the checks that can prove it,
// in order of preference: the primary service's default check names
// first, then any check of the name itself.
var verifyChecks = map[string][]string{
	checklist.VerifyHealth:        {"health", "healthcheck"},
	checklist.VerifyHealthStatus:  {"health-json", "status-endpoint"},
	checklist.VerifyResponseTime:  {"health", "health-json"},
	checklist.VerifyDatabase:      {"mongodb"},
	checklist.VerifySupabase:      {"postgres"},
	checklist.VerifyCPU:           {"railway"},
	checklist.VerifyMemory:        {"railway"},
	checklist.VerifyLogsErrors:    {"logs"},
	checklist.VerifyLogsDatabase:  {"logs"},
	checklist.VerifyLogsRateLimit: {"logs"},
	checklist.VerifyLogsSecurity:  {"events", "logs"},
}

func (v resultVerifier) Verify(_ context.Context, name string, now time.Time) (string, bool) {
	last := v.last()
	for _, check := range append(verifyChecks[name], name) {
		r, ok := last[check]
		if !ok || now.Sub(r.ObservedAt) > v.maxAge || r.Status != checks.StatusOK {
			continue
		}
		if name == checklist.VerifyResponseTime && r.Duration >= 5*time.Second {
			continue
		}
		return fmt.Sprintf("%s ok at %s UTC: %s", check, r.ObservedAt.UTC().Format("15:04"), render.Clip(r.Message, 80)), true
	}
	return "", false
}

// checklistJob posts a checklist to the ops chat, keyed by its kind and
// day so that a restart or a second replica does not post it twice.
func (a *App) checklistJob(desk checklist.Desk, queue outboxQueue) func(ctx context.Context, kind string, at time.Time) error {
	return func(ctx context.Context, kind string, at time.Time) error {
		now := a.clock.Now()
		run, err := desk.Post(ctx, kind, a.cfg.Telegram.OpsChatID, now)
		if err != nil {
			return err
		}
		html, kb := checklist.Render(run, now)
		m := storage.Message{Key: fmt.Sprintf("checklist/%s/%s", kind, at.Format("2006-01-02")), ChatID: a.cfg.Telegram.OpsChatID,
			ThreadID: int64(a.cfg.Telegram.OpsThreadID), Kind: storage.KindSend, HTML: html, CreatedAt: now}
		m.Keyboard = render.KeyboardJSON(kb)
		return queue.Enqueue(ctx, m)
	}
}

// maintenanceDone lists the maintenance windows that ended in a period,
// for the digests.
type maintenanceDone struct{ cal maint.Calendar }

func (m maintenanceDone) Done(ctx context.Context, from, to time.Time) ([]string, error) {
	ws, err := m.cal.Windows(ctx, from.Add(-24*time.Hour), to)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, w := range ws {
		if end := w.EffectiveEnd(); !w.Canceled && !end.Before(from) && end.Before(to) {
			out = append(out, w.Title+" ("+w.ID+")")
		}
	}
	return out, nil
}
