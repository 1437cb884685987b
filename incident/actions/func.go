package actions

import (
	"context"

	"github.com/opsbot/opsbot/incident"
)

// Func adapts an ordinary function to a runner, for tests and extensions.
type Func func(ctx context.Context, inc incident.Incident, action string) (string, error)

// Run calls f(ctx, inc, action).
func (f Func) Run(ctx context.Context, inc incident.Incident, action string) (string, error) {
	return f(ctx, inc, action)
}
