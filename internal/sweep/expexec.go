package sweep

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"chaoslab/internal/experiment"
	"chaoslab/internal/journal"
	"chaoslab/internal/load"
	"chaoslab/internal/supervisor"
)

// ExpExec runs experiment cases: the case's experiment (its file with the
// parameters substituted, or the inline one bound) runs through
// internal/experiment's Runner on the twin that TwinExec brings up (the
// twin: template, else the experiment's system.catalog), with its journal
// in cases/NNNN/experiment-R.jsonl and its faults recorded in the twin's
// state directory (so a crashed explore's faults are undone on resume).
// The verdict maps to a status (held → OK; deviated, not_steady, aborted,
// error → FAILED with the reason) and the probes to metrics.
type ExpExec struct {
	*TwinExec
	Out string // results directory (journals go into its cases/)
}

// Run runs the experiment once.
func (x *ExpExec) Run(ctx context.Context, c *Case, repeat int, probe func(Probe)) (*Outcome, error) {
	ex, err := x.File.Experiment.Bind(c)
	if err != nil {
		return nil, err
	}
	ex.System.State = x.StateDir
	seed := uint64(c.I)*1000 + uint64(repeat) + 1
	if ex.Seed != nil {
		seed = *ex.Seed
	}
	st, err := supervisor.LoadState(x.StateDir)
	if err != nil {
		return nil, err
	}
	inv := experiment.Inventory{}
	for _, sv := range st.Servers {
		inv.Servers = append(inv.Servers, experiment.ServerInfo{Name: sv.Name, Host: sv.Host, Devices: sv.Devices})
	}
	plan, err := experiment.MakePlan(ex, inv, seed)
	if err != nil {
		return nil, fmt.Errorf("experiment refused: %w", err)
	}
	dir := filepath.Join(x.Out, CaseDir, fmt.Sprintf("%04d", c.I))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	runID := fmt.Sprintf("explore-%04d-%d-%d", c.I, repeat, os.Getpid())
	jpath := filepath.Join(dir, fmt.Sprintf("experiment-%d.jsonl", repeat))
	jf, err := os.Create(jpath)
	if err != nil {
		return nil, err
	}
	defer jf.Close()
	// Journal lines are the progress the stall watchdog sees.
	var lines atomic.Int64
	jw := journal.NewWriter(io.MultiWriter(jf, lineCounter{&lines}), nil)
	recs, err := experiment.NewRecords(x.StateDir, runID, time.Now)
	if err != nil {
		return nil, fmt.Errorf("fault records: %w", err)
	}
	defer recs.Close()
	twin, err := experiment.OpenTwin(x.StateDir, seed, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	defer twin.Close()
	r := &experiment.Runner{X: ex, Plan: plan, Env: twin, Journal: jw, Record: recs}
	r.Start(runID)
	if ex.Load != nil {
		if err := twin.StartLoad(ctx, *ex.Load); err != nil {
			return nil, fmt.Errorf("background load: %w", err)
		}
	}
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // progress once a second, also when nothing moves
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				probe(Probe{Progress: lines.Load(), Metrics: map[string]float64{"elapsed_s": time.Since(start).Seconds(), "journal_events": float64(lines.Load())}})
			}
		}
	}()
	v := r.Run(ctx)
	close(done)
	wg.Wait()
	lr, _ := twin.StopLoad()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	evs, _ := journal.ReadFile(jpath)
	m := ExperimentMetrics(v, evs, lr)
	out := &Outcome{Metrics: m, Raw: map[string]any{"verdict": v, "journal": jpath, "seed": seed}}
	if v.Status != experiment.StatusHeld {
		out.Status = StatusFailed
		out.Reason = "experiment " + v.Status
		if v.Reason != "" {
			out.Reason += ": " + v.Reason
		}
	}
	return out, nil
}

type lineCounter struct{ n *atomic.Int64 }

func (l lineCounter) Write(p []byte) (int, error) {
	l.n.Add(int64(strings.Count(string(p), "\n")))
	return len(p), nil
}

// ExperimentMetrics turns a verdict and its journal into metrics: held
// (1/0), rollback_errors, journal_events, faults; per hypothesis probe
// (named by MetricName of its name) P_ok (1/0) and, over its numeric
// observations, P_mean, P_max, P_min and P_n; and the background load's
// metrics when it ran one.
func ExperimentMetrics(v experiment.Verdict, evs []journal.Event, lr *load.Result) map[string]float64 {
	m := map[string]float64{}
	if lr != nil {
		for k, x := range LoadMetrics(lr) {
			m[k] = x
		}
	}
	m["held"] = 0
	if v.Status == experiment.StatusHeld {
		m["held"] = 1
	}
	m["rollback_errors"] = float64(len(v.RollbackErrors))
	m["journal_events"] = float64(len(evs))
	for _, p := range v.Probes {
		ok := 0.0
		if p.OK {
			ok = 1
		}
		m[MetricName(p.Name)+"_ok"] = ok
	}
	type agg struct {
		n             int
		sum, min, max float64
	}
	by := map[string]*agg{}
	faults := 0
	for _, e := range evs {
		switch e.Type {
		case journal.TypeFault:
			faults++
		case journal.TypeProbe:
			if e.Value == nil {
				continue
			}
			a := by[e.Name]
			if a == nil {
				a = &agg{min: *e.Value, max: *e.Value}
				by[e.Name] = a
			}
			a.n++
			a.sum += *e.Value
			a.min, a.max = min(a.min, *e.Value), max(a.max, *e.Value)
		}
	}
	m["faults"] = float64(faults)
	for name, a := range by {
		k := MetricName(name)
		m[k+"_n"], m[k+"_mean"], m[k+"_min"], m[k+"_max"] = float64(a.n), a.sum/float64(a.n), a.min, a.max
	}
	return m
}

// MetricName makes a probe name usable in expressions: lower case, every
// run of other characters than letters and digits one "_" ("read latency
// under 500 ms" → "read_latency_under_500_ms"; a leading digit gets "p_").
func MetricName(s string) string {
	var b strings.Builder
	us := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			us = false
		} else if !us && b.Len() > 0 {
			b.WriteByte('_')
			us = true
		}
	}
	out := strings.TrimSuffix(b.String(), "_")
	if out == "" || (out[0] >= '0' && out[0] <= '9') {
		out = "p_" + out
	}
	return out
}
