package engine

import (
	"context"
	"sync"
	"time"

	"github.com/opsbot/opsbot/incident"
)

// stormTracker remembers the incidents opened lately, to see a storm
// coming: when Storm.Threshold of them open within Storm.Window, they
// become one alert storm ("S-3") with one card, and every incident opened
// within Window of the storm's latest joins it. It lives in memory: after
// a restart a storm already going on keeps its members, and new failures
// start a new one.
type stormTracker struct {
	mu     sync.Mutex
	recent []opened // outside any storm, within Window of the latest
	id     string   // the storm going on, if any
	last   time.Time
}

type opened struct {
	id string
	at time.Time
}

// joinStorm returns the storm incident id (opened at at) belongs to, ""
// when it pages on its own, and the incidents opened before it that start
// the storm with it (already paged on their own; they join it now).
func (e *Engine) joinStorm(ctx context.Context, id string, at time.Time) (string, []string) {
	sp := e.opts.Storm
	if sp.Threshold < 2 {
		return "", nil
	}
	t := &e.storm
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.id != "" && at.Sub(t.last) <= sp.Window {
		t.last = at
		return t.id, nil
	}
	t.id = ""
	keep := t.recent[:0]
	for _, o := range t.recent {
		if at.Sub(o.at) <= sp.Window {
			keep = append(keep, o)
		}
	}
	t.recent = keep
	if len(t.recent)+1 < sp.Threshold {
		t.recent = append(t.recent, opened{id, at})
		return "", nil
	}
	n, err := e.opts.Counter.Next(ctx, "storm")
	if err != nil {
		e.log.Warn("starting an alert storm; paging alone", "incident", id, "err", err)
		t.recent = append(t.recent, opened{id, at})
		return "", nil
	}
	t.id, t.last = incident.StormID(n), at
	earlier := make([]string, len(t.recent))
	for i, o := range t.recent {
		earlier[i] = o.id
	}
	t.recent = t.recent[:0]
	e.log.Warn("alert storm", "storm", t.id, "incidents", len(earlier)+1)
	return t.id, earlier
}

// regroup makes incident id, paged on its own a moment ago, a member of
// storm group: its card stays, its further pages go to the storm's.
func (e *Engine) regroup(ctx context.Context, id, group string) {
	_, err := e.apply(ctx, id, func(inc incident.Incident) (incident.Incident, []incident.Effect, error) {
		if inc.Group != "" || inc.Status == incident.StatusResolved {
			return inc, nil, nil
		}
		inc.Group = group
		inc.Rev++
		return inc, []incident.Effect{incident.UpdateCard{ID: inc.ID, Rev: inc.Rev}}, nil
	})
	if err != nil {
		e.log.Warn("adding incident to alert storm", "incident", id, "storm", group, "err", err)
	}
}
