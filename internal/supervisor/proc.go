package supervisor

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// procStat is what /proc/PID/stat tells about a process.
type procStat struct {
	State byte   // R, S, D, Z, T ...
	Ticks uint64 // start time, clock ticks since boot
}

// parseStat parses the content of /proc/PID/stat. The command name (field
// 2) is in parentheses and may itself contain spaces and parentheses, so
// fields are counted from the last ')'.
func parseStat(data []byte) (procStat, error) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("stat: no command name")
	}
	f := strings.Fields(string(data[i+1:]))
	// f[0] is field 3 (state); starttime is field 22, so f[19].
	if len(f) < 20 || len(f[0]) != 1 {
		return procStat{}, fmt.Errorf("stat: %d fields after the command name, want at least 20", len(f))
	}
	t, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return procStat{}, fmt.Errorf("stat: start time %q: %v", f[19], err)
	}
	return procStat{State: f[0][0], Ticks: t}, nil
}

// readStat reads /proc/PID/stat; ok is false when there is no such process.
func readStat(pid int) (procStat, bool) {
	if pid <= 0 {
		return procStat{}, false
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, false
	}
	st, err := parseStat(data)
	return st, err == nil
}

// startTicks returns the start time of a live process (0 if unknown).
func startTicks(pid int) uint64 {
	st, _ := readStat(pid)
	return st.Ticks
}

// cmdline returns the arguments of a process.
func cmdline(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
}

// Alive reports whether p still names the process it was recorded for: the
// pid exists and is not a zombie, its start time matches (when recorded),
// and, when marker is not empty, one of its arguments equals marker. A
// reused pid fails the test, so it is safe to signal p when Alive is true.
func Alive(p Proc, marker string) bool {
	st, ok := readStat(p.Pid)
	if !ok || st.State == 'Z' || st.State == 'X' {
		return false
	}
	if p.Ticks != 0 && st.Ticks != p.Ticks {
		return false
	}
	if marker == "" {
		return true
	}
	for _, a := range cmdline(p.Pid) {
		if a == marker {
			return true
		}
	}
	return false
}

// signal sends sig to p if Alive(p, marker); it reports whether it did.
func signal(p Proc, marker string, sig syscall.Signal) bool {
	if !Alive(p, marker) {
		return false
	}
	return syscall.Kill(p.Pid, sig) == nil
}

// Signal sends sig to p if it is still the process recorded (same start
// ticks, marker in its command line) and reports whether it was sent.
func Signal(p Proc, marker string, sig syscall.Signal) bool { return signal(p, marker, sig) }

// Self returns the identity of the calling process.
func Self() Proc { return Proc{Pid: os.Getpid(), Ticks: startTicks(os.Getpid())} }

// AllStopped reports whether every live thread of p is stopped by a
// signal (state T): kill(SIGSTOP) returns before the threads of a running
// process have stopped, so a caller that must know waits for this. It
// is false when p is gone.
func AllStopped(p Proc) bool {
	if ProcState(p) == 0 {
		return false
	}
	dir := "/proc/" + strconv.Itoa(p.Pid) + "/task"
	tasks, err := os.ReadDir(dir)
	if err != nil || len(tasks) == 0 {
		return false
	}
	for _, t := range tasks {
		data, err := os.ReadFile(dir + "/" + t.Name() + "/stat")
		if err != nil {
			return false
		}
		st, err := parseStat(data)
		if err != nil {
			return false
		}
		switch st.State {
		case 'T', 't', 'Z', 'X': // stopped, traced, or a thread on its way out
		default:
			return false
		}
	}
	return true
}

// ProcState returns the single-letter state of p (R, S, T, Z, ...) as
// /proc/PID/stat shows it, or 0 when the process is gone.
func ProcState(p Proc) byte {
	st, ok := readStat(p.Pid)
	if !ok || p.Ticks != 0 && st.Ticks != p.Ticks {
		return 0
	}
	return st.State
}
