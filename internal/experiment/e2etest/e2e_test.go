package e2etest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"chaoslab/internal/cli"
	"chaoslab/internal/journal"
	"chaoslab/internal/netem"
	"chaoslab/internal/supervisor"
)

var (
	chaoslabBin string // the real binary (up, down, servers)
	skipE2E     string
)

// TestMain doubles as the experiment commands when re-executed with
// CHAOSLAB_EXPERIMENT_MAIN=1, so the tests do not depend on root.go.
func TestMain(m *testing.M) {
	if os.Getenv("CHAOSLAB_EXPERIMENT_MAIN") == "1" {
		os.Exit(cli.MainExperiments(os.Args[1:], cli.OSStreams()))
	}
	flag.Parse()
	os.Exit(func() int {
		if testing.Short() {
			skipE2E = "-short"
			return m.Run()
		}
		tmp, err := os.MkdirTemp("", "experiment-e2e-")
		if err != nil {
			skipE2E = err.Error()
			return m.Run()
		}
		defer os.RemoveAll(tmp)
		chaoslabBin = filepath.Join(tmp, "chaoslab")
		if out, err := exec.Command("go", "build", "-o", chaoslabBin, "chaoslab/cmd/chaoslab").CombinedOutput(); err != nil {
			skipE2E = fmt.Sprintf("cannot build chaoslab: %v\n%s", err, out)
		}
		return m.Run()
	}())
}

type twinT struct {
	t     *testing.T
	dir   string
	state string
}

func repoFile(p string) string { a, _ := filepath.Abs(filepath.Join("..", "..", "..", p)); return a }

// upTwin brings the rw example twin up in a temp state dir; Cleanup takes it down.
func upTwin(t *testing.T, catalog string, upArgs ...string) *twinT {
	t.Helper()
	if skipE2E != "" {
		t.Skip(skipE2E)
	}
	dir := t.TempDir()
	tw := &twinT{t: t, dir: dir, state: filepath.Join(dir, "state")}
	out, err := exec.Command(chaoslabBin, append([]string{"up", "--state", tw.state, "--backoff", "100ms", repoFile(catalog)}, upArgs...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("up: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		exec.Command(chaoslabBin, "down", "--state", tw.state).Run()
	})
	return tw
}

func (tw *twinT) write(name, text string) string {
	p := filepath.Join(tw.dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		tw.t.Fatal(err)
	}
	return p
}

// run runs `chaoslab <args>` (experiment commands) and returns its exit code and output.
func (tw *twinT) cmd(args ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], args...)
	c.Env = append(os.Environ(), "CHAOSLAB_EXPERIMENT_MAIN=1", "CHAOSLAB_STATE="+tw.state)
	return c
}

func (tw *twinT) run(args ...string) (int, string) {
	c := tw.cmd(args...)
	var b bytes.Buffer
	c.Stdout, c.Stderr = &b, &b
	err := c.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		tw.t.Fatal(err)
	}
	return code, b.String()
}

func readJournal(t *testing.T, p string) []journal.Event {
	t.Helper()
	evs, err := journal.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func types(evs []journal.Event, typ string) []journal.Event {
	var out []journal.Event
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

const rwExp = `title: %s
seed: 3
steady_state:
  interval: 100ms
  probes:
    - name: latency
      metric: read_latency_ms
      tolerance: {max: %s}
%s
method:
  - name: slow network
    action: net.latency
    target: {servers: ["*"], pick: 1}
    attributes: {latency: 150ms}
    duration: 600ms
%s
`

func TestRunHeldAndDeviated(t *testing.T) {
	tw := upTwin(t, "examples/rw/rw.csv")
	held := tw.write("held.yaml", fmt.Sprintf(rwExp, "held", "5000", "", ""))
	code, out := tw.run("run", held, "--journal", filepath.Join(tw.dir, "held.jsonl"))
	if code != 0 {
		t.Fatalf("held run: exit %d\n%s", code, out)
	}
	evs := readJournal(t, filepath.Join(tw.dir, "held.jsonl"))
	if len(types(evs, "fault")) != 1 || len(types(evs, "undo")) != 1 {
		t.Errorf("want one fault and one undo:\n%s", out)
	}
	dev := tw.write("dev.yaml", fmt.Sprintf(rwExp, "deviated", "100", "", ""))
	code, out = tw.run("run", dev, "--journal", filepath.Join(tw.dir, "dev.jsonl"))
	if code != 1 {
		t.Fatalf("deviated run: exit %d, want 1\n%s", code, out)
	}
	v, _ := journal.Find(readJournal(t, filepath.Join(tw.dir, "dev.jsonl")), "verdict")
	if v.Status != "deviated" {
		t.Errorf("verdict %q", v.Status)
	}
	// report: self-contained HTML.
	code, out = tw.run("report", filepath.Join(tw.dir, "dev.jsonl"), "-o", filepath.Join(tw.dir, "r.html"))
	if code != 0 {
		t.Fatalf("report: %d %s", code, out)
	}
	html, _ := os.ReadFile(filepath.Join(tw.dir, "r.html"))
	if !bytes.Contains(html, []byte("<svg")) || !bytes.Contains(html, []byte(`class="fault"`)) || bytes.Contains(html, []byte("src=")) {
		t.Errorf("report lacks inline plots with fault windows or has external assets")
	}
}

func TestRunStopConditionAbortsAndRollsBack(t *testing.T) {
	tw := upTwin(t, "examples/rw/rw.csv")
	stop := "stop_conditions:\n  - name: too slow\n    metric: read_latency_ms\n    tolerance: {max: 100}\n"
	p := tw.write("stop.yaml", strings.Replace(fmt.Sprintf(rwExp, "stop", "5000", stop, ""), "600ms", "30s", 1))
	jp := filepath.Join(tw.dir, "stop.jsonl")
	code, out := tw.run("run", p, "--journal", jp)
	if code != 3 {
		t.Fatalf("exit %d, want 3\n%s", code, out)
	}
	evs := readJournal(t, jp)
	if len(types(evs, "trip")) != 1 || len(types(evs, "undo")) != 1 {
		t.Errorf("want a trip and the fault undone:\n%s", out)
	}
}

func TestRunSIGINTRollsBack(t *testing.T) {
	tw := upTwin(t, "examples/rw/rw.csv")
	p := tw.write("int.yaml", strings.Replace(fmt.Sprintf(rwExp, "int", "5000", "", ""), "600ms", "5m", 1))
	jp := filepath.Join(tw.dir, "int.jsonl")
	c := tw.cmd("run", p, "--journal", jp)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, jp, "fault")
	c.Process.Signal(syscall.SIGINT)
	err := c.Wait()
	ee, _ := err.(*exec.ExitError)
	if ee == nil || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130", err)
	}
	evs := readJournal(t, jp)
	v, _ := journal.Find(evs, "verdict")
	if v.Status != "interrupted" || len(types(evs, "undo")) != 1 {
		t.Errorf("status %q, undo %d", v.Status, len(types(evs, "undo")))
	}
}

// waitEvent follows a journal until an event of typ appears (bounded).
func waitEvent(t *testing.T, path, typ string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if f, err := os.Open(path); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				var e journal.Event
				if json.Unmarshal(sc.Bytes(), &e) == nil && e.Type == typ {
					f.Close()
					return
				}
			}
			f.Close()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no %s event in %s", typ, path)
		case <-tick.C:
		}
	}
}

func serverPhase(t *testing.T, tw *twinT) string {
	out, _ := exec.Command(chaoslabBin, "status", "--state", tw.state).CombinedOutput()
	return string(out)
}

// killAfterFault runs the experiment p and kills the runner with -9 once
// its journal records a fault applied.
func (tw *twinT) killAfterFault(p string) {
	tw.t.Helper()
	jp := filepath.Join(tw.dir, "k.jsonl")
	c := tw.cmd("run", p, "--journal", jp)
	if err := c.Start(); err != nil {
		tw.t.Fatal(err)
	}
	waitEvent(tw.t, jp, "fault")
	c.Process.Kill()
	c.Wait()
}

func TestKill9ThenRecover(t *testing.T) {
	tw := upTwin(t, "examples/vacuum/vacuum.csv")
	p := tw.write("stop.yaml", `title: stop a server and die
seed: 1
method:
  - name: stop one pump server
    action: server.stop
    target: {servers: ["SimulatorDS/vc-pumps-*"], pick: 1}
  - pause: 5m
`)
	tw.killAfterFault(p)
	if !strings.Contains(serverPhase(t, tw), "stopped") {
		t.Fatalf("the stopped server should still be stopped:\n%s", serverPhase(t, tw))
	}
	code, out := tw.run("recover")
	if code != 0 || !strings.Contains(out, "undid stop one pump server") {
		t.Fatalf("recover: %d\n%s", code, out)
	}
	if s := serverPhase(t, tw); strings.Contains(s, "stopped") {
		t.Errorf("a fault was left behind:\n%s", s)
	}
	if code, out := tw.run("recover"); code != 0 || !strings.Contains(out, "nothing to recover") {
		t.Errorf("second recover: %d %s", code, out)
	}
}

// TestKill9ThenRecoverProxy: on a twin up with --proxy, a net.* action is
// a toxic in the supervisor's proxy; after the runner is killed with -9,
// recover removes it (before the toxic's own deadline).
func TestKill9ThenRecoverProxy(t *testing.T) {
	tw := upTwin(t, "examples/vacuum/vacuum.csv", "--proxy")
	p := tw.write("lat.yaml", `title: slow one pump server and die
seed: 1
method:
  - name: slow pumps
    action: net.latency
    target: {servers: ["SimulatorDS/vc-pumps-sr01-04"]}
    attributes: {latency: 2s}
    duration: 10m
  - pause: 5m
`)
	tw.killAfterFault(p)
	toxics := func() []netem.ToxicSpec {
		st, err := supervisor.LoadState(tw.state)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := netem.NewClient(st.Supervisor.Netem, nil).Toxics(context.Background(), "SimulatorDS/vc-pumps-sr01-04")
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	if ts := toxics(); len(ts) != 1 {
		t.Fatalf("after the kill: toxics %+v, want the latency", ts)
	}
	code, out := tw.run("recover")
	if code != 0 || !strings.Contains(out, "undid slow pumps") {
		t.Fatalf("recover: %d\n%s", code, out)
	}
	if ts := toxics(); len(ts) != 0 {
		t.Errorf("after recover: toxics %+v", ts)
	}
}

func TestBlastRadiusRefusalAndSeededPlan(t *testing.T) {
	tw := upTwin(t, "examples/vacuum/vacuum.csv")
	p := tw.write("b.yaml", `title: too wide
method:
  - action: server.kill
    target: {servers: ["SimulatorDS/vc-*"], pick: 3}
    jitter: 10s
blast_radius:
  servers: 25%
`)
	code, out := tw.run("run", p, "--seed", "5")
	if code != 2 || !strings.Contains(out, "blast radius exceeded") {
		t.Fatalf("exit %d, want 2 refusal\n%s", code, out)
	}
	ok := tw.write("ok.yaml", strings.Replace(string(mustRead(t, p)), "pick: 3", "pick: 2", 1))
	plan := func(seed string) string {
		code, out := tw.run("run", ok, "--dry-run", "--json", "--seed", seed)
		if code != 0 {
			t.Fatalf("dry run: %d\n%s", code, out)
		}
		return out
	}
	a, b, c := plan("5"), plan("5"), plan("6")
	if a != b {
		t.Errorf("same seed, different plans:\n%s\n%s", a, b)
	}
	if a == c {
		t.Logf("seeds 5 and 6 happen to give the same plan")
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
