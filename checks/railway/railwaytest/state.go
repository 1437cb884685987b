package railwaytest

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// instance names a service in an environment.
type instance struct{ service, environment string }

// SetMetrics replaces the series the fake answers for a service in an
// environment.
func (s *Server) SetMetrics(serviceID, environmentID string, series ...Series) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.metrics[instance{serviceID, environmentID}] = slices.Clone(series)
}

// SetDeployments replaces the deployments of a service in an environment.
// They are answered newest first by CreatedAt, whatever the order given.
func (s *Server) SetDeployments(serviceID, environmentID string, ds ...Deployment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ds = slices.Clone(ds)
	slices.SortStableFunc(ds, func(a, b Deployment) int { return b.CreatedAt.Compare(a.CreatedAt) })
	s.deployments[instance{serviceID, environmentID}] = ds
}

// Restarts returns the IDs of the deployments restarted so far, in order,
// one entry per successful deploymentRestart.
func (s *Server) Restarts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.restarts)
}

// matches reports whether in is selected by the optional IDs.
func (in instance) matches(serviceID, environmentID string) bool {
	return (serviceID == "" || serviceID == in.service) && (environmentID == "" || environmentID == in.environment)
}

// metricsLocked answers a metrics query.
func (s *Server) metricsLocked(args map[string]any) (any, string) {
	start, _ := time.Parse(time.RFC3339Nano, str(args["startDate"]))
	end := s.now()
	if e, ok := args["endDate"]; ok && e != nil {
		end, _ = time.Parse(time.RFC3339Nano, str(e))
	}
	if end.Before(start) {
		return nil, "endDate is before startDate"
	}
	serviceID, environmentID := str(args["serviceId"]), str(args["environmentId"])
	if serviceID == "" && environmentID == "" && str(args["projectId"]) == "" {
		return nil, "metrics needs a serviceId, environmentId or projectId"
	}
	wanted := map[string]bool{}
	for _, m := range args["measurements"].([]any) {
		wanted[m.(string)] = true
	}
	out := []any{}
	for _, in := range sortedKeys(s.metrics) {
		if !in.matches(serviceID, environmentID) {
			continue
		}
		for _, series := range s.metrics[in] {
			if !wanted[series.Measurement] {
				continue
			}
			values := []any{}
			for _, p := range series.Points {
				if !p.At.Before(start) && !p.At.After(end) {
					values = append(values, map[string]any{"ts": p.At.Unix(), "value": p.Value})
				}
			}
			out = append(out, map[string]any{
				"measurement": series.Measurement,
				"tags": map[string]any{
					"serviceId": null(series.Tags.ServiceID), "deploymentId": null(series.Tags.DeploymentID),
					"deploymentInstanceId": null(series.Tags.DeploymentInstanceID),
					"environmentId":        null(series.Tags.EnvironmentID), "region": null(series.Tags.Region),
					"projectId": nil, "pluginId": nil, "volumeId": nil, "volumeInstanceId": nil,
				},
				"values": values,
			})
		}
	}
	return out, ""
}

// deploymentsLocked answers a deployments query.
func (s *Server) deploymentsLocked(args map[string]any) (any, string) {
	input := args["input"].(map[string]any)
	serviceID, environmentID := str(input["serviceId"]), str(input["environmentId"])
	var in, notIn []any
	if st, ok := input["status"].(map[string]any); ok {
		in, _ = st["in"].([]any)
		notIn, _ = st["notIn"].([]any)
	}
	var found []Deployment
	var owners []instance
	for _, key := range sortedKeys(s.deployments) {
		if !key.matches(serviceID, environmentID) {
			continue
		}
		for _, d := range s.deployments[key] {
			if (in != nil && !slices.Contains(in, any(d.Status))) || slices.Contains(notIn, any(d.Status)) {
				continue
			}
			found = append(found, d)
			owners = append(owners, key)
		}
	}
	if first, ok := args["first"]; ok && first != nil {
		n, _ := first.(json.Number).Int64()
		if n < 0 {
			return nil, "first must not be negative"
		}
		found = found[:min(int(n), len(found))]
	}
	edges := []any{}
	for i, d := range found {
		edges = append(edges, map[string]any{"cursor": d.ID, "node": deploymentJSON(d, owners[i])})
	}
	return map[string]any{
		"edges":    edges,
		"pageInfo": map[string]any{"hasNextPage": false, "hasPreviousPage": false, "startCursor": nil, "endCursor": nil},
	}, ""
}

// restartLocked answers deploymentRestart.
func (s *Server) restartLocked(args map[string]any) (any, string) {
	id := str(args["id"])
	for _, ds := range s.deployments {
		for _, d := range ds {
			if d.ID == id {
				s.restarts = append(s.restarts, id)
				return true, ""
			}
		}
	}
	return nil, "Deployment not found"
}

func deploymentJSON(d Deployment, in instance) map[string]any {
	return map[string]any{
		"id": d.ID, "status": d.Status, "createdAt": d.CreatedAt.UTC().Format(time.RFC3339Nano),
		"updatedAt": d.CreatedAt.UTC().Format(time.RFC3339Nano), "statusUpdatedAt": nil,
		"staticUrl": null(d.StaticURL), "url": null(d.StaticURL), "serviceId": in.service,
		"environmentId": in.environment, "projectId": "project", "meta": map[string]any{},
		"canRedeploy": true, "canRollback": d.Status == "SUCCESS" || d.Status == "REMOVED",
		"deploymentStopped": false, "snapshotId": nil, "suggestAddServiceDomain": false,
	}
}

// sortedKeys returns m's keys in a fixed order, so answers do not depend
// on map order.
func sortedKeys[V any](m map[instance]V) []instance {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b instance) int {
		return cmp.Or(cmp.Compare(a.service, b.service), cmp.Compare(a.environment, b.environment))
	})
	return keys
}

// str returns v as a string, "" for anything else.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// null returns nil for an empty string, so it is answered null.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}
