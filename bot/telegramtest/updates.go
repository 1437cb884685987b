package telegramtest

import (
	"context"
	"net/http"
	"slices"
	"time"
)

// This file implements the update queue and getUpdates long polling.

// firstUpdateID is where update ids start; Telegram starts at an arbitrary
// positive number, so code must not assume 1.
const firstUpdateID int64 = 100000001

// updateQueue holds the updates not yet confirmed by the bot.
type updateQueue struct {
	pending []pendingUpdate
	nextID  int64
	poll    *longPoll // the getUpdates call now waiting, if any
	allowed []string  // allowed_updates from the last getUpdates or setWebhook
}

type pendingUpdate struct {
	id   int64
	json map[string]any
}

// longPoll is a waiting getUpdates call; a newer call terminates it.
type longPoll struct {
	terminated chan struct{}
}

func errConflictPolling() *apiError {
	return &apiError{Status: http.StatusConflict, Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
}

func errConflictWebhook() *apiError {
	return &apiError{Status: http.StatusConflict, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
}

// queueLocked appends an update of the given kind ("message",
// "callback_query") unless allowed_updates excludes it, as Telegram does.
func (s *Server) queueLocked(kind string, payload map[string]any) bool {
	q := &s.state.updates
	if len(q.allowed) > 0 && !slices.Contains(q.allowed, kind) {
		return false
	}
	id := q.nextID
	q.nextID++
	q.pending = append(q.pending, pendingUpdate{id: id, json: map[string]any{"update_id": id, kind: payload}})
	return true
}

// PendingUpdates returns the number of updates queued and not yet confirmed.
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.state.updates.pending)
}

// getUpdates answers at once when updates are pending, else waits up to
// timeout seconds for one. A newer getUpdates terminates a waiting one with
// 409 Conflict, as Telegram does: the earlier request gets the error.
func getUpdates(s *Server, ctx context.Context, p params) (any, *apiError) {
	if s.state.webhook.URL != "" {
		return nil, errConflictWebhook()
	}
	q := &s.state.updates
	if p.has("allowed_updates") {
		q.allowed = stringList(p["allowed_updates"])
	}
	if p.has("offset") {
		q.confirm(p.int("offset"))
	}
	limit := int(p.int("limit"))
	if limit < 1 || limit > 100 {
		limit = 100
	}
	if q.poll != nil {
		close(q.poll.terminated)
	}
	me := &longPoll{terminated: make(chan struct{})}
	q.poll = me
	s.notifyLocked() // for Polling waiters
	defer func() {
		if q.poll == me {
			q.poll = nil
		}
	}()
	var expired <-chan time.Time
	if timeout := p.int("timeout"); timeout > 0 {
		timer := time.NewTimer(time.Duration(timeout) * time.Second)
		defer timer.Stop()
		expired = timer.C
	}
	for {
		if s.state.webhook.URL != "" {
			return nil, errConflictWebhook()
		}
		if len(q.pending) > 0 || expired == nil {
			return q.take(limit), nil
		}
		changed := s.changed
		s.mu.Unlock()
		var aerr *apiError
		select {
		case <-changed:
		case <-me.terminated:
			aerr = errConflictPolling()
		case <-expired:
			expired = nil
		case <-s.done:
			expired = nil
		case <-ctx.Done():
			aerr = &apiError{Status: statusClientClosed, Description: "client closed request"}
		}
		s.mu.Lock()
		if aerr != nil {
			return nil, aerr
		}
	}
}

// confirm forgets updates before offset; a negative offset keeps only the
// last -offset updates.
func (q *updateQueue) confirm(offset int64) {
	switch {
	case offset > 0:
		i := 0
		for i < len(q.pending) && q.pending[i].id < offset {
			i++
		}
		q.pending = q.pending[i:]
	case offset < 0:
		if keep := int(-offset); keep < len(q.pending) {
			q.pending = q.pending[len(q.pending)-keep:]
		}
	}
}

func (q *updateQueue) take(limit int) []any {
	out := make([]any, 0, min(limit, len(q.pending)))
	for _, u := range q.pending[:min(limit, len(q.pending))] {
		out = append(out, u.json)
	}
	return out
}

func stringList(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Polling reports whether a getUpdates call is waiting for updates now.
func (s *Server) Polling() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.updates.poll != nil
}
