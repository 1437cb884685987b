// Package incident is the domain core of opsbot's incident handling: the
// Incident, its escalation Policy and the lifecycle state machine. It does
// no I/O and reads no clock: every command takes the time it happens at
// and returns the new state plus the side effects to perform, as data, so
// that the engine can persist the incident first and act second.
//
// # Escalation times
//
// A Policy lists up to four levels; LevelPolicy.After is measured from the
// opening of the incident (L1 at 0, L2 at 5m, L3 at 30m, L4 at 2h by
// default, from the checklist's escalation matrix). Only unacknowledged
// time counts: Acknowledge stops the clock and Snooze pauses it.
//
// The checklist also gives each alert an "escalate if unresolved" time
// (checks.Rule.EscalateAfter). It is read as how long L1 waits before L2
// is paged: Policy.ForRule replaces L2's After with it and moves every
// later level that would no longer come after the level before it to that
// level's new time plus the matrix's original gap. With the defaults:
//
//	health check failure (15m): L2 15m, L3 30m, L4 2h
//	high resource usage   (1h): L2 1h,  L3 1h25m, L4 2h
//	security events       (4h): L2 4h,  L3 4h25m, L4 5h55m
//
// A zero EscalateAfter means "not set": the matrix's L2 time applies. The
// checklist's only zero ("bot unresponsive: immediately if several users
// are affected") is a human judgement; it is kept as Incident.EscalateNote
// for the card, and the Escalate button covers it.
//
// # Paging once
//
// Incident.Level is the highest level paged. Levels are only ever paged
// upwards, one at a time, so a level at or below Level is never paged
// again: not by repeated Ticks, not after a restart, not after Reopen.
// Level 1's automated action runs at most once per incident
// (Incident.ActionRun). Effects carry idempotency keys for the outbox.
package incident
