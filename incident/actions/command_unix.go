//go:build unix

package actions

import (
	"os/exec"
	"syscall"
)

// killGroupOnCancel starts the program in a process group of its own and
// makes the context's end kill the whole group, so that the children a
// script started die with it.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The group's ID is the leader's PID; a negative PID names it.
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if err == syscall.ESRCH {
			return nil // the group is gone already
		}
		return err
	}
}
