package e2etest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"chaoslab/internal/cli"
	"chaoslab/internal/journal"
	"chaoslab/internal/supervisor"
)

// TestInvalidFileCLI: a bad file is refused before anything runs, every
// problem listed at file:line:col, exit 2 (no twin needed).
func TestInvalidFileCLI(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(p, []byte(`title: bad
steady_state:
  interval: 5 seconds
  probez: []
method:
  - action: server.kill
    target: {servers: ["*"], pick: "x%"}
`), 0o644)
	var out, errb bytes.Buffer
	code := cli.MainExperiments([]string{"run", p, "--state", t.TempDir()}, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s%s", code, out.String(), errb.String())
	}
	lines := regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(p)+`:\d+:\d+: .*$`).FindAllString(errb.String(), -1)
	want := []string{
		p + `:3:13: steady_state.interval: invalid duration "5 seconds"`,
		p + `:4:3: unknown key "probez" (did you mean "probes"?)`,
		p + `:7:36: method[0].target.pick: want a count (3) or a percentage ("25%")`,
	}
	for i, w := range want {
		if i >= len(lines) || !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: want %q in\n%s", i, w, errb.String())
		}
	}
}

// norm is an event with times and run-specific values left out.
type norm struct {
	Type, Phase, Name, Kind, Status string
	Step                            int
	Targets                         []string
}

func normalize(evs []journal.Event, keep ...string) []norm {
	var out []norm
	for _, e := range evs {
		if !slices.Contains(keep, e.Type) {
			continue
		}
		n := norm{Type: e.Type, Phase: e.Phase, Name: e.Name, Kind: e.Kind, Status: e.Status, Targets: e.Targets, Step: -1}
		if e.Step != nil {
			n.Step = *e.Step
		}
		out = append(out, n)
	}
	return out
}

// TestReplayAndProbes: --replay re-executes the journal's targets and
// schedule (journals compared with times normalized); the run also uses
// an HTTP probe on the twin's own /metrics and a command probe.
func TestReplayAndProbes(t *testing.T) {
	tw := upTwin(t, "examples/rw/rw.csv")
	st, err := supervisor.LoadState(tw.state)
	if err != nil || len(st.Servers) == 0 {
		t.Fatalf("state: %v", err)
	}
	p := tw.write("replay.yaml", fmt.Sprintf(`title: replay
steady_state:
  interval: 100ms
  probes:
    - name: metrics endpoint
      http: {url: "http://%s/metrics", field: body}
      tolerance: {regex: "chaoslab_"}
    - name: shell
      command: {path: sh, args: ["-c", "echo 42"], field: stdout}
      tolerance: {equals: 42}
      when: [before, after]
method:
  - name: slow one server
    action: net.latency
    target: {servers: ["*"], pick: 1}
    attributes: {latency: 20ms}
    duration: 300ms
    jitter: 400ms
  - name: slow again
    action: net.latency
    target: {servers: ["*"], pick: 1}
    attributes: {latency: 10ms}
    duration: 200ms
    jitter: 400ms
`, st.Servers[0].Addr))
	j1, j2 := filepath.Join(tw.dir, "a.jsonl"), filepath.Join(tw.dir, "b.jsonl")
	if code, out := tw.run("run", p, "--journal", j1); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, out)
	}
	// A different --seed must not matter: the journal's seed wins.
	if code, out := tw.run("run", "--replay", j1, "--journal", j2, "--seed", "999"); code != 0 {
		t.Fatalf("replay: exit %d\n%s", code, out)
	}
	a, b := readJournal(t, j1), readJournal(t, j2)
	pa, _ := journal.Find(a, journal.TypePlan)
	pb, _ := journal.Find(b, journal.TypePlan)
	if !bytes.Equal(pa.Data, pb.Data) {
		t.Errorf("plans differ:\n%s\n%s", pa.Data, pb.Data)
	}
	keep := []string{journal.TypePhase, journal.TypeAction, journal.TypeFault, journal.TypeUndo, journal.TypeVerdict}
	na, nb := normalize(a, keep...), normalize(b, keep...)
	ja, _ := json.Marshal(na)
	jb, _ := json.Marshal(nb)
	if !bytes.Equal(ja, jb) {
		t.Errorf("replay differs:\n%s\n%s", ja, jb)
	}
	v, _ := journal.Find(a, journal.TypeVerdict)
	if !strings.Contains(string(v.Data), `"metrics endpoint"`) || !strings.Contains(string(v.Data), `"shell"`) {
		t.Errorf("verdict lacks the probes: %s", v.Data)
	}
	// history (SQLite) lists both runs.
	code, out := tw.run("history")
	if code != 0 || strings.Count(out, "replay") < 2 {
		t.Errorf("history: %d\n%s", code, out)
	}
}

// runExample runs an example experiment on a vacuum twin; held (0) and
// deviated (1) are both findings, anything else fails.
func runExample(t *testing.T, name string) []journal.Event {
	tw := upTwin(t, "examples/vacuum/vacuum.csv")
	jp := filepath.Join(tw.dir, name+".jsonl")
	code, out := tw.run("run", repoFile("examples/experiments/"+name+".yaml"), "--journal", jp)
	if code != 0 && code != 1 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	t.Logf("%s", out)
	return readJournal(t, jp)
}

func verdictOf(t *testing.T, evs []journal.Event) struct {
	Status string
	Probes []struct {
		Name  string
		Stats *struct{ NA, NB int }
	}
} {
	var v struct {
		Status string
		Probes []struct {
			Name  string
			Stats *struct{ NA, NB int }
		}
	}
	ev, ok := journal.Find(evs, journal.TypeVerdict)
	if !ok {
		t.Fatal("no verdict")
	}
	json.Unmarshal(ev.Data, &v)
	return v
}

// TestExamplePollToEvents: example (b) end to end, with its statistical
// verdict on server CPU.
func TestExamplePollToEvents(t *testing.T) {
	evs := runExample(t, "poll-to-events")
	v := verdictOf(t, evs)
	if len(v.Probes) == 0 || v.Probes[0].Stats == nil || v.Probes[0].Stats.NA < 10 || v.Probes[0].Stats.NB < 10 {
		t.Errorf("no statistics for server CPU: %+v", v)
	}
	if len(types(evs, journal.TypeAction)) != 1 {
		t.Errorf("want the load step to run once")
	}
}

// TestExampleEventFlood: example (c) end to end: the flood is applied to
// one device and undone, the lag compared with its baseline.
func TestExampleEventFlood(t *testing.T) {
	evs := runExample(t, "event-flood")
	f := types(evs, journal.TypeFault)
	if len(f) != 1 || len(f[0].Targets) != 1 || len(types(evs, journal.TypeUndo)) != 1 {
		t.Errorf("want one flooded device, undone: %+v", f)
	}
	v := verdictOf(t, evs)
	if len(v.Probes) == 0 || v.Probes[0].Stats == nil {
		t.Errorf("no statistics for the lag: %+v", v)
	}
}
