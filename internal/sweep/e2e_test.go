package sweep

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chaoslabBin is the chaoslab executable built once by TestMain for the
// end-to-end test ("" when the build failed: the test is skipped).
var chaoslabBin, buildErr = "", ""

func TestMain(m *testing.M) {
	code := func() int {
		if b := os.Getenv("CHAOSLAB_BIN"); b != "" { // a prebuilt binary (while the tree does not build)
			chaoslabBin = b
		} else if os.Getenv("SWEEP_E2E") != "0" {
			dir, err := os.MkdirTemp("", "sweep-e2e-")
			if err == nil {
				defer os.RemoveAll(dir)
				bin := filepath.Join(dir, "chaoslab")
				out, err := exec.Command("go", "build", "-o", bin, "chaoslab/cmd/chaoslab").CombinedOutput()
				if err != nil {
					buildErr = string(out)
				} else if out, err := exec.Command(bin, "--help").CombinedOutput(); err != nil {
					buildErr = "chaoslab --help failed: " + string(out)
				} else {
					chaoslabBin = bin
				}
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}

// TestExploreTwinE2E runs examples/explore/tiny.yaml against a real twin
// (2 servers × 2 devices), bounded by a timeout, and checks the results
// directory and that nothing is left running.
func TestExploreTwinE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e")
	}
	if chaoslabBin == "" {
		t.Skipf("no chaoslab binary: %s", firstLine(buildErr))
	}
	f, err := Load("../../examples/explore/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile("../../examples/explore/tiny.yaml")
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var log strings.Builder
	res, err := Explore(ctx, RunOptions{File: f, Data: data, Seed: 1, Out: out, Binary: chaoslabBin,
		Log: func(format string, a ...any) { log.WriteString(format + "\n") }})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(res.Cases) != 4 {
		t.Fatalf("%d cases", len(res.Cases))
	}
	for _, c := range res.Cases {
		if c.Status != StatusOK {
			t.Errorf("%s: %s %v", c.Key, c.Status, c.Reasons)
		}
		mode := c.Params["mode"]
		s := c.Summaries["events"]
		if mode == "events" && !(s.N == 2 && s.Mean > 0) {
			t.Errorf("%s: no events: %+v", c.Key, s)
		}
		if r := c.Summaries["achieved_rate"]; mode == "poll" && !(r.N == 2 && r.Mean > 0) {
			t.Errorf("%s: no polling: %+v", c.Key, r)
		}
	}
	for _, name := range []string{CSVFile, JSONFile, ReportFile, JournalFile, "plots/events-vs-period.svg", "plots/events-heatmap-period-mode.svg", "cases/0001/rep-0.json"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("missing %s", name)
		}
	}
	// Nothing left behind: the twin is down and the edited catalog gone.
	if _, err := os.Stat(filepath.Join(out, "twin", "state.json")); !os.IsNotExist(err) {
		t.Error("twin state still present")
	}
	left, _ := filepath.Glob("../../examples/explore/.explore-*")
	if len(left) > 0 {
		t.Errorf("edited catalogs left behind: %v", left)
	}
	// Resume of a finished run runs nothing and rewrites the same results.
	res2, err := Explore(ctx, RunOptions{File: f, Data: data, Seed: 1, Out: out, Resume: true, Binary: chaoslabBin})
	if err != nil || len(res2.Cases) != 4 {
		t.Fatalf("resume: %v, %d cases", err, len(res2.Cases))
	}
}

// TestExampleFull runs examples/explore/polling-vs-events.yaml (minutes):
// SWEEP_EXAMPLE=DIR go test -run ExampleFull writes the results into DIR.
func TestExampleFull(t *testing.T) {
	out := os.Getenv("SWEEP_EXAMPLE")
	if out == "" || chaoslabBin == "" {
		t.Skip("set SWEEP_EXAMPLE=DIR to run the full example")
	}
	path := "../../examples/explore/polling-vs-events.yaml"
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	res, err := Explore(ctx, RunOptions{File: f, Data: data, Seed: f.Seed, Out: out, Binary: chaoslabBin, Resume: true, Progress: os.Stderr})
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	res.WriteTable(&sb)
	t.Logf("%s\nin %s", sb.String(), time.Since(start).Round(time.Second))
}
