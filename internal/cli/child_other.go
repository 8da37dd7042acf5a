//go:build !linux

package cli

import "os/exec"

// childCommand is exec.Command; only Linux can tie a child's life to its
// parent's, elsewhere the deferred stops are all there is.
func childCommand(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }
