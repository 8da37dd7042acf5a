package sweep

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestExploreFaultsE2E binds an in-server latency fault per case on a real
// twin: it shows in the latency while the case runs and is undone after
// it (no fault record left).
func TestExploreFaultsE2E(t *testing.T) {
	f, data := e2eMatrix(t, "testdata/faults.yaml")
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Records are checked between cases, while the twin is still up.
	var left []string
	res, err := Explore(ctx, RunOptions{File: f, Data: data, Seed: 1, Out: out, Binary: chaoslabBin,
		Tasks: taskFunc(func() {
			l, _ := filepath.Glob(filepath.Join(out, "twin", "faults", "*.json"))
			left = append(left, l...)
		})})
	if err != nil {
		t.Fatal(err)
	}
	p50 := map[string]float64{}
	for _, c := range res.Cases {
		if c.Status != StatusOK {
			t.Errorf("%s: %s %v", c.Key, c.Status, c.Reasons)
		}
		p50[FormatValue(c.Params["lat"])] = float64(c.Summaries["p50_ms"].Mean)
	}
	if !(p50["200"] >= 200 && p50["0"] < 100) {
		t.Errorf("p50 by latency fault: %v", p50)
	}
	if len(left) > 0 {
		t.Errorf("fault records left after a case: %v", left)
	}
}

// taskFunc is a TaskRunner calling fn for every task (the file declares
// none: fn runs at intertest through the hook below).
type taskFunc func()

func (f taskFunc) RunTask(context.Context, *Task, func(string) (Value, bool)) error { f(); return nil }
