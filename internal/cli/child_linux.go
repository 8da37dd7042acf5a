package cli

import (
	"os/exec"
	"syscall"
)

// childCommand is exec.Command for a helper process that must not outlive
// this one (bench's servers and echo server): the kernel kills it when
// chaoslab dies, even by SIGKILL. (The signal follows the OS thread that
// started the child; Go ends threads only when a goroutine locked to one
// exits, which the callers do not do.)
func childCommand(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd
}
