// Package faults holds opsbot's fault-injection suite: real opsbot
// processes against the fake Bot API and a shared store, killed with
// SIGKILL in the middle of escalations. It is slow (minutes), so its tests
// build only with the faults tag:
//
//	go test -tags faults -v ./faults/
//
// FAULT_TRIALS sets the number of seeded trials (default 20).
package faults
