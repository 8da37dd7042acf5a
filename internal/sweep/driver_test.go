package sweep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fakeExec: a case with stall=True never progresses; otherwise it reports
// progress every step and finishes after 5 steps with metrics derived from
// the parameters. cancelAt (case number) cancels the run's context.
type fakeExec struct {
	clock    *fakeClock
	ran      []string
	prepared int
	cancelAt int
	cancel   context.CancelFunc
	closed   bool
}

func (f *fakeExec) Prepare(context.Context, *Case) error { f.prepared++; return nil }
func (f *fakeExec) Close(context.Context) error          { f.closed = true; return nil }
func (f *fakeExec) Run(ctx context.Context, c *Case, rep int, probe func(Probe)) (*Outcome, error) {
	f.ran = append(f.ran, c.Key)
	if c.I == f.cancelAt {
		f.cancel()
		return nil, ctx.Err()
	}
	stall, _ := c.Binding.Get("stall")
	x, _ := c.Binding.Get("x")
	xf, _ := toFloat(x)
	for step := range 100 {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		f.clock.Advance(10 * time.Second)
		p := int64(step)
		if stall == true {
			p = 0
		}
		probe(Probe{Progress: p, Metrics: map[string]float64{"live_x": xf}})
		if step == 4 && stall != true {
			return &Outcome{Metrics: map[string]float64{"latency": xf * 10, "rep": float64(rep)}, Raw: map[string]int{"x": int(xf)}}, nil
		}
	}
	return nil, errors.New("unreachable")
}

const driverMatrix = `
repeat: 2
stall_timeout: 30s
matrix:
  x: {type: range, min: 1, max: 3, step: 1}
  stall: {type: discrete, values: [false, true]}
signals:
  FAILED: "latency > 25"
  OK: "latency <= 25"
command: {run: [unused]}
metrics: [latency]
`

func newTestDriver(t *testing.T, src string) (*File, *fakeExec, *fakeClock) {
	t.Helper()
	f, err := Parse("m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Unix(1000, 0)}
	return f, &fakeExec{clock: clk}, clk
}

func TestDriverSeveralStalls(t *testing.T) {
	f, ex, clk := newTestDriver(t, driverMatrix)
	cases, _ := f.Expand(1)
	var recs []*CaseRecord
	d := &Driver{File: f, Exec: ex, Clock: clk, Progress: func(_, _ int, r *CaseRecord) { recs = append(recs, r) }}
	if err := d.Run(context.Background(), cases, nil); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 || !ex.closed {
		t.Fatalf("%d records, closed %v", len(recs), ex.closed)
	}
	want := map[string]Status{"x=1,stall=False": StatusOK, "x=1,stall=True": StatusStalled, "x=2,stall=False": StatusOK,
		"x=2,stall=True": StatusStalled, "x=3,stall=False": StatusFailed, "x=3,stall=True": StatusStalled}
	for _, r := range recs {
		if r.Status != want[r.Key] {
			t.Errorf("%s: %s (%v), want %s", r.Key, r.Status, r.Reasons, want[r.Key])
		}
		if len(r.Repeats) != 2 {
			t.Errorf("%s: %d repeats", r.Key, len(r.Repeats))
		}
	}
	s := recs[2].Summaries["latency"]
	if s.N != 2 || float64(s.Mean) != 20 {
		t.Fatalf("summary %+v", s)
	}
}

func TestDriverSignalCount(t *testing.T) {
	// live_x > 1 fires FAILED on every probe; signal_count = x + 1 probes
	// end the run early; x = 1 never fires and ends OK.
	src := strings.Replace(driverMatrix, "signals:\n  FAILED: \"latency > 25\"\n  OK: \"latency <= 25\"", "signals:\n  FAILED: \"live_x > 1\"\nsignal_count: \"x + 1\"", 1)
	src = strings.Replace(src, "values: [false, true]", "values: [false]", 1)
	f, ex, clk := newTestDriver(t, src)
	cases, _ := f.Expand(1)
	var recs []*CaseRecord
	d := &Driver{File: f, Exec: ex, Clock: clk, Progress: func(_, _ int, r *CaseRecord) { recs = append(recs, r) }}
	if err := d.Run(context.Background(), cases, nil); err != nil {
		t.Fatal(err)
	}
	if recs[0].Status != StatusOK || recs[1].Status != StatusFailed || recs[1].Repeats[0].Signals[StatusFailed] != 3 || recs[2].SignalCount != 4 {
		t.Fatalf("%+v %+v", recs[0], recs[1])
	}
}

func TestResume(t *testing.T) {
	dir := t.TempDir()
	f, ex, clk := newTestDriver(t, driverMatrix)
	ctx, cancel := context.WithCancel(context.Background())
	ex.cancelAt, ex.cancel = 4, cancel
	data := []byte(driverMatrix)
	_, err := Explore(ctx, RunOptions{File: f, Data: data, Seed: 1, Out: dir, Exec: ex, Clock: clk})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("want interrupted, got %v", err)
	}
	recs, _, _ := ReadJournal(filepath.Join(dir, JournalFile))
	if len(recs) != 3 {
		t.Fatalf("%d journaled", len(recs))
	}
	for _, name := range []string{CSVFile, JSONFile, ReportFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatalf("interrupted run must still write %s", name)
		}
	}
	// Without --resume the directory is refused.
	if _, err := Explore(context.Background(), RunOptions{File: f, Data: data, Seed: 1, Out: dir, Exec: ex, Clock: clk}); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("want refusal, got %v", err)
	}
	// A different seed is refused.
	if _, err := Explore(context.Background(), RunOptions{File: f, Data: data, Seed: 2, Out: dir, Resume: true, Exec: ex, Clock: clk}); err == nil {
		t.Fatal("resume with another seed must fail")
	}
	// Simulate a crash mid-write: a torn last line.
	jf, _ := os.OpenFile(filepath.Join(dir, JournalFile), os.O_APPEND|os.O_WRONLY, 0)
	jf.WriteString(`{"kind":"case","i":9,"key":"x=`)
	jf.Close()
	ex2 := &fakeExec{clock: clk}
	var logs []string
	res, err := Explore(context.Background(), RunOptions{File: f, Data: data, Seed: 1, Out: dir, Resume: true, Exec: ex2, Clock: clk,
		Log: func(format string, a ...any) { logs = append(logs, format) }})
	if err != nil {
		t.Fatal(err)
	}
	// Only the 3 unfinished cases ran, twice each (repeats).
	if len(ex2.ran) != 6 || len(res.Cases) != 6 {
		t.Fatalf("ran %v; %d cases", ex2.ran, len(res.Cases))
	}
	for _, k := range ex2.ran {
		if k == "x=1,stall=False" || k == "x=1,stall=True" || k == "x=2,stall=False" {
			t.Fatalf("finished case %s rerun", k)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, CSVFile))
	if lines := strings.Count(string(b), "\n"); lines != 7 {
		t.Fatalf("csv has %d lines:\n%s", lines, b)
	}
	if !strings.Contains(string(b), "case,x,stall,status,repeats,reasons,latency.n,latency.mean") {
		t.Fatalf("csv header: %s", strings.SplitN(string(b), "\n", 2)[0])
	}
	html, _ := os.ReadFile(filepath.Join(dir, ReportFile))
	for _, w := range []string{"<svg", "Outlier policy", "Student t", "latency-heatmap"} {
		if w == "latency-heatmap" {
			if _, err := os.Stat(filepath.Join(dir, PlotDir, "latency-heatmap-x-stall.svg")); err != nil {
				t.Fatal("heat map missing")
			}
			continue
		}
		if !strings.Contains(string(html), w) {
			t.Errorf("report lacks %q", w)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, CaseDir, "0001", "rep-1.json")); err != nil {
		t.Fatal("raw per-case data missing")
	}
}

func TestSearchDriver(t *testing.T) {
	src := `
matrix:
  x: {type: range, min: 1, max: 100}
  stall: {values: [false]}
command: {run: [unused]}
metrics: [latency]
search: {parameter: x, min: 1, max: 100, hypothesis: "latency < 425"}
`
	f, ex, clk := newTestDriver(t, src)
	res, err := Explore(context.Background(), RunOptions{File: f, Data: []byte(src), Seed: 1, Out: t.TempDir(), Exec: ex, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if res.Search == nil || res.Search.Largest != 42 || res.Search.FirstFail != 43 {
		t.Fatalf("%+v", res.Search)
	}
}

// TestSearchDriverFloat searches a float parameter to a resolution of
// 0.05 through the driver (latency = 10·x): the bound value is a float,
// and the results state the monotonicity assumption.
func TestSearchDriverFloat(t *testing.T) {
	src := `
matrix:
  x: {type: range, min: 0.5, max: 10, step: 0.5}
  stall: {values: [false]}
command: {run: [unused]}
metrics: [latency]
search: {parameter: x, min: 0.5, max: 10, step: 0.05, verify: 1, hypothesis: "latency < 42.7"}
`
	f, ex, clk := newTestDriver(t, src)
	out := t.TempDir()
	res, err := Explore(context.Background(), RunOptions{File: f, Data: []byte(src), Seed: 1, Out: out, Exec: ex, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Search; s == nil || s.Largest != 4.25 || s.FirstFail != 4.3 || s.Resolution != 0.05 || len(s.NonMonotonic) != 0 {
		t.Fatalf("%+v", res.Search)
	}
	var tbl strings.Builder
	res.WriteTable(&tbl)
	for _, w := range []string{"largest value that holds 4.25; fails at 4.3 (resolution 0.05)", "assumes monotone degradation", "non-monotonic evidence: none seen"} {
		if !strings.Contains(tbl.String(), w) {
			t.Errorf("table lacks %q:\n%s", w, tbl.String())
		}
	}
	b, _ := os.ReadFile(filepath.Join(out, JSONFile))
	if !strings.Contains(string(b), `"assumption": "assumes monotone`) {
		t.Errorf("results.json lacks the assumption")
	}
}
