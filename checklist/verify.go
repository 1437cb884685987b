package checklist

import (
	"context"
	"time"
)

// The names of the automatic verifications the default lists use. The app
// implements each from its checks' latest results; a name it does not
// know simply never passes, and a person ticks the item instead.
const (
	// VerifyHealth passes when the health endpoint answers 200.
	VerifyHealth = "health"
	// VerifyHealthStatus passes when the detailed status is HEALTHY or DEGRADED.
	VerifyHealthStatus = "health-status"
	// VerifyResponseTime passes when the bot answers within 5 seconds.
	VerifyResponseTime = "response-time"
	// VerifyCPU and VerifyMemory pass when usage is under the checklist's
	// 80% and 85% averages.
	VerifyCPU    = "cpu"
	VerifyMemory = "memory"
	// VerifyLogsErrors passes when the logs of the last 24 hours hold no errors.
	VerifyLogsErrors = "logs-errors"
	// VerifyLogsDatabase, VerifyLogsRateLimit and VerifyLogsSecurity pass
	// when the logs of the last 24 hours hold no database connection
	// failures, rate-limit (429) errors or security violations.
	VerifyLogsDatabase  = "logs-database"
	VerifyLogsRateLimit = "logs-rate-limit"
	VerifyLogsSecurity  = "logs-security"
	// VerifyDatabase passes when MongoDB answers; VerifySupabase when
	// Supabase (Postgres) does.
	VerifyDatabase = "database"
	VerifySupabase = "supabase"
)

// Verifier runs automatic verifications by name. The app implements it
// from its check results, so posting a checklist does not wait on the
// network. ok reports a pass; evidence says what was seen, in a short
// sentence safe for a chat ("/health returned 200 at 09:00 UTC").
type Verifier interface {
	Verify(ctx context.Context, name string, now time.Time) (evidence string, ok bool)
}

// AutoTick ticks r's open items whose verification passes, By [ByOpsbot]
// at now with the verifier's evidence. Each verification runs once even
// when several items share it; items already ticked, items a person ticks,
// and failing verifications are left alone, so a person looks at them. A
// nil v ticks nothing.
func AutoTick(ctx context.Context, r *Run, v Verifier, now time.Time) {
	if v == nil {
		return
	}
	type verdict struct {
		evidence string
		ok       bool
	}
	seen := map[string]verdict{}
	for _, it := range r.Items {
		if it.Verify == "" {
			continue
		}
		if _, done := r.Ticks[it.ID]; done {
			continue
		}
		vd, ran := seen[it.Verify]
		if !ran {
			vd.evidence, vd.ok = v.Verify(ctx, it.Verify, now)
			seen[it.Verify] = vd
		}
		if !vd.ok {
			continue
		}
		if vd.evidence == "" {
			vd.evidence = "verified automatically (" + it.Verify + ")"
		}
		if r.Ticks == nil {
			r.Ticks = map[string]Tick{}
		}
		r.Ticks[it.ID] = Tick{By: ByOpsbot, At: now, Evidence: vd.evidence}
	}
}
