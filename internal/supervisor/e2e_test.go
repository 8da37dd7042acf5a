package supervisor

// End-to-end tests: real chaoslab processes on loopback. TestMain builds
// the binary once (or takes $CHAOSLAB_BIN); every test cleans up with
// t.Cleanup — down, then SIGKILL for any process it ever saw or any process
// whose command line names its work directory — so nothing outlives a
// failed test. Waiting is polling with a deadline, never a fixed sleep.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"chaoslab/internal/api"
	"chaoslab/internal/client"
)

var (
	chaoslabBin string
	binSkip     string // why e2e tests skip
)

const waitLimit = 30 * time.Second

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(func() int {
		if testing.Short() {
			binSkip = "-short: no end-to-end tests"
			return m.Run()
		}
		chaoslabBin = os.Getenv("CHAOSLAB_BIN")
		if chaoslabBin == "" {
			tmp, err := os.MkdirTemp("", "supervisor-e2e-")
			if err != nil {
				binSkip = err.Error()
				return m.Run()
			}
			defer os.RemoveAll(tmp)
			chaoslabBin = filepath.Join(tmp, "chaoslab")
			if out, err := exec.Command("go", "build", "-o", chaoslabBin, "chaoslab/cmd/chaoslab").CombinedOutput(); err != nil {
				binSkip = fmt.Sprintf("cannot build chaoslab: %v\n%s", err, out)
				return m.Run()
			}
		}
		if err := exec.Command(chaoslabBin, "up", "--help").Run(); err != nil {
			binSkip = "chaoslab up is not wired into internal/cli/root.go yet (add newUpCmd, newDownCmd, newStatusCmd, newServersCmd, newSuperviseCmd); set CHAOSLAB_BIN to a binary that has them"
		}
		return m.Run()
	}())
}

// twin is one test's state directory and everything it saw running.
type twin struct {
	t    *testing.T
	work string // temporary work directory
	dir  string // state directory inside it
	seen map[Proc]string
}

func newTwin(t *testing.T) *twin {
	t.Helper()
	if binSkip != "" {
		t.Skip(binSkip)
	}
	work := t.TempDir()
	tw := &twin{t: t, work: work, dir: filepath.Join(work, "state"), seen: map[Proc]string{}}
	t.Cleanup(tw.cleanup)
	return tw
}

func (tw *twin) cleanup() {
	if _, err := os.Stat(filepath.Join(tw.dir, StateFile)); err == nil {
		tw.run("down", "--grace", "2s")
	}
	for p, marker := range tw.seen {
		if signal(p, marker, syscall.SIGKILL) {
			tw.t.Errorf("cleanup: pid %d (%s) was still alive", p.Pid, marker)
		}
	}
	for _, pid := range leftovers(tw.work) {
		syscall.Kill(pid, syscall.SIGKILL)
		tw.t.Errorf("cleanup: pid %d (%s) was still alive", pid, strings.Join(cmdline(pid), " "))
	}
}

// leftovers returns the processes whose command line mentions dir.
func leftovers(dir string) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if st, ok := readStat(pid); !ok || st.State == 'Z' {
			continue
		}
		for _, a := range cmdline(pid) {
			if strings.Contains(a, dir) {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}

// run runs chaoslab with --state appended when the command takes it.
func (tw *twin) run(args ...string) (stdout, stderr string, code int) {
	tw.t.Helper()
	if args[0] != "supervise" {
		args = append(args, "--state", tw.dir)
	}
	cmd := exec.Command(chaoslabBin, args...)
	cmd.Dir = tw.work
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		tw.t.Fatalf("chaoslab %s: %v", strings.Join(args, " "), err)
	}
	tw.state() // remember every pid it recorded
	return o.String(), e.String(), code
}

// must runs chaoslab and fails the test unless it exits 0.
func (tw *twin) must(args ...string) string {
	tw.t.Helper()
	out, errOut, code := tw.run(args...)
	if code != 0 {
		tw.t.Fatalf("chaoslab %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// state loads the state file (nil if none) and remembers its processes.
func (tw *twin) state() *State {
	st, err := LoadState(tw.dir)
	if err != nil {
		return nil
	}
	if st.Supervisor.Pid != 0 {
		tw.seen[st.Supervisor.Proc] = st.Dir
	}
	for _, sv := range st.Servers {
		if sv.Pid != 0 {
			tw.seen[sv.Proc] = sv.ReadyFile
		}
	}
	return st
}

// waitFor polls the state until cond holds, failing after waitLimit.
func (tw *twin) waitFor(what string, cond func(*State) bool) *State {
	tw.t.Helper()
	deadline := time.Now().Add(waitLimit)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if st := tw.state(); st != nil && cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			data, _ := os.ReadFile(filepath.Join(tw.dir, StateFile))
			tw.t.Fatalf("timed out waiting for %s; state:\n%s", what, data)
		}
		<-tick.C
	}
}

func (tw *twin) server(st *State, name string) *Server {
	tw.t.Helper()
	sv := st.Server(name)
	if sv == nil {
		tw.t.Fatalf("no server %s in the state", name)
	}
	return sv
}

func testdata(t *testing.T, name string) string {
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readA reads device/A through the state directory's resolver.
func readA(t *testing.T, st *State, device string) float64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pool := client.NewPool(st)
	defer pool.Close()
	c, err := pool.Device(ctx, device)
	if err != nil {
		t.Fatalf("resolve %s: %v", device, err)
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		rs, err := c.ReadAttributes(ctx, []string{device + "/A"})
		switch {
		case err == nil && len(rs) == 1 && len(rs[0].Errors) == 0:
			return rs[0].GetValue().GetD()
		case err == nil && len(rs) == 1 && rs[0].Errors[0].Reason == "API_AttrNotAllowed":
			// The device's StartupDelay (1 s by default) has not passed yet.
		default:
			t.Fatalf("read %s/A: %v %v", device, rs, err)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("read %s/A: %v", device, ctx.Err())
		}
	}
}

// downAndCheck runs down and checks that no process and no port is left.
func (tw *twin) downAndCheck() {
	tw.t.Helper()
	st := tw.state()
	out := tw.must("down")
	if !strings.Contains(out, "servers stopped") {
		tw.t.Errorf("down printed %q", out)
	}
	for p, marker := range tw.seen {
		if Alive(p, marker) {
			tw.t.Errorf("after down, pid %d (%s) is alive", p.Pid, marker)
		}
	}
	for _, sv := range st.Servers {
		if sv.Addr != "" && listening(sv.Addr) {
			tw.t.Errorf("after down, %s (%s) accepts connections", sv.Addr, sv.Name)
		}
	}
	if l := leftovers(tw.work); len(l) > 0 {
		tw.t.Errorf("after down, processes mention the work dir: %v", l)
	}
	if _, err := os.Stat(filepath.Join(tw.dir, StateFile)); !os.IsNotExist(err) {
		tw.t.Errorf("after down, the state file is still there (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(tw.dir, LogDir, "supervisor.log")); err != nil {
		tw.t.Errorf("down removed the logs: %v", err)
	}
	if _, _, code := tw.run("status"); code != 1 {
		tw.t.Errorf("status after down: exit %d, want 1", code)
	}
}

// TestE2ETwin: up a 2 hosts × 2 servers twin, read through the state dir,
// crash a server and see it restarted, stop/start/kill/restart by pattern,
// up again, down leaves nothing behind.
func TestE2ETwin(t *testing.T) {
	tw := newTwin(t)
	out := tw.must("up", testdata(t, "twin.csv"))
	for _, s := range []string{"SimulatorDS/h0a", "SimulatorDS/h1b", "lab-host-1", "running"} {
		if !strings.Contains(out, s) {
			t.Errorf("up output lacks %q:\n%s", s, out)
		}
	}
	st := tw.state()
	// up returns when the twin answers: every device already accepts reads
	// (its StartupDelay is over), so the first read of each succeeds.
	for _, dev := range []string{"test/h0/a", "test/h1/a"} {
		addr, err := st.Resolve(context.Background(), dev)
		if err != nil {
			t.Fatal(err)
		}
		c, err := client.Dial(context.Background(), addr)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := c.ReadAttributes(context.Background(), []string{dev + "/A"})
		c.Close()
		if err != nil || len(rs) != 1 || len(rs[0].Errors) != 0 {
			t.Errorf("first read of %s/A right after up: %v %v", dev, rs, err)
		}
	}
	if got := readA(t, st, "test/h1/a"); got != 1 {
		t.Errorf("test/h1/a/A = %v, want 1", got)
	}

	// A crash: the supervisor restarts it on the same address.
	h0a := tw.server(st, "SimulatorDS/h0a")
	old := *h0a
	if err := syscall.Kill(old.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	st = tw.waitFor("h0a restarted", func(st *State) bool {
		sv := st.Server("SimulatorDS/h0a")
		return sv.Phase == PhaseRunning && sv.Pid != old.Pid && sv.Pid != 0
	})
	h0a = tw.server(st, "SimulatorDS/h0a")
	if h0a.Restarts != 1 || h0a.Addr != old.Addr || h0a.LastExit != "signal: killed" {
		t.Errorf("after a crash: restarts %d, addr %s (was %s), last exit %q", h0a.Restarts, h0a.Addr, old.Addr, h0a.LastExit)
	}
	// Local clients take the server's Unix socket, which is kept across
	// restarts like the port.
	if !strings.HasPrefix(old.Unix, "@chaoslab-") || h0a.Unix != old.Unix {
		t.Errorf("unix socket %q after the restart, %q before", h0a.Unix, old.Unix)
	}
	if addr, err := st.Resolve(context.Background(), "test/h0/a"); err != nil || addr != api.UnixAddr(old.Unix) {
		t.Errorf("resolve test/h0/a = %q, %v; want its Unix socket", addr, err)
	}
	if got := readA(t, st, "test/h0/a"); got != 0 {
		t.Errorf("restarted test/h0/a/A = %v, want 0", got)
	}

	// stop keeps it down; kill (desired state unchanged) is restarted.
	oldB := *tw.server(st, "SimulatorDS/h0b")
	tw.must("servers", "stop", "test/h0/b") // by device name
	tw.must("servers", "kill", "h1a")       // by instance name
	st = tw.waitFor("h1a restarted after kill", func(st *State) bool {
		sv := st.Server("SimulatorDS/h1a")
		return sv.Phase == PhaseRunning && sv.Restarts == 1
	})
	h0b := tw.server(st, "SimulatorDS/h0b")
	if h0b.Phase != PhaseStopped || h0b.Desired != DesiredStopped || h0b.Pid != 0 || Alive(oldB.Proc, oldB.ReadyFile) || h0b.Restarts != 0 {
		t.Errorf("stopped server: %+v", h0b)
	}
	if _, err := st.Resolve(context.Background(), "test/h0/b"); api.ReasonOf(err) != api.ReasonUnavailable {
		t.Errorf("resolving a device of a stopped server: %v", err)
	}
	statusOut := tw.must("status")
	if !strings.Contains(statusOut, "SimulatorDS/h0b  stopped") {
		t.Errorf("status:\n%s", statusOut)
	}
	tw.must("servers", "start", "SimulatorDS/h0b")
	st = tw.state()
	if sv := tw.server(st, "SimulatorDS/h0b"); sv.Phase != PhaseRunning || sv.Pid == 0 || sv.Desired != DesiredRunning {
		t.Errorf("started server: %+v", sv)
	}

	// restart by wildcard: new processes, not counted as crashes.
	before := map[string]int{}
	for _, sv := range st.Servers {
		before[sv.Name] = sv.Pid
	}
	tw.must("servers", "restart", "SimulatorDS/h1*")
	st = tw.state()
	for _, n := range []string{"SimulatorDS/h1a", "SimulatorDS/h1b"} {
		sv := tw.server(st, n)
		if sv.Phase != PhaseRunning || sv.Pid == before[n] || sv.Pid == 0 {
			t.Errorf("restarted %s: %+v (pid before %d)", n, sv, before[n])
		}
	}
	if got := tw.server(st, "SimulatorDS/h1a").Restarts; got != 1 {
		t.Errorf("h1a restarts after restart verb = %d, want 1", got)
	}
	if _, errOut, code := tw.run("servers", "stop", "nosuch*"); code == 0 || !strings.Contains(errOut, `no server, device or host matches "nosuch*"`) {
		t.Errorf("servers stop nosuch*: exit %d, %s", code, errOut)
	}

	// up again: nothing duplicated.
	out = tw.must("up", testdata(t, "twin.csv"))
	if !strings.Contains(out, "already up") {
		t.Errorf("second up:\n%s", out)
	}
	var v View
	if err := json.Unmarshal([]byte(tw.must("status", "--json")), &v); err != nil {
		t.Fatal(err)
	}
	if !v.Alive || len(v.Servers) != 4 {
		t.Errorf("status --json: %+v", v)
	}
	for _, s := range v.Servers {
		if s.Phase != PhaseRunning || s.Pid == 0 {
			t.Errorf("status --json: %+v", s)
		}
	}
	if l := leftovers(tw.work); len(l) != 5 {
		t.Errorf("%d processes run the twin, want 5 (supervisor + 4 servers): %v", len(l), l)
	}
	tw.downAndCheck()
}

// TestE2ERecover: the supervisor dies; status tells; up starts a new one
// that adopts the running servers (and adds another host's); the adopted
// ones are still supervised.
func TestE2ERecover(t *testing.T) {
	tw := newTwin(t)
	tw.must("up", "--host", "LAB-HOST-0", testdata(t, "twin.csv"))
	st := tw.state()
	if len(st.Servers) != 2 {
		t.Fatalf("--host lab-host-0 started %d servers, want 2", len(st.Servers))
	}
	sup := st.Supervisor.Proc
	pids := map[string]int{}
	for _, sv := range st.Servers {
		pids[sv.Name] = sv.Pid
	}
	syscall.Kill(sup.Pid, syscall.SIGKILL)
	tw.waitFor("the supervisor gone", func(*State) bool { return !Alive(sup, tw.dir) })

	out := tw.must("status")
	if !strings.Contains(out, "dead") || !strings.Contains(out, "orphan") {
		t.Errorf("status without a supervisor:\n%s", out)
	}
	if _, errOut, code := tw.run("servers", "stop", "*"); code == 0 || !strings.Contains(errOut, "is not running") {
		t.Errorf("servers stop without a supervisor: exit %d %s", code, errOut)
	}
	// A server stopped on purpose, then the supervisor died: up starts it.
	st = tw.state()
	tw.server(st, "SimulatorDS/h0a").Desired = DesiredStopped
	st.Save()

	out = tw.must("up", testdata(t, "twin.csv"))
	if !strings.Contains(out, "restarted over") {
		t.Errorf("up after a crashed supervisor:\n%s", out)
	}
	st = tw.state()
	if st.Supervisor.Pid == sup.Pid || len(st.Servers) != 4 {
		t.Fatalf("recovered state: supervisor %d, %d servers", st.Supervisor.Pid, len(st.Servers))
	}
	for name, pid := range pids {
		if sv := tw.server(st, name); sv.Pid != pid || sv.Phase != PhaseRunning || sv.Desired != DesiredRunning {
			t.Errorf("%s not adopted: pid %d (was %d), %s, desired %s", name, sv.Pid, pid, sv.Phase, sv.Desired)
		}
	}
	// An adopted server that crashes is restarted.
	syscall.Kill(pids["SimulatorDS/h0b"], syscall.SIGKILL)
	st = tw.waitFor("adopted h0b restarted", func(st *State) bool {
		sv := st.Server("SimulatorDS/h0b")
		return sv.Phase == PhaseRunning && sv.Restarts == 1
	})
	if got := readA(t, st, "test/h0/b"); got != 0 {
		t.Errorf("test/h0/b/A = %v", got)
	}
	tw.downAndCheck()
}

// TestE2EDownWithoutSupervisor: down finds and stops every recorded
// process itself when the supervisor is dead.
func TestE2EDownWithoutSupervisor(t *testing.T) {
	tw := newTwin(t)
	rw, _ := filepath.Abs(filepath.Join("..", "..", "examples", "rw", "rw.csv"))
	if _, err := os.Stat(rw); err != nil {
		rw = testdata(t, "twin.csv")
	}
	tw.must("up", rw)
	st := tw.state()
	syscall.Kill(st.Supervisor.Pid, syscall.SIGKILL)
	tw.waitFor("the supervisor gone", func(*State) bool { return !Alive(st.Supervisor.Proc, tw.dir) })
	if st.Lookup("test/tango/rw") != nil {
		if got := readA(t, st, "test/tango/rw"); got != 0 {
			t.Errorf("test/tango/rw/A = %v, want 0", got)
		}
	}
	out := tw.must("down")
	if !strings.Contains(out, "had to signal") {
		t.Errorf("down without a supervisor:\n%s", out)
	}
	tw.downAndCheckAfter(st)
}

// downAndCheckAfter checks that nothing of st is left after down.
func (tw *twin) downAndCheckAfter(st *State) {
	for p, marker := range tw.seen {
		if Alive(p, marker) {
			tw.t.Errorf("after down, pid %d (%s) is alive", p.Pid, marker)
		}
	}
	for _, sv := range st.Servers {
		if listening(sv.Addr) {
			tw.t.Errorf("after down, %s accepts connections", sv.Addr)
		}
	}
	if l := leftovers(tw.work); len(l) > 0 {
		tw.t.Errorf("after down, processes mention the work dir: %v", l)
	}
}

// TestE2EPolicyNever: with --restart never a crash leaves the server
// failed, status says why, and servers start brings it back.
// TestE2EPorts: the supervisor binds each server's port and hands it to
// the process (serve --listen-fd), so no other process can take it before
// the server serves; the supervisor keeps no copy, so a stopped server's
// port refuses connections; and a port another process took while the
// server was down makes the server move to a new one, not fail.
func TestE2EPorts(t *testing.T) {
	tw := newTwin(t)
	tw.must("up", "--host", "lab-host-1", testdata(t, "twin.csv"))
	old := *tw.server(tw.state(), "SimulatorDS/h1a")
	tw.must("servers", "stop", "SimulatorDS/h1a")
	if c, err := net.Dial("tcp", old.Addr); err == nil {
		c.Close()
		t.Errorf("%s of a stopped server accepts connections", old.Addr)
	}
	squatter, err := net.Listen("tcp", old.Addr)
	if err != nil {
		t.Fatalf("take the stopped server's port: %v", err)
	}
	defer squatter.Close()
	tw.must("servers", "start", "SimulatorDS/h1a")
	st := tw.state()
	sv := tw.server(st, "SimulatorDS/h1a")
	if sv.Phase != PhaseRunning || sv.Addr == old.Addr || sv.Restarts != 0 || sv.Pid == 0 {
		t.Errorf("started on a taken port: phase %s, addr %s (was %s), restarts %d", sv.Phase, sv.Addr, old.Addr, sv.Restarts)
	}
	if got := readA(t, st, "test/h1/a"); got != 1 {
		t.Errorf("test/h1/a/A on the new port = %v, want 1", got)
	}
	logged, _ := os.ReadFile(filepath.Join(tw.dir, LogDir, "supervisor.log"))
	if !strings.Contains(string(logged), "address taken, moving to a new port") {
		t.Errorf("supervisor log does not tell the move:\n%s", logged)
	}
	tw.downAndCheck()
}

func TestE2EPolicyNever(t *testing.T) {
	tw := newTwin(t)
	tw.must("up", "--host", "lab-host-1", "--restart", "never", testdata(t, "twin.csv"))
	sv := tw.server(tw.state(), "SimulatorDS/h1a")
	syscall.Kill(sv.Pid, syscall.SIGKILL)
	tw.waitFor("h1a failed", func(st *State) bool { return st.Server("SimulatorDS/h1a").Phase == PhaseFailed })
	out := tw.must("status")
	if !strings.Contains(out, "not restarted: restart policy is never") {
		t.Errorf("status:\n%s", out)
	}
	// up brings failed servers back too.
	out = tw.must("up", "--host", "lab-host-1", testdata(t, "twin.csv"))
	if sv2 := tw.server(tw.state(), "SimulatorDS/h1a"); sv2.Phase != PhaseRunning || sv2.Pid == sv.Pid {
		t.Errorf("after up: %+v\n%s", sv2, out)
	}
	tw.downAndCheck()
}

func TestE2EUpErrors(t *testing.T) {
	tw := newTwin(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"up", "--host", "nohost", testdata(t, "twin.csv")}, `no server on host "nohost" (hosts: lab-host-0, lab-host-1)`},
		{[]string{"up", testdata(t, "missing.csv")}, "no such file"},
		{[]string{"up", "--restart", "sometimes", testdata(t, "twin.csv")}, `restart policy "sometimes"`},
	} {
		_, errOut, code := tw.run(tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
	if out := tw.must("down"); !strings.Contains(out, "nothing is up") {
		t.Errorf("down with nothing up: %q", out)
	}
	if l := leftovers(tw.work); len(l) > 0 {
		t.Errorf("failed ups left processes: %v", l)
	}
}

// BenchmarkUpDownVacuum times `up` (every server answers) and `down` of the
// vacuum example (9 servers, ~500 devices), or of the 2×2 test twin.
func BenchmarkUpDownVacuum(b *testing.B) {
	if binSkip != "" {
		b.Skip(binSkip)
	}
	cat, _ := filepath.Abs(filepath.Join("..", "..", "examples", "vacuum", "vacuum.csv"))
	if _, err := os.Stat(cat); err != nil {
		cat, _ = filepath.Abs(filepath.Join("testdata", "twin.csv"))
	}
	b.ReportAllocs()
	var up, down time.Duration
	for b.Loop() {
		dir := b.TempDir()
		t0 := time.Now()
		if out, err := exec.Command(chaoslabBin, "up", "--state", dir, cat).CombinedOutput(); err != nil {
			exec.Command(chaoslabBin, "down", "--state", dir).Run()
			b.Fatalf("up: %v\n%s", err, out)
		}
		t1 := time.Now()
		if out, err := exec.Command(chaoslabBin, "down", "--state", dir).CombinedOutput(); err != nil {
			b.Fatalf("down: %v\n%s", err, out)
		}
		up, down = up+t1.Sub(t0), down+time.Since(t1)
	}
	b.ReportMetric(float64(up.Milliseconds())/float64(b.N), "ms-up/op")
	b.ReportMetric(float64(down.Milliseconds())/float64(b.N), "ms-down/op")
}

// TestE2ECrashLoop: a server that cannot start is restarted with backoff,
// then marked failed; Up reports it with the reason and its log's last
// line. The servers are a script that fails; the supervisor is real.
func TestE2ECrashLoop(t *testing.T) {
	tw := newTwin(t)
	script := filepath.Join(tw.work, "chaoslab-broken")
	os.WriteFile(script, []byte("#!/bin/sh\ncase \"$1\" in supervise) exec '"+chaoslabBin+"' \"$@\";; esac\necho 'boom: cannot serve' >&2\nexit 3\n"), 0o755)
	res, err := Up(context.Background(), UpOptions{
		Dir: tw.dir, Catalog: testdata(t, "twin.csv"), Host: "lab-host-0", Binary: script,
		Policy: Policy{Backoff: time.Millisecond, MaxRestarts: 3}, Timeout: waitLimit,
	})
	tw.state()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 2 {
		t.Fatalf("problems = %+v, want both servers", res.Problems)
	}
	for _, p := range res.Problems {
		want := "failed: exit status 3; not restarted: 3 restarts within 1m0s; log "
		if !strings.HasPrefix(p.Reason, want) || !strings.HasSuffix(p.Reason, ": boom: cannot serve") {
			t.Errorf("%s: %q, want %q...boom", p.Server, p.Reason, want)
		}
	}
	for _, sv := range res.Servers {
		if sv.Phase != PhaseFailed || sv.Restarts != 3 {
			t.Errorf("%s: phase %s, restarts %d", sv.Name, sv.Phase, sv.Restarts)
		}
	}
	tw.downAndCheck()
}
