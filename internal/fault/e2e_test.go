package fault

// End-to-end tests on a real twin: TestMain builds chaoslab once (or takes
// $CHAOSLAB_BIN); each test runs `chaoslab up` in a temporary state
// directory and `down` in its cleanup. Faults are injected from a
// subprocess (this test binary, see TestHelperInject) that is then killed
// with -9, and `Clear` must restore everything. Each fault is observed
// from the client side. Waiting is polling with a deadline.

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"chaoslab/internal/api"
	"chaoslab/internal/client"
	"chaoslab/internal/supervisor"
)

var (
	chaoslabBin string
	binSkip     string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(func() int {
		if os.Getenv("FAULT_HELPER_SPEC") != "" || testing.Short() {
			binSkip = "no end-to-end tests here"
			return m.Run()
		}
		chaoslabBin = os.Getenv("CHAOSLAB_BIN")
		if chaoslabBin == "" {
			tmp, err := os.MkdirTemp("", "fault-e2e-")
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
		return m.Run()
	}())
}

// TestHelperInject is the injecting subprocess: it injects
// $FAULT_HELPER_SPEC into $FAULT_HELPER_DIR, prints its id and waits to be
// killed. It is skipped in normal runs.
func TestHelperInject(t *testing.T) {
	text := os.Getenv("FAULT_HELPER_SPEC")
	if text == "" {
		t.Skip("helper process only")
	}
	spec, err := DecodeSpec(text)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	in, err := New(context.Background(), Env{Dir: os.Getenv("FAULT_HELPER_DIR")}, spec)
	if err == nil {
		_, err = in.Inject(context.Background())
	}
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("injected", in.ID())
	select {} // until kill -9
}

type twin struct {
	t    *testing.T
	work string
	dir  string
}

func newTwin(t *testing.T, upArgs ...string) *twin {
	t.Helper()
	if binSkip != "" {
		t.Skip(binSkip)
	}
	if out, err := exec.Command(chaoslabBin, "up", "--help").CombinedOutput(); err != nil {
		t.Skipf("chaoslab up is not available: %v %s", err, out)
	}
	work := t.TempDir()
	tw := &twin{t: t, work: work, dir: filepath.Join(work, "state")}
	t.Cleanup(func() {
		// Never leave a server paused: down could not stop it otherwise.
		if st, err := supervisor.LoadState(tw.dir); err == nil {
			for _, sv := range st.Servers {
				supervisor.Signal(sv.Proc, sv.ReadyFile, syscall.SIGCONT)
			}
		}
		tw.run("down", "--grace", "2s")
	})
	cat, _ := filepath.Abs("testdata/twin.csv")
	tw.must(append([]string{"up", cat}, upArgs...)...)
	return tw
}

func (tw *twin) run(args ...string) (string, int) {
	cmd := exec.Command(chaoslabBin, append(args, "--state", tw.dir)...)
	cmd.Dir = tw.work
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState.ExitCode()
}

func (tw *twin) must(args ...string) string {
	tw.t.Helper()
	out, code := tw.run(args...)
	if code != 0 {
		tw.t.Fatalf("chaoslab %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

func (tw *twin) state() *supervisor.State {
	tw.t.Helper()
	st, err := supervisor.LoadState(tw.dir)
	if err != nil {
		tw.t.Fatal(err)
	}
	return st
}

// injectAndKill injects spec from a subprocess, waits until it is applied,
// then kills the subprocess with -9 and returns the fault's id.
func (tw *twin) injectAndKill(spec string) string {
	tw.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperInject$", "-test.v")
	cmd.Env = append(os.Environ(), "FAULT_HELPER_SPEC="+spec, "FAULT_HELPER_DIR="+tw.dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		tw.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tw.t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	id := ""
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "injected "); ok {
			id = rest
			break
		}
		if strings.HasPrefix(line, "error:") {
			cmd.Process.Kill()
			cmd.Wait()
			tw.t.Fatalf("helper: %s", line)
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	go func() {
		for sc.Scan() {
		}
	}()
	cmd.Wait()
	if id == "" {
		tw.t.Fatalf("helper ended without injecting")
	}
	recs, _ := Records(tw.dir)
	if len(recs) != 1 || recs[0].ID != id || recs[0].Live() {
		tw.t.Fatalf("after kill -9: records %+v, want one orphan %s", recs, id)
	}
	return id
}

func (tw *twin) clear() {
	tw.t.Helper()
	done, err := Clear(context.Background(), tw.dir, ClearOptions{})
	if err != nil || len(done) != 1 {
		tw.t.Fatalf("Clear: %v %v", done, err)
	}
	if recs, _ := Records(tw.dir); len(recs) != 0 {
		tw.t.Errorf("records left after Clear: %v", recs)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// readA reads device/A, with a short timeout.
func readA(tw *twin, dev string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	st, err := supervisor.LoadState(tw.dir)
	if err != nil {
		return "", err
	}
	addr, err := st.Resolve(ctx, dev)
	if err != nil {
		return "", err
	}
	c, err := client.Dial(ctx, addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	rs, err := c.ReadAttributes(ctx, []string{dev + "/A"})
	if err != nil {
		return "", err
	}
	if len(rs[0].Errors) > 0 {
		return "", fmt.Errorf("%s", api.FormatDevError(rs[0].Errors[0]))
	}
	return api.FormatValue(rs[0].Value), nil
}

func TestServerFaultClearedAfterKill9(t *testing.T) {
	tw := newTwin(t)
	if v, err := readA(tw, "test/h0/a"); err != nil || v != "0" {
		t.Fatalf("before: %s %v", v, err)
	}
	tw.injectAndKill("server.nan target=device=test/h0/a,attr=A for=10m")
	if v, err := readA(tw, "test/h0/a"); err != nil || !math.IsNaN(parse(v)) {
		t.Fatalf("with server.nan: %s %v, want nan", v, err)
	}
	if v, _ := readA(tw, "test/h0/b"); v != "0" {
		t.Errorf("untargeted device reads %s", v)
	}
	tw.clear()
	if v, err := readA(tw, "test/h0/a"); err != nil || v != "0" {
		t.Errorf("after clear: %s %v, want 0", v, err)
	}
}

func parse(s string) float64 {
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		if strings.EqualFold(s, "nan") {
			return math.NaN()
		}
		return 0
	}
	return f
}

func TestPauseClearedAfterKill9(t *testing.T) {
	tw := newTwin(t)
	tw.injectAndKill("proc.pause target=SimulatorDS/h1a for=10m")
	if _, err := readA(tw, "test/h1/a"); err == nil {
		t.Fatalf("read of a paused server succeeded")
	}
	if _, err := readA(tw, "test/h1/b"); err != nil {
		t.Errorf("other server: %v", err)
	}
	tw.clear()
	if v, err := readA(tw, "test/h1/a"); err != nil || v != "1" {
		t.Errorf("after clear: %s %v, want 1", v, err)
	}
}

func TestStopHeldAndReleasedAfterKill9(t *testing.T) {
	tw := newTwin(t)
	id := tw.injectAndKill("proc.stop target=SimulatorDS/h0b for=10m signal=kill")
	sv := tw.state().Server("SimulatorDS/h0b")
	if sv.Phase != supervisor.PhaseStopped || sv.Hold != id || sv.Desired != supervisor.DesiredStopped {
		t.Fatalf("held server: phase %s hold %q desired %s", sv.Phase, sv.Hold, sv.Desired)
	}
	if _, err := readA(tw, "test/h0/b"); err == nil {
		t.Fatalf("read of a held-down server succeeded")
	}
	tw.clear()
	waitFor(t, "the released server to run", func() bool {
		return tw.state().Server("SimulatorDS/h0b").Phase == supervisor.PhaseRunning
	})
	if v, err := readA(tw, "test/h0/b"); err != nil || v != "0" {
		t.Errorf("after clear: %s %v", v, err)
	}
	if sv := tw.state().Server("SimulatorDS/h0b"); sv.Hold != "" || sv.Restarts != 0 {
		t.Errorf("after clear: hold %q restarts %d", sv.Hold, sv.Restarts)
	}
}

func TestKillIsRestarted(t *testing.T) {
	tw := newTwin(t)
	before := tw.state().Server("SimulatorDS/h1b")
	spec, _ := DecodeSpec("proc.kill target=SimulatorDS/h1b")
	in, err := New(context.Background(), Env{Dir: tw.dir}, spec)
	if err != nil {
		t.Fatal(err)
	}
	revert, err := in.Inject(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the killed server to be restarted", func() bool {
		sv := tw.state().Server("SimulatorDS/h1b")
		return sv.Restarts == before.Restarts+1 && sv.Phase == supervisor.PhaseRunning && sv.Pid != before.Pid
	})
	if err := revert(context.Background()); err != nil {
		t.Fatal(err)
	}
	if recs, _ := Records(tw.dir); len(recs) != 0 {
		t.Errorf("records after revert: %v", recs)
	}
}

// TestSeededTargets: the same seed picks the same attributes.
func TestSeededTargets(t *testing.T) {
	tw := newTwin(t)
	names := func(seed uint64) string {
		ts, err := Resolve(context.Background(), tw.state(), Selector{Device: "test/*", Count: 2}, LevelAttribute, seed)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range ts {
			out = append(out, x.Name)
		}
		return strings.Join(out, " ")
	}
	if a, b := names(5), names(5); a != b || strings.Count(a, " ") != 1 {
		t.Errorf("seed 5 chose %q then %q", a, b)
	}
}
