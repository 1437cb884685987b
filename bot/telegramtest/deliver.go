package telegramtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// Deliver does what Telegram does for a webhook: it POSTs the pending
// updates, oldest first, to endpoint (where the webhook's URL is served;
// in a test it is rarely the public URL itself), with the webhook's
// secret in X-Telegram-Bot-Api-Secret-Token, and drops each update
// answered 2xx. It stops at the first update not accepted, which stays
// queued for a later try, as Telegram retries it. It returns how many
// were delivered, and fails the test when no webhook is set.
func (s *Server) Deliver(t testing.TB, endpoint string) int {
	t.Helper()
	s.mu.Lock()
	hook := s.state.webhook
	s.mu.Unlock()
	if hook.URL == "" {
		t.Fatal("telegramtest: Deliver: no webhook is set")
	}
	n := 0
	for {
		s.mu.Lock()
		q := &s.state.updates
		if len(q.pending) == 0 {
			s.mu.Unlock()
			return n
		}
		u := q.pending[0]
		s.mu.Unlock()

		body, err := json.Marshal(u.json)
		if err != nil {
			t.Fatalf("telegramtest: Deliver: %v", err)
		}
		req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
		if err != nil {
			t.Fatalf("telegramtest: Deliver: %v", err)
		}
		req.Header.Set("Content-Type", "application/json")
		if hook.SecretToken != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hook.SecretToken)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return n
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return n
		}
		s.mu.Lock()
		q.confirm(u.id + 1)
		s.notifyLocked()
		s.mu.Unlock()
		n++
	}
}
