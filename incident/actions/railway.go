package actions

import (
	"context"
	"errors"
	"fmt"

	"github.com/opsbot/opsbot/checks/railway"
	"github.com/opsbot/opsbot/incident"
)

// RailwayAPI is the part of Railway's API the Railway action uses;
// *railway.Client implements it. Its errors must be fit for a chat, as
// the client's are: they never quote the token.
type RailwayAPI interface {
	// LatestDeployment returns the newest deployment of the service in the
	// environment, or railway.ErrNoDeployment.
	LatestDeployment(ctx context.Context, serviceID, environmentID string) (railway.Deployment, error)
	// RestartDeployment restarts a deployment's container without
	// rebuilding it (Railway's deploymentRestart).
	RestartDeployment(ctx context.Context, deploymentID string) error
}

// Railway restarts the latest deployment of a Railway service, whatever
// its status, and ignores the action name. Every Run restarts again.
type Railway struct {
	API           RailwayAPI
	ServiceID     string
	EnvironmentID string
}

// shortID is how many characters of a deployment ID an outcome shows.
const shortID = 8

// Run restarts the service's latest deployment and returns
// "restarted Railway deployment 7f3c1a2b (was CRASHED)".
func (r Railway) Run(ctx context.Context, _ incident.Incident, _ string) (string, error) {
	switch {
	case r.API == nil:
		return "", errors.New("Railway: no API client configured")
	case r.ServiceID == "" || r.EnvironmentID == "":
		return "", errors.New("Railway: service and environment IDs are not configured")
	}
	d, err := r.API.LatestDeployment(ctx, r.ServiceID, r.EnvironmentID)
	switch {
	case errors.Is(err, railway.ErrNoDeployment) || err == nil && d.ID == "":
		return "", errors.New("Railway: no deployment to restart")
	case err != nil:
		return "", fmt.Errorf("Railway: finding the deployment to restart: %w", err)
	}
	id := oneLine(d.ID, 64)
	if r := []rune(id); len(r) > shortID {
		id = string(r[:shortID])
	}
	if err := r.API.RestartDeployment(ctx, d.ID); err != nil {
		return "", fmt.Errorf("Railway: restarting deployment %s: %w", id, err)
	}
	out := "restarted Railway deployment " + id
	if st := oneLine(string(d.Status), 40); st != "" {
		out += " (was " + st + ")"
	}
	return out, nil
}
