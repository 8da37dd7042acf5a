package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runExplore(t *testing.T, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &o, Err: &e}
	cmd := newExploreCmd(s)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	if err != nil {
		code = ExitUsage
		if ee, ok := err.(*exitError); ok {
			code = ee.code
			if ee.err != nil {
				e.WriteString(ee.err.Error())
			}
		}
	}
	return code, o.String(), e.String()
}

func TestExploreDryRun(t *testing.T) {
	code, out, errOut := runExplore(t, "../../examples/explore/tiny.yaml", "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"# period (discrete): 2 values: 200 500\n",
		"# mode (discrete): 2 values: poll events\n",
		"   1  period=200,mode=poll  signal_count=1\n",
		"   4  period=500,mode=events  signal_count=1\n",
		"4 cases (full product, seed 1) × 2 repeats = 8 runs\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestExploreSeedFlag(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "m.yaml")
	os.WriteFile(m, []byte("seed: 1\nmatrix:\n  x: {type: sample, min: 0, max: 100, samples: 3}\ncommand: {run: [\"true\"]}\n"), 0o644)
	_, a, _ := runExplore(t, m, "--dry-run")
	_, b, _ := runExplore(t, m, "--dry-run", "--seed", "1")
	_, c, _ := runExplore(t, m, "--dry-run", "--seed", "2")
	if a != b {
		t.Errorf("--seed 1 differs from the file's seed 1:\n%s\n%s", a, b)
	}
	if a == c || !strings.Contains(c, "seed 2") {
		t.Errorf("--seed 2 did not change the samples:\n%s", c)
	}
}

func TestExploreBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"unknown key and bad type", "matrix:\n  x: {type: discreet, valus: [1]}\n  y: {type: ranges}\ncommand: {run: [\"true\"]}\n",
			[]string{"m.yaml:2:23: unknown key \"valus\" in parameter x", "m.yaml:3:13: parameter y: unknown type \"ranges\""}},
		{"bad expression", "matrix:\n  x: {values: [1]}\ncommand: {run: [\"true\"]}\nsignals: {FAILED: \"x >\"}\n",
			[]string{"m.yaml:4:19: expression \"x >\""}},
		{"bad fault", "matrix:\n  x: {values: [1]}\ntwin: {catalog: c.csv}\nload: {model: poll}\nfaults: [\"server.nope\"]\n",
			[]string{"m.yaml:5:10: fault spec"}},
		{"yaml syntax", "matrix: [\n", []string{"m.yaml:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := filepath.Join(dir, "m.yaml")
			os.WriteFile(m, []byte(tc.src), 0o644)
			code, _, errOut := runExplore(t, m, "--dry-run")
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("missing %q in:\n%s", w, errOut)
				}
			}
		})
	}
	if code, _, _ := runExplore(t, filepath.Join(dir, "missing.yaml")); code != ExitUsage {
		t.Errorf("missing file: exit %d", code)
	}
}

// TestExploreJSONSummary runs a command-channel matrix (no twin): the
// JSON summary, exit 1 when a case FAILED, and --resume.
func TestExploreJSONSummary(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "m.yaml")
	os.WriteFile(m, []byte(`matrix:
  n: {values: [1, 2, 3]}
repeat: 2
command: {run: [sh, -c, "echo '{\"x\": ${n}}'"]}
signals: {FAILED: "x > 2"}
metrics: [x]
`), 0o644)
	out := filepath.Join(dir, "out")
	code, stdout, errOut := runExplore(t, m, "-o", out, "--json", "--no-progress")
	if code != ExitFailure {
		t.Fatalf("exit %d (want 1: n=3 fails): %s", code, errOut)
	}
	var sum struct {
		Out      string         `json:"out"`
		Planned  int            `json:"planned_cases"`
		Finished int            `json:"finished_cases"`
		Counts   map[string]int `json:"status_counts"`
		Outliers string         `json:"outliers"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if sum.Out != out || sum.Planned != 3 || sum.Finished != 3 || sum.Counts["OK"] != 2 || sum.Counts["FAILED"] != 1 || sum.Outliers == "" {
		t.Errorf("summary %+v", sum)
	}
	for _, f := range []string{"journal.jsonl", "results.csv", "results.json", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	// The same --out again needs --resume; with it nothing reruns.
	if code, _, errOut := runExplore(t, m, "-o", out, "--no-progress"); code != ExitError || !strings.Contains(errOut, "--resume") {
		t.Errorf("rerun without --resume: exit %d %s", code, errOut)
	}
	code, stdout, _ = runExplore(t, m, "-o", out, "--resume", "--json", "--no-progress")
	if code != ExitFailure || !strings.Contains(stdout, `"finished_cases": 3`) {
		t.Errorf("resume: exit %d\n%s", code, stdout)
	}
}
