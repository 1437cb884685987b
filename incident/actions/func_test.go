package actions_test

import (
	"context"
	"errors"
	"testing"

	"github.com/opsbot/opsbot/incident"
	"github.com/opsbot/opsbot/incident/actions"
)

// runner is the incident engine's ActionRunner, restated so that this
// package's tests do not depend on the engine.
type runner interface {
	Run(ctx context.Context, inc incident.Incident, action string) (string, error)
}

var (
	_ runner = actions.Railway{}
	_ runner = actions.Command{}
	_ runner = actions.HTTP{}
	_ runner = actions.Func(nil)
)

func TestFunc(t *testing.T) {
	var seen string
	var r runner = actions.Func(func(_ context.Context, inc incident.Incident, action string) (string, error) {
		seen = inc.ID + " " + action
		if action != "restart" {
			return "", errors.New("unknown action " + action)
		}
		return "restarted", nil
	})
	if out, err := r.Run(t.Context(), testIncident(), "restart"); out != "restarted" || err != nil || seen != "INC-42 restart" {
		t.Errorf("Run = %q, %v (saw %q); want restarted, nil (saw INC-42 restart)", out, err, seen)
	}
	if _, err := r.Run(t.Context(), testIncident(), "scale"); err == nil || err.Error() != "unknown action scale" {
		t.Errorf("Run(scale) error = %v, want unknown action scale", err)
	}
}
