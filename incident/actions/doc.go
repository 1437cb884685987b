// Package actions holds the automated actions that escalation level 1 can
// run when an incident opens. Each type has a Run method matching the
// incident engine's ActionRunner:
//
//   - Railway restarts the latest deployment of a service on Railway,
//     through Railway's deploymentRestart mutation;
//   - Command runs a program directly (no shell) with the incident in its
//     environment, and kills its whole process group when the context ends;
//   - HTTP sends a request, by default a JSON description of the incident
//     POSTed to a webhook.
//
// Func adapts a plain function, for tests and extensions.
//
// Run returns the outcome in a few words, or an error. Both end up on the
// incident's timeline, which is shown in a chat, so they are one short
// line and never contain a secret: no token, header value, URL userinfo
// or query, and no command argument. When the context ends, the error
// wraps the context's error, so errors.Is(err, context.DeadlineExceeded)
// tells a timeout.
//
// Runners here do what they are told every time Run is called: none of
// them remembers having run. Running level 1's action at most once per
// incident is the engine's promise (it claims the action's key before
// calling Run), not the runner's.
package actions
