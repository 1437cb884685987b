package railway

// The operations the client sends. Their names, argument lists and
// selections follow the Railway CLI's documents, checked against the CLI's
// introspected schema (railwayapp/cli src/gql/schema.json); see the package
// documentation. Every argument is passed as a variable; variables the
// caller leaves unset are omitted from the request, which GraphQL treats as
// not given.

// metricsQuery follows railwayapp/cli
// src/gql/queries/strings/Metrics.graphql (variables projectId and groupBy as in the CLI's
// src/controllers/metrics.rs), plus averagingWindowSeconds, an argument of
// Query.metrics in the schema that docs.railway.com's metrics examples use.
const metricsQuery = `query Metrics(
  $projectId: String
  $serviceId: String
  $environmentId: String
  $startDate: DateTime!
  $endDate: DateTime
  $sampleRateSeconds: Int
  $averagingWindowSeconds: Int
  $measurements: [MetricMeasurement!]!
  $groupBy: [MetricTag!]
) {
  metrics(
    projectId: $projectId
    serviceId: $serviceId
    environmentId: $environmentId
    startDate: $startDate
    endDate: $endDate
    sampleRateSeconds: $sampleRateSeconds
    averagingWindowSeconds: $averagingWindowSeconds
    measurements: $measurements
    groupBy: $groupBy
  ) {
    measurement
    tags {
      serviceId
      deploymentId
      deploymentInstanceId
      environmentId
      region
    }
    values {
      ts
      value
    }
  }
}`

// deploymentsQuery follows railwayapp/cli
// src/gql/queries/strings/Deployments.graphql and railwayapp/docs
// content/docs/integrations/api/manage-deployments.md ("List deployments"): DeploymentListInput carries
// projectId, serviceId and environmentId, all optional in the schema.
const deploymentsQuery = `query Deployments($input: DeploymentListInput!, $first: Int) {
  deployments(input: $input, first: $first) {
    edges {
      node {
        id
        status
        createdAt
        staticUrl
      }
    }
  }
}`

// deploymentRestartMutation is railwayapp/cli
// src/gql/mutations/strings/DeploymentRestart.graphql; the same text is on docs.railway.com's
// "Manage Deployments with the Public API" page. It answers a Boolean.
const deploymentRestartMutation = `mutation DeploymentRestart($id: String!) {
  deploymentRestart(id: $id)
}`
