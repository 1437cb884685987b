// Package events receives the signed events the monitored service pushes
// (POST /webhook/bot-events), keeps the recent ones in a bounded store, and
// checks them: a critical system alert, a file-processing failure rate or
// a burst of security violations becomes a checks.Result.
//
// The Handler verifies the HMAC-SHA256 signature of the raw body before it
// looks at the content, decodes it into Events and hands them to an
// EventSink; Memory is the in-memory sink and the Checker's Store.
package events
