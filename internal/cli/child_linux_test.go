package cli

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestChildDiesWithParent: a process started by childCommand is killed
// by the kernel when the process that started it dies by SIGKILL (a
// bench killed with kill -9 leaves no server behind).
func TestChildDiesWithParent(t *testing.T) {
	if os.Getenv("CHAOSLAB_TEST_CHILD_PARENT") == "1" {
		// The parent: start the child, report its pid, wait to be
		// killed (its stdin stays open until then).
		child := childCommand("sleep", "600")
		if err := child.Start(); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString(strconv.Itoa(child.Process.Pid) + "\n")
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	parent := exec.Command(os.Args[0], "-test.run=^TestChildDiesWithParent$")
	parent.Env = append(os.Environ(), "CHAOSLAB_TEST_CHILD_PARENT=1")
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := parent.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = parent.Process.Kill()
		t.Fatalf("the parent did not report its child: %v", err)
	}
	pid, err := strconv.Atoi(line[:len(line)-1])
	if err != nil {
		t.Fatal(err)
	}
	// A pidfd names this very process (no pid reuse) and becomes
	// readable when it exits: the wait needs no polling.
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	defer func() { _ = unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0) }() // if the test fails
	if err := parent.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = parent.Wait()
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, int((30 * time.Second).Milliseconds()))
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("the child (pid %d) outlived its killed parent by 30 s", pid)
	}
}

// TestSweepBenchDirs: the temporary directory of a dead bench goes, a
// live one's stays, and other names are left alone.
func TestSweepBenchDirs(t *testing.T) {
	tmp := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{ // name: still there after the sweep
		benchDirPrefix + strconv.Itoa(dead.Process.Pid) + "-123": false,
		benchDirPrefix + strconv.Itoa(os.Getpid()) + "-456":      true,
		benchDirPrefix + "notapid-1":                             true,
		"chaoslab-other-1":                                       true,
	}
	for n := range names {
		if err := os.Mkdir(filepath.Join(tmp, n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sweepBenchDirs(tmp)
	for n, want := range names {
		_, err := os.Stat(filepath.Join(tmp, n))
		if got := err == nil; got != want {
			t.Errorf("%s: there after the sweep = %v, want %v", n, got, want)
		}
	}
}
