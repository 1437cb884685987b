//go:build unix

package actions_test

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestCommandTimeoutKillsGroup runs a program that starts a grandchild
// sharing its output and hangs. Killing the program alone would leave the
// grandchild holding the output pipe, and Run would wait seconds (its
// WaitDelay) for it; killing the group ends both at once.
func TestCommandTimeoutKillsGroup(t *testing.T) {
	const timeout = 2 * time.Second
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()

	out, err := helperCommand(t, "hang").Run(ctx, testIncident(), "restart")
	late := time.Since(deadline)

	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %q, %v; want an error wrapping context.DeadlineExceeded", out, err)
	}
	if want := "command timed out, killed; last output: waiting with grandchild"; err.Error() != want {
		t.Errorf("error = %q, want %q (the grandchild must have run before the deadline)", err, want)
	}
	if late > time.Second {
		t.Errorf("Run returned %v after the deadline; the process group was not killed at once", late)
	}
}
