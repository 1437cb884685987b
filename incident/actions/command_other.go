//go:build !unix

package actions

import "os/exec"

// killGroupOnCancel leaves the default, killing the program alone: there
// are no Unix process groups here.
func killGroupOnCancel(*exec.Cmd) {}
