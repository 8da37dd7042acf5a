package sweep

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// Probe is a progress report from a running case: Progress is a counter
// that grows while the system under test does work (requests completed,
// events received, output lines); Metrics are the live figures that signal
// conditions read.
type Probe struct {
	Progress int64
	Metrics  map[string]float64
}

// Outcome is what one repeat produced.
type Outcome struct {
	Metrics map[string]float64
	Raw     any // written to cases/NNNN/rep-R.json
	// Status, if set, is the executor's own verdict (an experiment's):
	// the repeat ends at least this badly, with Reason.
	Status Status
	Reason string
}

// Executor carries cases out. Prepare readies the system for a case (the
// twin with its bound configuration, reused while unchanged); Run runs one
// repeat, calling probe as it progresses (at least every second, also when
// nothing moves, so a stall is seen), and returns when done or when ctx
// ends; Close releases everything (the twin goes down).
type Executor interface {
	Prepare(ctx context.Context, c *Case) error
	Run(ctx context.Context, c *Case, repeat int, probe func(Probe)) (*Outcome, error)
	Close(ctx context.Context) error
}

// Grouper is an optional Executor interface: cases with the same group
// (e.g. the same bound twin) run together, so the twin is set up once.
type Grouper interface {
	Group(c *Case) (string, error)
}

// TaskRunner runs one lifecycle task to completion.
type TaskRunner interface {
	RunTask(ctx context.Context, t *Task, vars func(string) (Value, bool)) error
}

// Clock is the driver's time source.
type Clock interface{ Now() time.Time }

// Driver runs cases of a File.
type Driver struct {
	File  *File
	Exec  Executor
	Tasks TaskRunner
	Clock Clock
	// Journal receives every finished case (fsynced) before the next starts.
	Journal *Journal
	// Raw, if set, stores a repeat's raw data.
	Raw func(c *Case, repeat int, raw any) error
	// Progress, if set, is called after every finished case.
	Progress func(done, total int, rec *CaseRecord)
	// Log receives warnings (task failures that continue ...).
	Log func(format string, args ...any)
}

// ErrInterrupted is returned when the context ended mid-run; finished cases
// are in the journal and --resume continues.
var ErrInterrupted = errors.New("interrupted: finished cases are kept; rerun with --resume to continue")

// errStalled and errSignal are the causes a case's context is cancelled with.
var errStalled = errors.New("stalled")

type signalCause struct{ st Status }

func (s *signalCause) Error() string { return "signal " + string(s.st) }

func (d *Driver) logf(format string, args ...any) {
	if d.Log != nil {
		d.Log(format, args...)
	}
}

// Order returns the cases in execution order: grouped by the executor's
// group key (first appearance order), expansion order within a group.
func (d *Driver) Order(cases []*Case) ([]*Case, error) {
	g, ok := d.Exec.(Grouper)
	if !ok {
		return cases, nil
	}
	rank := map[string]int{}
	keys := make([]int, len(cases))
	for i, c := range cases {
		k, err := g.Group(c)
		if err != nil {
			return nil, fmt.Errorf("case %d (%s): %w", c.I, c.Key, err)
		}
		if _, ok := rank[k]; !ok {
			rank[k] = len(rank)
		}
		keys[i] = rank[k]
	}
	idx := make([]int, len(cases))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
	out := make([]*Case, len(cases))
	for i, j := range idx {
		out[i] = cases[j]
	}
	return out, nil
}

// Run runs every case not in done: setup and pretest (awaited), the cases
// with their repeats and intertest tasks, then posttest and teardown —
// always, even after an interruption, with a context of their own.
func (d *Driver) Run(ctx context.Context, cases []*Case, done map[string]bool) (err error) {
	order, err := d.Order(cases)
	if err != nil {
		return err
	}
	todo := 0
	for _, c := range order {
		if !done[c.Key] {
			todo++
		}
	}
	cleanup := func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if e := d.runTasks(cctx, "posttest", d.File.Tasks.Posttest, nil); e != nil && err == nil {
			err = e
		}
		if e := d.Exec.Close(cctx); e != nil && err == nil {
			err = fmt.Errorf("teardown: %w", e)
		}
		if e := d.runTasks(cctx, "teardown", d.File.Tasks.Teardown, nil); e != nil && err == nil {
			err = e
		}
	}
	defer cleanup()
	if err := d.runTasks(ctx, "setup", d.File.Tasks.Setup, nil); err != nil {
		return err
	}
	// The seed published pretest after its policies had started, racing the
	// first case; here the first case waits for it.
	if err := d.runTasks(ctx, "pretest", d.File.Tasks.Pretest, nil); err != nil {
		return err
	}
	n := 0
	for _, c := range order {
		if done[c.Key] {
			continue
		}
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		rec, err := d.RunCase(ctx, c, d.File.Repeat)
		if err != nil {
			return err
		}
		if rec == nil { // interrupted mid-case: not journaled, rerun on resume
			return ErrInterrupted
		}
		if d.Journal != nil {
			if err := d.Journal.Append(rec); err != nil {
				return fmt.Errorf("journal: %w", err)
			}
		}
		n++
		if d.Progress != nil {
			d.Progress(n, todo, rec)
		}
	}
	return nil
}

// RunCase prepares and runs one case with its repeats and returns its
// record; nil (and no error) when ctx ended before the case finished.
func (d *Driver) RunCase(ctx context.Context, c *Case, repeats int) (*CaseRecord, error) {
	rec := &CaseRecord{Kind: "case", I: c.I, Key: c.Key, Params: c.Binding.Map()}
	count, err := d.File.signalCount(c)
	if err != nil {
		return nil, err
	}
	rec.SignalCount = count
	if err := d.Exec.Prepare(ctx, c); err != nil {
		if ctx.Err() != nil {
			return nil, nil
		}
		rec.Status = StatusError
		rec.Reasons = append(rec.Reasons, "prepare: "+err.Error())
		rec.Summaries = d.summaries(rec.Repeats)
		return rec, nil
	}
	for r := range repeats {
		rr, err := d.runRepeat(ctx, c, r, count)
		if err != nil {
			return nil, err
		}
		if rr == nil {
			return nil, nil
		}
		rec.Repeats = append(rec.Repeats, *rr)
		rec.Status = Worst(rec.Status, rr.Status)
		if rr.Reason != "" {
			rec.Reasons = append(rec.Reasons, fmt.Sprintf("repeat %d: %s", r, rr.Reason))
		}
		if err := d.runTasks(ctx, "intertest", d.File.Tasks.Intertest, c.Vars()); err != nil {
			if ctx.Err() != nil {
				return nil, nil
			}
			rec.Status = Worst(rec.Status, StatusError)
			rec.Reasons = append(rec.Reasons, err.Error())
		}
	}
	rec.Summaries = d.summaries(rec.Repeats)
	return rec, nil
}

func (d *Driver) summaries(reps []RepeatRecord) map[string]Summary {
	names := map[string]bool{}
	for _, m := range d.File.Metrics {
		names[m] = true
	}
	for _, r := range reps {
		for k := range r.Metrics {
			names[k] = true
		}
	}
	out := make(map[string]Summary, len(names))
	for k := range names {
		xs := make([]float64, 0, len(reps))
		for _, r := range reps {
			if v, ok := r.Metrics[k]; ok {
				xs = append(xs, v)
			}
		}
		out[k] = Summarize(xs, d.File.Outliers)
	}
	return out
}

// runRepeat runs one repeat under the signal conditions and the stall
// watchdog. nil means ctx ended.
func (d *Driver) runRepeat(ctx context.Context, c *Case, r, count int) (*RepeatRecord, error) {
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	start := d.Clock.Now()
	rr := &RepeatRecord{Repeat: r, Started: start, Signals: map[Status]int{}}
	params := Scope(c.Vars(), func(n string) (Value, bool) {
		if n == "_repeat" {
			return int64(r), true
		}
		return nil, false
	})

	var mu sync.Mutex
	lastProgress, lastMove := int64(math.MinInt64), start
	var live map[string]float64
	var condErr error
	probe := func(p Probe) {
		mu.Lock()
		defer mu.Unlock()
		if rctx.Err() != nil {
			return
		}
		now := d.Clock.Now()
		live = p.Metrics
		if p.Progress != lastProgress {
			lastProgress, lastMove = p.Progress, now
		} else if now.Sub(lastMove) >= d.File.Stall {
			cancel(errStalled)
			return
		}
		// Live signals: each probe on which a status's condition holds is
		// one signal event; count of them end the run with that status
		// (FAILED checked first: the worst status wins).
		for _, sig := range orderedSignals(d.File.Signals) {
			for _, cond := range sig.Conditions {
				ok, err := cond.Bool(Scope(MetricScope(p.Metrics), params))
				if err != nil {
					if condErr == nil && !isUnknownName(err) {
						condErr = err
					}
					continue
				}
				if ok {
					rr.Signals[sig.Status]++
					if rr.Signals[sig.Status] >= count {
						cancel(&signalCause{sig.Status})
						return
					}
					break
				}
			}
		}
	}
	out, err := d.Exec.Run(rctx, c, r, probe)
	mu.Lock()
	defer mu.Unlock()
	cause := context.Cause(rctx)
	rr.DurationS = d.Clock.Now().Sub(start).Seconds()
	if out != nil {
		rr.Metrics = cleanMetrics(out.Metrics)
		if d.Raw != nil && out.Raw != nil {
			if err := d.Raw(c, r, out.Raw); err != nil {
				return nil, fmt.Errorf("raw data: %w", err)
			}
		}
	} else {
		rr.Metrics = cleanMetrics(live)
	}
	var sc *signalCause
	switch {
	case ctx.Err() != nil:
		return nil, nil
	case errors.Is(cause, errStalled):
		rr.Status, rr.Reason = StatusStalled, fmt.Sprintf("no progress for %s", d.File.Stall)
		return rr, nil
	case errors.As(cause, &sc):
		rr.Status, rr.Reason = sc.st, fmt.Sprintf("%d signal events for %s", rr.Signals[sc.st], sc.st)
		if sc.st == StatusOK {
			rr.Reason = ""
		}
		return rr, nil
	case err != nil:
		rr.Status, rr.Reason = StatusError, err.Error()
		return rr, nil
	}
	if condErr != nil {
		rr.Status, rr.Reason = StatusError, condErr.Error()
		return rr, nil
	}
	// The final metrics, falling back to the last probe's figures.
	// Unmeasured metrics stay NaN here, so a condition over them is
	// simply false (NaN compares false), as in Python.
	final := make(map[string]float64, len(live))
	for k, v := range live {
		final[k] = v
	}
	if out != nil {
		for k, v := range out.Metrics {
			final[k] = v
		}
	}
	rr.Status, rr.Reason = d.FinalStatus(final, params)
	if out != nil && out.Status != "" && Worst(rr.Status, out.Status) != rr.Status {
		rr.Status, rr.Reason = out.Status, out.Reason
	}
	return rr, nil
}

// FinalStatus evaluates the signals once over a finished run's metrics: a
// FAILED (then STALLED) condition that holds wins; otherwise OK when an OK
// condition holds or none is given. A condition naming a metric the run
// does not have is an error, reported as the reason.
func (d *Driver) FinalStatus(metrics map[string]float64, params func(string) (Value, bool)) (Status, string) {
	sc := Scope(MetricScope(metrics), params)
	hasOK := false
	for _, sig := range orderedSignals(d.File.Signals) {
		if sig.Status == StatusOK {
			hasOK = true
		}
		for _, cond := range sig.Conditions {
			ok, err := cond.Bool(sc)
			if err != nil {
				return StatusError, err.Error()
			}
			if ok {
				if sig.Status == StatusOK {
					return StatusOK, ""
				}
				return sig.Status, "condition " + cond.Src
			}
		}
	}
	if hasOK {
		return StatusFailed, "no OK condition held"
	}
	return StatusOK, ""
}

func isUnknownName(err error) bool { return strings.Contains(err.Error(), "unknown name") }

// orderedSignals returns FAILED, STALLED, then OK signals.
func orderedSignals(s []Signal) []Signal {
	out := append([]Signal(nil), s...)
	sort.SliceStable(out, func(a, b int) bool { return out[a].Status.rank() > out[b].Status.rank() })
	return out
}

func cleanMetrics(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[k] = v
		}
	}
	return out
}

// runTasks runs a hook's tasks in order, each awaited.
func (d *Driver) runTasks(ctx context.Context, hook string, tasks []*Task, vars func(string) (Value, bool)) error {
	if d.Tasks == nil {
		if len(tasks) > 0 {
			return fmt.Errorf("%s: no task runner", hook)
		}
		return nil
	}
	if vars == nil {
		vars = func(string) (Value, bool) { return nil, false }
	}
	for _, t := range tasks {
		tctx, cancel := context.WithTimeout(ctx, t.Timeout)
		err := d.Tasks.RunTask(tctx, t, vars)
		cancel()
		if err != nil {
			if t.Continue {
				d.logf("%s task at %s failed (continuing): %v", hook, t.Pos, err)
				continue
			}
			return fmt.Errorf("%s task at %s: %w", hook, t.Pos, err)
		}
	}
	return nil
}
