package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsbot/opsbot/bot/telegramtest"
	"github.com/opsbot/opsbot/checks"
)

// BenchmarkHoldElapsedToSendMessage measures, for 100 incidents one after
// the other, the time from the Result that completes a rule's hold to the
// incident's card arriving at the fake Bot API (which enforces Telegram's
// flood limits): the evaluator, the incident store, the outbox and the
// sender, on the embedded store. The fake clock moves 4s between
// incidents so the group's rate limit has a token for each.
//
//	go test -run '^$' -bench HoldElapsedToSendMessage -benchtime 1x ./incident/engine/
func BenchmarkHoldElapsedToSendMessage(b *testing.B) {
	for range b.N {
		c := newChat(b, telegramtest.WithRateLimits(true))
		c.quiet()
		eng, _ := c.process()
		down, err := checks.ParseCondition("status >= crit")
		if err != nil {
			b.Fatal(err)
		}
		rule := checks.Rule{Name: "down", Summary: "down", Severity: checks.SeverityCritical, When: []checks.Condition{down}, For: 2 * time.Minute}
		eval, err := checks.NewEvaluator([]checks.Rule{rule}, checks.EvaluatorOptions{Sink: eng})
		if err != nil {
			b.Fatal(err)
		}
		var lat []time.Duration
		for i := range 100 {
			check := fmt.Sprintf("svc-%03d", i)
			now := c.clock.Now()
			res := checks.Result{Check: check, Status: checks.StatusCrit, Message: "HTTP 503", ObservedAt: now.Add(-2 * time.Minute)}
			eval.Observe(b.Context(), res)
			res.ObservedAt = now
			id := fmt.Sprintf("INC-%d<", i+1) // the card names it in bold
			start := time.Now()
			eval.Observe(b.Context(), res) // the hold has elapsed
			c.tg.WaitCall(b, "sendMessage", func(call telegramtest.Call) bool {
				text, _ := call.Params["text"].(string)
				return strings.Contains(text, id)
			})
			lat = append(lat, time.Since(start))
			c.step(4 * time.Second)
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
		if n := c.tg.RateLimited(); n != 0 {
			b.Errorf("the fake answered 429 %d times", n)
		}
	}
}

// BenchmarkTwoHundredIncidentsAtOnce opens 200 incidents at once (storm
// grouping off, so each posts its own card) with the fake Bot API
// enforcing Telegram's limits, and moves the fake clock on until every
// card has arrived. It reports the fake time that took (Telegram allows
// about 20 messages a minute to one group) and fails on any 429.
//
//	go test -run '^$' -bench TwoHundredIncidentsAtOnce -benchtime 1x ./incident/engine/
func BenchmarkTwoHundredIncidentsAtOnce(b *testing.B) {
	for range b.N {
		c := newChat(b, telegramtest.WithRateLimits(true))
		c.quiet()
		eng, _ := c.process()
		began, start := c.clock.Now(), time.Now()
		done := make(chan struct{})
		for i := range 200 {
			go func() {
				tr := c.fired(fmt.Sprintf("svc-%03d", i))
				tr.Rule.EscalateAfter = 0
				eng.Transition(b.Context(), tr)
				done <- struct{}{}
			}()
		}
		for range 200 {
			<-done
		}
		opened := time.Since(start)
		for range 10000 {
			if len(c.botMessages()) == 200 {
				break
			}
			c.step(time.Second)
		}
		msgs := c.botMessages()
		seen := map[string]bool{}
		for _, m := range msgs {
			for i := 1; i <= 200; i++ {
				if strings.Contains(m.Text, fmt.Sprintf("INC-%d<", i)) {
					seen[fmt.Sprint(i)] = true
				}
			}
		}
		if len(msgs) != 200 || len(seen) != 200 {
			b.Fatalf("%d messages for %d incidents, want 200 cards, one each", len(msgs), len(seen))
		}
		if n := c.tg.RateLimited(); n != 0 {
			b.Errorf("the fake answered 429 %d times", n)
		}
		b.ReportMetric(opened.Seconds(), "open-200-s")
		b.ReportMetric(c.clock.Since(began).Minutes(), "fake-min-to-deliver")
	}
}

// quiet turns off what would add messages besides the cards: the level 1
// action, escalations within the run, and storm grouping.
func (c *chat) quiet() {
	c.policy.Levels[0].Action = ""
	c.policy.Levels[1].After = 24 * time.Hour
	c.policy.Levels[2].After = 48 * time.Hour
	c.policy.Levels[3].After = 72 * time.Hour
	c.storm.Threshold = 0
}
