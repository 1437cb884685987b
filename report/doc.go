// Package report builds the daily, weekly and monthly digests opsbot posts
// to the ops chat: per-check availability and response times from the
// hourly check history, the incidents of the period with their mean times
// to acknowledge and to resolve, and, when their sources are wired in,
// the security and rate-limit events the monitored service reported,
// maintenance done and checklist completion. Each figure is shown next to
// the previous period's, so a trend is visible at a glance.
//
// The package reads its data through small interfaces declared here
// (HistorySource, IncidentSource, ...), so it depends on what it needs and
// not on how storage keeps it, and tests can seed figures by hand.
// [Render] turns a Digest into Telegram HTML and [Chart] into a PNG.
package report
