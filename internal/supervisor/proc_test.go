package supervisor

import (
	"os"
	"os/exec"
	"testing"
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
