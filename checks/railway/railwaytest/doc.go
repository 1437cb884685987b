// Package railwaytest is a strict fake of Railway's public GraphQL API for
// tests: the three operations opsbot uses, metrics, deployments and
// deploymentRestart.
//
// New starts an httptest server; point a railway.Client at URL() with
// Token(). A request is a POST of {query, operationName, variables} to
// /graphql/v2. The fake parses the query (one operation, one root field;
// no fragments or directives) and validates it the way a GraphQL server
// does, against the part of Railway's schema it knows, transcribed from
// the introspection result in railwayapp/cli src/gql/schema.json: field
// and argument names, required arguments, variable definitions against
// argument types, every variable's value against its declared type
// (DateTime as RFC 3339, Int within 32 bits, enum values, input objects
// field by field), selections of existing fields only. Stricter than
// Railway, it rejects variables the operation does not define. An invalid
// request is answered 400 with a GraphQL error and fails the test (see
// Lenient).
//
// Valid requests are then authenticated: the token must come in the header
// of its kind ("Authorization: Bearer" for account tokens, see WithToken;
// "Project-Access-Token" for project tokens, see WithProjectToken), else the
// answer is Railway's {"data":null,"errors":[{"message":"Not Authorized"}]}.
// Answers carry only the selected fields:
//
//   - metrics answers the series set with SetMetrics for the instances
//     matching serviceId and environmentId, only the measurements asked
//     for and only points within [startDate, endDate]; sampleRateSeconds,
//     averagingWindowSeconds and groupBy are validated but not applied;
//   - deployments answers those set with SetDeployments, newest first,
//     filtered by input.status.in/notIn and cut at first;
//   - deploymentRestart answers true for a known deployment ID, recording
//     it (see Restarts), and the error "Deployment not found" otherwise.
//
// Fail injects HTTP statuses (401, 429 with Retry-After, 5xx), GraphQL
// errors, raw bodies and delays. Calls and CallsTo show what was asked.
package railwaytest
