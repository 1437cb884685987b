package railway

import (
	"context"
	"errors"
	"slices"
	"time"
)

// DeploymentStatus is a DeploymentStatus of Railway's schema.
type DeploymentStatus string

// Deployment statuses, as the schema lists them.
const (
	StatusBuilding      DeploymentStatus = "BUILDING"
	StatusCrashed       DeploymentStatus = "CRASHED"
	StatusDeploying     DeploymentStatus = "DEPLOYING"
	StatusFailed        DeploymentStatus = "FAILED"
	StatusInitializing  DeploymentStatus = "INITIALIZING"
	StatusNeedsApproval DeploymentStatus = "NEEDS_APPROVAL"
	StatusQueued        DeploymentStatus = "QUEUED"
	StatusRemoved       DeploymentStatus = "REMOVED"
	StatusRemoving      DeploymentStatus = "REMOVING"
	StatusSkipped       DeploymentStatus = "SKIPPED"
	StatusSleeping      DeploymentStatus = "SLEEPING"
	StatusSuccess       DeploymentStatus = "SUCCESS"
	StatusWaiting       DeploymentStatus = "WAITING"
)

// InProgress reports whether s is a deployment on its way up: queued,
// building, deploying and the like.
func (s DeploymentStatus) InProgress() bool {
	switch s {
	case StatusBuilding, StatusDeploying, StatusInitializing, StatusQueued, StatusWaiting, StatusNeedsApproval:
		return true
	}
	return false
}

// Deployment is one deployment of a service.
type Deployment struct {
	ID        string           `json:"id"`
	Status    DeploymentStatus `json:"status"`
	CreatedAt time.Time        `json:"createdAt"`
	StaticURL string           `json:"staticUrl"`
}

// DeploymentsQuery selects deployments. ServiceID and EnvironmentID are
// required here (the schema has them optional, but without them the list
// spans services); ProjectID is optional.
type DeploymentsQuery struct {
	ProjectID     string
	ServiceID     string
	EnvironmentID string
	// First bounds how many, newest first; zero lets Railway choose.
	First int
}

// deploymentsData is the data of a deployments answer.
type deploymentsData struct {
	Deployments struct {
		Edges []struct {
			Node Deployment `json:"node"`
		} `json:"edges"`
	} `json:"deployments"`
}

// Deployments returns the deployments q selects, newest first.
func (c *Client) Deployments(ctx context.Context, q DeploymentsQuery) ([]Deployment, error) {
	if q.ServiceID == "" || q.EnvironmentID == "" {
		return nil, errors.New("railway: DeploymentsQuery needs ServiceID and EnvironmentID")
	}
	input := map[string]any{"serviceId": q.ServiceID, "environmentId": q.EnvironmentID}
	setString(input, "projectId", q.ProjectID)
	vars := map[string]any{"input": input}
	if q.First > 0 {
		vars["first"] = q.First
	}
	var data deploymentsData
	if err := c.do(ctx, "Deployments", deploymentsQuery, vars, &data); err != nil {
		return nil, err
	}
	out := make([]Deployment, 0, len(data.Deployments.Edges))
	for _, e := range data.Deployments.Edges {
		out = append(out, e.Node)
	}
	// Railway answers newest first; sorting keeps that true whatever it does.
	slices.SortStableFunc(out, func(a, b Deployment) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// LatestDeployment returns the newest deployment of a service in an
// environment, whatever its status, or ErrNoDeployment.
func (c *Client) LatestDeployment(ctx context.Context, serviceID, environmentID string) (Deployment, error) {
	ds, err := c.Deployments(ctx, DeploymentsQuery{ServiceID: serviceID, EnvironmentID: environmentID, First: 1})
	if err != nil {
		return Deployment{}, err
	}
	if len(ds) == 0 {
		return Deployment{}, ErrNoDeployment
	}
	return ds[0], nil
}

// RestartDeployment restarts a deployment's container without rebuilding
// it (Railway's deploymentRestart). It is not idempotent: every call
// restarts again, so callers that must restart once record that they did.
func (c *Client) RestartDeployment(ctx context.Context, deploymentID string) error {
	if deploymentID == "" {
		return errors.New("railway: RestartDeployment needs a deployment ID")
	}
	var data struct {
		DeploymentRestart *bool `json:"deploymentRestart"`
	}
	if err := c.do(ctx, "DeploymentRestart", deploymentRestartMutation, map[string]any{"id": deploymentID}, &data); err != nil {
		return err
	}
	if data.DeploymentRestart == nil || !*data.DeploymentRestart {
		return errors.New("Railway did not restart the deployment")
	}
	return nil
}
