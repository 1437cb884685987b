package app_test

import (
	"sort"
	"testing"
	"time"

	"github.com/opsbot/opsbot/app"
	"github.com/opsbot/opsbot/bot/telegramtest"
)

// BenchmarkHelpRoundTrip measures a command's round trip through the real
// wiring: the update queued at the fake Bot API, long-polled, routed,
// authorised, answered with sendMessage, and audited in the embedded store.
// It reports p50 and p99 alongside ns/op.
//
//	go test -run '^$' -bench HelpRoundTrip -benchtime 300x ./app/
func BenchmarkHelpRoundTrip(b *testing.B) {
	tg := telegramtest.New(b)
	cfg := testConfig(b, tg, b.TempDir())
	cfg.Bot.Workers = 8
	start(b, cfg, app.Options{})
	command(b, tg, opsChat, alice, "/help") // warm up

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		command(b, tg, opsChat, alice, "/help")
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
