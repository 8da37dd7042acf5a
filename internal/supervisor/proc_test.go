package supervisor

import (
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	rest := " 1 1 1 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 12345 1000 100"
	tests := []struct {
		name, in string
		want     procStat
		err      string
	}{
		{"plain", "42 (chaoslab) S" + rest, procStat{State: 'S', Ticks: 12345}, ""},
		{"spaces and parens in the name", "42 (a (b) c) R" + rest, procStat{State: 'R', Ticks: 12345}, ""},
		{"zombie", "42 (x) Z" + rest, procStat{State: 'Z', Ticks: 12345}, ""},
		{"no name", "42 x S" + rest, procStat{}, "stat: no command name"},
		{"short", "42 (x) S 1 2", procStat{}, "stat: 3 fields after the command name, want at least 20"},
		{"bad ticks", "42 (x) S 1 1 1 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 x 1", procStat{}, `stat: start time "x": strconv.ParseUint: parsing "x": invalid syntax`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.in))
			if errString(err) != tt.err || got != tt.want {
				t.Errorf("parseStat = %+v, %v; want %+v, %q", got, err, tt.want, tt.err)
			}
		})
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("42 (a (b) c) R 1 1 1 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 12345 1000 100"))
	f.Add([]byte(")"))
	f.Fuzz(func(t *testing.T, b []byte) { parseStat(b) })
}

func TestAlive(t *testing.T) {
	self := Proc{Pid: os.Getpid(), Ticks: startTicks(os.Getpid())}
	if self.Ticks == 0 {
		t.Skip("no /proc")
	}
	// A process that has exited and been reaped.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	gone := Proc{Pid: cmd.Process.Pid}
	tests := []struct {
		name   string
		p      Proc
		marker string
		want   bool
	}{
		{"self", self, "", true},
		{"self with a marker in its arguments", self, os.Args[0], true},
		{"marker not in the arguments", self, "/no/such/ready-file", false},
		{"pid reused (other start time)", Proc{Pid: self.Pid, Ticks: self.Ticks + 1}, "", false},
		{"exited", gone, "", false},
		{"no pid", Proc{}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Alive(tt.p, tt.marker); got != tt.want {
				t.Errorf("Alive(%+v, %q) = %v, want %v", tt.p, tt.marker, got, tt.want)
			}
		})
	}
}

// TestAllStopped: a process whose threads all took SIGSTOP is stopped;
// running, continued and gone ones are not.
func TestAllStopped(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	p := Proc{Pid: cmd.Process.Pid, Ticks: startTicks(cmd.Process.Pid)}
	if AllStopped(p) {
		t.Fatal("a sleeping process counts as stopped")
	}
	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !AllStopped(p) {
		if time.Now().After(deadline) {
			t.Fatalf("not stopped: state %c", ProcState(p))
		}
		runtime.Gosched()
	}
	_ = cmd.Process.Signal(syscall.SIGCONT)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if AllStopped(p) {
		t.Error("a gone process counts as stopped")
	}
}
