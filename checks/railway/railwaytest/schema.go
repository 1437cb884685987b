package railwaytest

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// The part of Railway's schema the fake serves, transcribed from the
// introspection result the Railway CLI ships (railwayapp/cli
// src/gql/schema.json): the arguments of Query.metrics, Query.deployments
// and Mutation.deploymentRestart, the input and output types they use, and
// the enums' values.

// rootFields are the fields the fake answers, by operation kind.
var rootFields = map[string]map[string]string{
	"query":    {"metrics": "[MetricsResult!]!", "deployments": "QueryDeploymentsConnection!"},
	"mutation": {"deploymentRestart": "Boolean!"},
}

// fieldArgs are the arguments of the root fields.
var fieldArgs = map[string]map[string]string{
	"metrics": {
		"averagingWindowSeconds":   "Int",
		"endDate":                  "DateTime",
		"environmentId":            "String",
		"groupBy":                  "[MetricTag!]",
		"includeDeleted":           "Boolean",
		"measurements":             "[MetricMeasurement!]!",
		"projectId":                "String",
		"sampleRateSeconds":        "Int",
		"serviceId":                "String",
		"startDate":                "DateTime!",
		"volumeId":                 "String",
		"volumeInstanceExternalId": "String",
		"workspaceId":              "String",
	},
	"deployments": {
		"after":  "String",
		"before": "String",
		"first":  "Int",
		"input":  "DeploymentListInput!",
		"last":   "Int",
	},
	"deploymentRestart": {"id": "String!"},
}

// objectTypes are the output types, field by field.
var objectTypes = map[string]map[string]string{
	"MetricsResult": {"measurement": "MetricMeasurement!", "tags": "MetricTags!", "values": "[Metric!]!"},
	"MetricTags": {
		"deploymentId": "String", "deploymentInstanceId": "String", "environmentId": "String",
		"pluginId": "String", "projectId": "String", "region": "String", "serviceId": "String",
		"volumeId": "String", "volumeInstanceId": "String",
	},
	"Metric":                         {"ts": "Int!", "value": "Float!"},
	"QueryDeploymentsConnection":     {"edges": "[QueryDeploymentsConnectionEdge!]!", "pageInfo": "PageInfo!"},
	"QueryDeploymentsConnectionEdge": {"cursor": "String!", "node": "Deployment!"},
	"PageInfo": {
		"endCursor": "String", "hasNextPage": "Boolean!", "hasPreviousPage": "Boolean!", "startCursor": "String",
	},
	"Deployment": {
		"canRedeploy": "Boolean!", "canRollback": "Boolean!", "createdAt": "DateTime!",
		"deploymentStopped": "Boolean!", "environmentId": "String!", "id": "ID!", "meta": "DeploymentMeta",
		"projectId": "String!", "serviceId": "String", "snapshotId": "String", "staticUrl": "String",
		"status": "DeploymentStatus!", "statusUpdatedAt": "DateTime", "suggestAddServiceDomain": "Boolean!",
		"updatedAt": "DateTime!", "url": "String",
	},
}

// inputTypes are the input objects, field by field.
var inputTypes = map[string]map[string]string{
	"DeploymentListInput": {
		"environmentId": "String", "includeDeleted": "Boolean", "projectId": "String",
		"serviceId": "String", "status": "DeploymentStatusInput",
	},
	"DeploymentStatusInput": {"in": "[DeploymentStatus!]", "notIn": "[DeploymentStatus!]"},
}

// enumTypes are the enums and their values.
var enumTypes = map[string][]string{
	"MetricMeasurement": {
		"BACKUP_USAGE_GB", "CPU_LIMIT", "CPU_USAGE", "CPU_USAGE_2", "DISK_USAGE_GB",
		"EPHEMERAL_DISK_USAGE_GB", "MEASUREMENT_UNSPECIFIED", "MEMORY_LIMIT_GB", "MEMORY_USAGE_GB",
		"NETWORK_RX_GB", "NETWORK_TX_GB", "UNRECOGNIZED",
	},
	"MetricTag": {
		"DEPLOYMENT_ID", "DEPLOYMENT_INSTANCE_ID", "ENVIRONMENT_ID", "HOST_TYPE", "KEY_UNSPECIFIED",
		"PLUGIN_ID", "PROJECT_ID", "REGION", "SERVICE_ID", "UNRECOGNIZED", "VOLUME_ID", "VOLUME_INSTANCE_ID",
	},
	"DeploymentStatus": {
		"BUILDING", "CRASHED", "DEPLOYING", "FAILED", "INITIALIZING", "NEEDS_APPROVAL", "QUEUED",
		"REMOVED", "REMOVING", "SKIPPED", "SLEEPING", "SUCCESS", "WAITING",
	},
}

// scalarTypes are the scalars the types above use.
var scalarTypes = map[string]bool{
	"String": true, "ID": true, "Int": true, "Float": true, "Boolean": true,
	"DateTime": true, "DeploymentMeta": true,
}

// typeRef is a parsed type reference.
type typeRef struct {
	nonNull bool
	list    *typeRef // set for a list type
	name    string   // set for a named type
}

func parseType(s string) typeRef {
	var t typeRef
	if strings.HasSuffix(s, "!") {
		t.nonNull = true
		s = s[:len(s)-1]
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		item := parseType(s[1 : len(s)-1])
		t.list = &item
		return t
	}
	t.name = s
	return t
}

// known reports whether every named type in t exists and is an input type.
func (t typeRef) knownInput() bool {
	if t.list != nil {
		return t.list.knownInput()
	}
	_, enum := enumTypes[t.name]
	_, input := inputTypes[t.name]
	return scalarTypes[t.name] || enum || input
}

// compatible reports whether a variable of type v may be used where type
// loc is expected (GraphQL's "All Variable Usages Are Allowed").
func compatible(v, loc typeRef) bool {
	if loc.nonNull && !v.nonNull {
		return false
	}
	v.nonNull, loc.nonNull = false, false
	switch {
	case loc.list != nil:
		return v.list != nil && compatible(*v.list, *loc.list)
	case v.list != nil:
		return false
	}
	return v.name == loc.name
}

// checkJSON validates a variable's JSON value (decoded with UseNumber)
// against t; path names the value in errors.
func checkJSON(t typeRef, v any, path string) error {
	if v == nil {
		if t.nonNull {
			return fmt.Errorf("%s: expected a non-null value", path)
		}
		return nil
	}
	if t.list != nil {
		items, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: expected a list", path)
		}
		for i, item := range items {
			if err := checkJSON(*t.list, item, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	if fields, ok := inputTypes[t.name]; ok {
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: expected an object of type %s", path, t.name)
		}
		for k, fv := range obj {
			ft, ok := fields[k]
			if !ok {
				return fmt.Errorf("%s: field %q is not defined by type %s", path, k, t.name)
			}
			if err := checkJSON(parseType(ft), fv, path+"."+k); err != nil {
				return err
			}
		}
		for k, ft := range fields {
			if _, given := obj[k]; !given && parseType(ft).nonNull {
				return fmt.Errorf("%s: field %q of type %s is required", path, k, ft)
			}
		}
		return nil
	}
	if values, ok := enumTypes[t.name]; ok {
		s, ok := v.(string)
		if !ok || !slices.Contains(values, s) {
			return fmt.Errorf("%s: %v is not a value of enum %s", path, v, t.name)
		}
		return nil
	}
	return checkScalar(t.name, v, path)
}

// checkScalar validates a scalar's JSON value.
func checkScalar(name string, v any, path string) error {
	bad := func() error { return fmt.Errorf("%s: %v is not a valid %s", path, v, name) }
	switch name {
	case "String":
		if _, ok := v.(string); !ok {
			return bad()
		}
	case "ID":
		switch v.(type) {
		case string, json.Number:
		default:
			return bad()
		}
	case "Int":
		n, ok := v.(json.Number)
		if !ok {
			return bad()
		}
		i, err := n.Int64()
		if err != nil || i < math.MinInt32 || i > math.MaxInt32 {
			return bad()
		}
	case "Float":
		if _, ok := v.(json.Number); !ok {
			return bad()
		}
	case "Boolean":
		if _, ok := v.(bool); !ok {
			return bad()
		}
	case "DateTime":
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return bad()
		}
	case "DeploymentMeta":
	default:
		return fmt.Errorf("%s: unknown type %s", path, name)
	}
	return nil
}
