// Package logcheck scans a service's logs for the monitoring checklist's
// pattern classes (errors, database, rate limits, security, ...), the way
// the checklist greps `railway logs --since 24h`, and turns the counts into
// a checks.Result.
//
// The pieces are separate so the /logs chat command can reuse them:
//   - a Source opens the log text: a command run without a shell (Command),
//     the tail of a file (File), or an HTTP GET (HTTP);
//   - an Analyzer streams it line by line with bounded memory and returns a
//     Report: counts per Class, the error rate, processing times and the last
//     matching lines, with secrets masked by a Redactor;
//   - the Checker evaluates Thresholds on the Report's metrics.
package logcheck
