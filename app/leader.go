package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"

	"github.com/opsbot/opsbot/checks"
	"github.com/opsbot/opsbot/scheduler"
)

// leaseName is the leader lease shared by every replica on one database.
const leaseName = "opsbot-leader"

// replicaID names this process in the leader lease: host, pid and a
// random part, so that a restarted process is a new holder. On the
// embedded store the name is fixed: no other process can open its data
// directory, so a term held under that name is a dead process's, and a
// restart after a crash takes it over at once instead of waiting for it to
// expire.
func replicaID(embedded bool) string {
	if embedded {
		return "embedded"
	}
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// leaderRules passes results to the rules on the leader only. A standby's
// results (a /health run on demand, in webhook mode) still reach the
// history, but cannot fire or resolve anything: the leader's rules hold
// the state, and a standby loads it when it is elected.
type leaderRules struct {
	rules  checks.Observer
	leader *scheduler.Leader
}

func (g leaderRules) Observe(ctx context.Context, r checks.Result) {
	if g.leader.Leading() {
		g.rules.Observe(ctx, r)
	}
}

// leaderStatus is /readyz's line about the lease: never a reason to be
// unready (a standby is as ready as the leader to take webhook updates and
// to take over), but it says which one this replica is.
func leaderStatus(l *scheduler.Leader) string {
	leading, term, outage := l.Status()
	switch {
	case leading && outage:
		return fmt.Sprintf("leader (term %d; the lease cannot be renewed while the store is unreachable)", term)
	case leading:
		return fmt.Sprintf("leader (term %d)", term)
	default:
		return "standby"
	}
}
