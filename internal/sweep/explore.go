package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// RunOptions configure Explore.
type RunOptions struct {
	File   *File
	Data   []byte // the matrix file's text (identifies the run for --resume)
	Seed   uint64
	Out    string // results directory
	Resume bool
	Binary string // chaoslab executable (twin cases)
	Clock  Clock
	// Exec overrides the executor chosen from the file (tests).
	Exec Executor
	// Tasks overrides the task runner (tests).
	Tasks TaskRunner
	// Progress receives the progress bar (TTY) or lines; nil for none.
	Progress io.Writer
	TTY      bool
	Log      func(format string, args ...any)
}

// Explore runs a matrix file end to end: expand, run every unfinished case
// (or the breaking-point search), then write the results directory. On
// interruption the results of the finished cases are still written and
// ErrInterrupted is returned.
func Explore(ctx context.Context, o RunOptions) (*Results, error) {
	f := o.File
	cases, err := f.Expand(o.Seed)
	if err != nil {
		return nil, err
	}
	out, err := OpenOutDir(o.Out, f.Path, o.Data, o.Seed, o.Resume)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	if out.Warning != "" && o.Log != nil {
		o.Log("%s", out.Warning)
	}
	ex := o.Exec
	if ex == nil {
		switch {
		case f.Command != nil:
			ex = &CmdExec{File: f}
		case f.Load != nil:
			abs, _ := filepath.Abs(o.Out)
			ex = &TwinExec{File: f, Binary: o.Binary, StateDir: filepath.Join(abs, "twin"), Timeout: time.Minute}
		case f.Experiment != nil:
			abs, _ := filepath.Abs(o.Out)
			ex = &ExpExec{TwinExec: &TwinExec{File: f, Binary: o.Binary, StateDir: filepath.Join(abs, "twin"), Timeout: time.Minute}, Out: abs}
		default:
			return nil, errors.New("the matrix file has no case template (load with twin, experiment, or command): only --dry-run works")
		}
	}
	tasks := o.Tasks
	if tasks == nil {
		tasks = &ExecTasks{Dir: f.Dir, ResultsDir: o.Out}
	}
	clock := o.Clock
	if clock == nil {
		clock = realClock{}
	}
	recs := out.Records
	bar := &progressBar{w: o.Progress, tty: o.TTY, clock: clock, start: clock.Now()}
	d := &Driver{File: f, Exec: ex, Tasks: tasks, Clock: clock, Journal: out.Journal, Raw: out.WriteRaw, Log: o.Log,
		Progress: func(done, total int, rec *CaseRecord) {
			recs = append(recs, rec)
			bar.update(done, total, rec)
		}}
	var search *SearchResult
	var runErr error
	if f.Search != nil {
		search, runErr = runSearch(ctx, d, f, cases, out, &recs)
	} else {
		if len(out.Done) > 0 && o.Log != nil {
			o.Log("resume: %d of %d cases already finished", len(out.Done), len(cases))
		}
		runErr = d.Run(ctx, cases, out.Done)
	}
	bar.finish()
	res := NewResults(f, o.Seed, len(cases), recs)
	res.Search = search
	if err := out.Finish(res); err != nil {
		return res, errors.Join(runErr, err)
	}
	return res, runErr
}

// runSearch runs the breaking-point search: the searched parameter takes
// the trial value, the others their first case's values. Trials are
// journaled (kind "trial") and reused on --resume.
func runSearch(ctx context.Context, d *Driver, f *File, cases []*Case, out *OutDir, recs *[]*CaseRecord) (res *SearchResult, err error) {
	if len(cases) == 0 {
		return nil, errors.New("search: the matrix has no case")
	}
	base := cases[0].Binding
	cached := map[string]*CaseRecord{}
	for _, r := range out.Records {
		if r.Kind == "trial" {
			cached[fmt.Sprintf("%s#%d", r.Key, r.Repeats[0].Repeat)] = r
		}
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if e := d.Exec.Close(cctx); e != nil && err == nil {
			err = e
		}
	}()
	n := 0
	pred := func(ctx context.Context, v float64, r int) (bool, any, error) {
		b := Binding{Names: base.Names, Values: append([]Value(nil), base.Values...)}
		var val Value = v
		if f.Search.Spec.Ints {
			val = int64(v)
		}
		for i, name := range b.Names {
			if name == f.Search.Parameter {
				b.Values[i] = val
			}
		}
		n++
		c := &Case{I: n, Binding: b, Key: b.Key()}
		rec := cached[fmt.Sprintf("%s#%d", c.Key, r)]
		if rec == nil {
			var err error
			rec, err = d.RunCase(ctx, c, 1)
			if err != nil {
				return false, nil, err
			}
			if rec == nil {
				return false, nil, ErrInterrupted
			}
			rec.Kind = "trial"
			rec.Repeats[0].Repeat = r
			if err := d.Journal.Append(rec); err != nil {
				return false, nil, err
			}
		}
		*recs = append(*recs, rec)
		holds := rec.Status == StatusOK
		if holds {
			sc := Scope(MetricScope(rec.Repeats[0].Metrics), c.Vars())
			for _, h := range f.Search.Hypothesis {
				ok, err := h.Bool(sc)
				if err != nil {
					return false, nil, err
				}
				if !ok {
					holds = false
					rec.Reasons = append(rec.Reasons, "hypothesis failed: "+h.Src)
					break
				}
			}
		}
		return holds, rec, nil
	}
	return Search(ctx, f.Search.Spec, pred)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// progressBar shows cases done, ETA from the mean case time, and the last
// case; one line per case when not on a terminal.
type progressBar struct {
	w     io.Writer
	tty   bool
	clock Clock
	start time.Time
	drawn bool
}

func (p *progressBar) update(done, total int, rec *CaseRecord) {
	if p.w == nil {
		return
	}
	el := p.clock.Now().Sub(p.start)
	eta := time.Duration(0)
	if done > 0 {
		eta = el / time.Duration(done) * time.Duration(total-done)
	}
	if !p.tty {
		fmt.Fprintf(p.w, "explore: %d/%d %s %s (eta %s)\n", done, total, rec.Key, rec.Status, eta.Round(time.Second))
		return
	}
	const width = 30
	fill := 0
	if total > 0 {
		fill = done * width / total
	}
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %d/%d  ETA %s  %s %s", strings.Repeat("#", fill), strings.Repeat(".", width-fill), done, total,
		eta.Round(time.Second), rec.Key, rec.Status)
	p.drawn = true
}

func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
