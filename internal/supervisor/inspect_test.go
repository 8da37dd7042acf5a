package supervisor

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestInspect checks the /proc truth: this test process plays a live
// server (its own binary path is the marker), a dead pid a crashed one.
func TestInspect(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	self := Proc{Pid: os.Getpid(), Ticks: startTicks(os.Getpid())}
	if self.Ticks == 0 {
		t.Skip("no /proc")
	}
	for _, supAlive := range []bool{true, false} {
		st := testState(os.Args[0]) // the supervisor's marker is its state dir
		st.Supervisor = Supervisor{Proc: self, Started: now.Add(-time.Hour), Control: "127.0.0.1:2"}
		if !supAlive {
			st.Supervisor.Ticks++ // a reused pid
		}
		live, dead := st.Servers[0], st.Servers[2]
		live.Proc, live.ReadyFile, live.Started = self, os.Args[0], now.Add(-90*time.Second)
		dead.Proc = Proc{Pid: self.Pid, Ticks: self.Ticks + 1}
		v := Inspect(st, now)
		if v.Alive != supAlive {
			t.Errorf("supervisor alive = %v, want %v", v.Alive, supAlive)
		}
		wantLive := PhaseRunning
		if !supAlive {
			wantLive = PhaseOrphan
		}
		if v.Servers[0].Phase != wantLive || v.Servers[0].Pid != self.Pid || v.Servers[0].Uptime != 90*time.Second {
			t.Errorf("live server: %+v", v.Servers[0])
		}
		if v.Servers[2].Phase != PhaseDead || v.Servers[2].Pid != 0 {
			t.Errorf("dead server: %+v", v.Servers[2])
		}
	}
}

func TestWriteStatus(t *testing.T) {
	v := &View{
		Dir: "/work/.chaoslab", Catalog: "/work/twin.csv", Supervisor: 100, Alive: true, Uptime: 3*time.Minute + 2*time.Second, Control: "127.0.0.1:4000",
		Servers: []ServerView{
			{Name: "SimulatorDS/h1a", Host: "lab-host-1", Devices: 2, Desired: DesiredRunning, Phase: PhaseRunning, Pid: 103, Addr: "127.0.0.1:4003", Uptime: 61 * time.Second, Restarts: 1, LastExit: "signal: killed", Log: "/work/.chaoslab/logs/SimulatorDS+h1a.log"},
			{Name: "SimulatorDS/h0a", Host: "lab-host-0", Devices: 1, Desired: DesiredRunning, Phase: PhaseRunning, Pid: 101, Addr: "127.0.0.1:4001", Uptime: 500 * time.Millisecond},
			{Name: "SimulatorDS/h0b", Host: "lab-host-0", Devices: 1, Desired: DesiredStopped, Phase: PhaseStopped, LastExit: "exit status 0", Log: "/work/.chaoslab/logs/SimulatorDS+h0b.log"},
			{Name: "SimulatorDS/h1b", Host: "lab-host-1", Devices: 40, Desired: DesiredRunning, Phase: PhaseFailed, Restarts: 5, LastExit: "exit status 2; not restarted: 5 restarts within 1m0s", Log: "/work/.chaoslab/logs/SimulatorDS+h1b.log"},
			{Name: "SimulatorDS/x", Devices: 1, Desired: DesiredStopped, Phase: PhaseStopping, Pid: 105, Uptime: time.Hour},
		},
	}
	var buf bytes.Buffer
	if err := WriteStatus(&buf, v); err != nil {
		t.Fatal(err)
	}
	v.Alive = false
	buf.WriteString("-- supervisor dead --\n")
	WriteStatus(&buf, v)
	buf.WriteString("-- up --\n")
	st := testState("/work/.chaoslab")
	st.Servers[0].Pid = 101
	WriteUp(&buf, st.Servers)
	golden(t, "status", buf.Bytes())
}
