// Package railway talks to Railway's public GraphQL API and checks a
// service running there: its CPU and memory use against the plan's limits,
// and the status of its latest deployment. The Client also restarts a
// deployment, which the incident engine uses for its level-1 automated
// restart.
//
// # API shapes and where they come from
//
// Endpoint https://backboard.railway.com/graphql/v2, POST {query, variables}.
// Account and workspace (formerly team) tokens go in "Authorization: Bearer
// <token>", project tokens in "Project-Access-Token: <token>". Railway
// counts requests per hour (100 on the Free plan, 1000 on Hobby, 10000 on
// Pro) and answers 429 with Retry-After when they are used up; one check run
// costs two requests. Sources: docs.railway.com/integrations/api (repository
// railwayapp/docs, content/docs/integrations/api.md) and the CLI's client,
// railwayapp/cli src/client.rs, which also shows that Railway reports a
// rejected token as a GraphQL error "Not Authorized".
//
// The queries and the mutation follow the CLI's documents and its
// introspected schema, railwayapp/cli src/gql/schema.json:
//
//   - metrics(projectId, serviceId, environmentId: String, startDate:
//     DateTime!, endDate: DateTime, sampleRateSeconds, averagingWindowSeconds:
//     Int, measurements: [MetricMeasurement!]!, groupBy: [MetricTag!]):
//     [MetricsResult!]! where MetricsResult is {measurement, tags
//     {serviceId, deploymentId, deploymentInstanceId, environmentId, region},
//     values: [Metric!]!} and Metric is {ts: Int! (Unix seconds), value:
//     Float!}. CPU is in vCPU, memory in GB. See
//     src/gql/queries/strings/Metrics.graphql and src/controllers/metrics.rs,
//     which reads CPU_USAGE against CPU_LIMIT and MEMORY_USAGE_GB against
//     MEMORY_LIMIT_GB.
//   - deployments(input: DeploymentListInput!, first: Int) with
//     DeploymentListInput {projectId, serviceId, environmentId: String,
//     includeDeleted: Boolean, status: {in, notIn}}, answering edges { node
//     { id status createdAt staticUrl } }, newest first; DeploymentStatus is
//     BUILDING, CRASHED, DEPLOYING, FAILED, INITIALIZING, NEEDS_APPROVAL,
//     QUEUED, REMOVED, REMOVING, SKIPPED, SLEEPING, SUCCESS or WAITING. See
//     src/gql/queries/strings/Deployments.graphql and railwayapp/docs
//     content/docs/integrations/api/manage-deployments.md (whose
//     "status: {successfulOnly: true}" example does not match the schema).
//   - mutation deploymentRestart(id: String!): Boolean!, see
//     src/gql/mutations/strings/DeploymentRestart.graphql and the same docs
//     page ("restart a running deployment without rebuilding").
//
// Package railwaytest is a strict fake of these three operations for tests.
package railway
