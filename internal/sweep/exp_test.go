package sweep

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chaoslab/internal/experiment"
	"chaoslab/internal/journal"
)

func TestExperimentTemplateFile(t *testing.T) {
	src := `matrix:
  latency: {values: [10, 20]}
  limit: {values: [100]}
experiment: {file: exp-latency.yaml}
`
	f, err := Parse("testdata/m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := f.Expand(1)
	if err != nil {
		t.Fatal(err)
	}
	x, err := f.Experiment.Bind(cases[1])
	if err != nil {
		t.Fatal(err)
	}
	if x.Title != "latency 20 ms" || x.Method[0].Attributes["latency"] != "20ms" {
		t.Errorf("bound: %q %v", x.Title, x.Method[0].Attributes)
	}
	if want, _ := filepath.Abs("../../examples/explore/gauges.csv"); !sameFile(x.System.Catalog, want) {
		t.Errorf("catalog %q, want it relative to the experiment file (%s)", x.System.Catalog, want)
	}
	if *x.SteadyState.Probes[0].Tolerance.Max != 100 {
		t.Errorf("tolerance %v", x.SteadyState.Probes[0].Tolerance.Max)
	}
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

func TestExperimentTemplateErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("title: x\nmethod:\n  - pause: ${1 +}s\n"), 0o644)
	for _, tc := range []struct{ name, src, want string }{
		{"bad expression in the file", "matrix: {a: {values: [1]}}\nexperiment: bad.yaml\n", "bad.yaml:3:12: expression"},
		{"missing file", "matrix: {a: {values: [1]}}\nexperiment: {file: nope.yaml}\n", "m.yaml:2:20: experiment: open"},
		{"file with other keys", "matrix: {a: {values: [1]}}\nexperiment: {file: bad.yaml, x: 1}\n", "m.yaml:2:13: experiment: {file: FILE} takes no other key"},
		{"two templates", "matrix: {a: {values: [1]}}\nexperiment: {title: x}\ncommand: {run: [true]}\n", "m.yaml:1:1: give one case template"},
		{"faults outside load", "matrix: {a: {values: [1]}}\ncommand: {run: [true]}\nfaults: [server.nan]\n", "m.yaml:3:1: faults apply to twin load cases"},
		{"bad fault spec", "matrix: {a: {values: [1]}}\ntwin: {catalog: x.csv}\nload: {model: poll}\nfaults: [\"server.nan amp=1\"]\n", "m.yaml:4:10: fault spec: col 12"},
		{"bad fault entry", "matrix: {a: {values: [1]}}\ntwin: {catalog: x.csv}\nload: {model: poll}\nfaults: [{spec: server.nan, when: 1s}]\n", "m.yaml:4:29: unknown key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(filepath.Join(dir, "m.yaml"), []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant %q", err, tc.want)
			}
		})
	}
}

func TestExperimentMetrics(t *testing.T) {
	v := experiment.Verdict{Status: experiment.StatusDeviated, Probes: []experiment.ProbeVerdict{{Name: "read latency (ms)", OK: false}, {Name: "2 gauges ok", OK: true}}}
	evs := []journal.Event{
		{Type: journal.TypeProbe, Name: "read latency (ms)", Value: journal.Float(10)},
		{Type: journal.TypeProbe, Name: "read latency (ms)", Value: journal.Float(30)},
		{Type: journal.TypeProbe, Name: "2 gauges ok", Text: "ON"},
		{Type: journal.TypeFault, Name: "slow"},
	}
	m := ExperimentMetrics(v, evs, nil)
	want := map[string]float64{"held": 0, "faults": 1, "journal_events": 4, "rollback_errors": 0,
		"read_latency_ms_ok": 0, "read_latency_ms_n": 2, "read_latency_ms_mean": 20, "read_latency_ms_min": 10, "read_latency_ms_max": 30,
		"p_2_gauges_ok_ok": 1}
	for k, w := range want {
		if m[k] != w {
			t.Errorf("%s = %v, want %v", k, m[k], w)
		}
	}
	if len(m) != len(want) {
		t.Errorf("metrics %v", m)
	}
}

// TestExploreExperimentE2E runs examples/explore/net-latency.yaml: an
// inline experiment per case on a real twin (bounded): 5 ms of network
// latency holds the hypothesis, 800 ms deviates → FAILED with the reason.
func TestExploreExperimentE2E(t *testing.T) {
	f, data := e2eMatrix(t, "../../examples/explore/net-latency.yaml")
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Explore(ctx, RunOptions{File: f, Data: data, Seed: 1, Out: out, Binary: chaoslabBin})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cases) != 2 {
		t.Fatalf("%d cases", len(res.Cases))
	}
	for _, c := range res.Cases {
		lat := c.Params["latency"]
		switch FormatValue(lat) {
		case "5":
			if c.Status != StatusOK || c.Summaries["held"].Mean != 1 {
				t.Errorf("%s: %s %v held=%v", c.Key, c.Status, c.Reasons, c.Summaries["held"].Mean)
			}
		case "800":
			if c.Status != StatusFailed || len(c.Reasons) == 0 || !strings.Contains(c.Reasons[0], "experiment deviated") {
				t.Errorf("%s: %s %v", c.Key, c.Status, c.Reasons)
			}
			if s := c.Summaries["read_latency_ms_max"]; !(s.N == 1 && s.Mean > 400) {
				t.Errorf("%s: read_latency_ms_max %+v", c.Key, s)
			}
		}
		jp := filepath.Join(out, CaseDir, "000"+FormatValue(c.I), "experiment-0.jsonl")
		if evs, err := journal.ReadFile(jp); err != nil || len(evs) == 0 {
			t.Errorf("experiment journal %s: %v", jp, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "twin", "state.json")); !os.IsNotExist(err) {
		t.Error("twin state still present")
	}
	if recs, _ := filepath.Glob(filepath.Join(out, "twin", "experiments", "faults", "*")); len(recs) > 0 {
		t.Errorf("fault records left: %v", recs)
	}
}

// TestDryRunChecksExperiments: --dry-run binds every case's experiment,
// so a parameter value that makes it invalid is reported before running.
func TestDryRunChecksExperiments(t *testing.T) {
	src := `matrix:
  latency: {values: [10, -5]}
  limit: {values: [100]}
experiment: exp-latency.yaml
`
	f, err := Parse("testdata/m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cases, _ := f.Expand(1)
	var sb strings.Builder
	err = f.WriteDryRun(&sb, cases, 1)
	if err == nil || !strings.Contains(err.Error(), "case 2 (latency=-5,limit=100): testdata/exp-latency.yaml:22:17: method[0].attributes: toxic spec: attributes.latency: -5ms: must not be negative") {
		t.Fatalf("got %v\n%s", err, sb.String())
	}
}

// FuzzCompileText: substitutions in an experiment file's text never panic,
// and text without ${ comes back unchanged.
func FuzzCompileText(f *testing.F) {
	for _, s := range []string{"a: ${x}\n", "b: $${x}\n${", "${ {1: 2}[1] } ${y}\n", "plain\ntext"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tt, err := CompileText("f.yaml", s)
		if err != nil {
			return
		}
		got, err := tt.Bind(func(string) (Value, bool) { return int64(1), true })
		if err == nil && !strings.Contains(s, "${") && got != s {
			t.Fatalf("%q → %q", s, got)
		}
	})
}

// e2eMatrix skips unless end-to-end tests can run, and loads the matrix
// file at path with its bytes.
func e2eMatrix(t *testing.T, path string) (*File, []byte) {
	t.Helper()
	if testing.Short() {
		t.Skip("e2e")
	}
	if chaoslabBin == "" {
		t.Skipf("no chaoslab binary: %s", firstLine(buildErr))
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f, data
}
