package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"chaoslab/internal/journal"
)

// Revert undoes what an action did.
type Revert func(context.Context) error

// Action is an injectable change. A fault adapts into it: Inject applies
// it and returns its own undo (nil when there is nothing to undo).
type Action interface {
	Inject(ctx context.Context) (Revert, error)
}

// Env is the runner's I/O: it builds actions from planned steps and
// observes probes. The twin Env implements it over real processes; tests
// use fakes.
type Env interface {
	Action(step PlannedStep) (Action, error)
	Probe(ctx context.Context, p *ProbeSpec) (Value, error)
}

// Statuses of a run, and their exit codes (see ExitCode).
const (
	StatusHeld        = "held"        // steady state held: exit 0
	StatusDeviated    = "deviated"    // exit 1
	StatusNotSteady   = "not_steady"  // the before-check failed; method skipped: exit 1
	StatusError       = "error"       // an action failed: exit 2
	StatusAborted     = "aborted"     // a stop condition tripped: exit 3
	StatusInterrupted = "interrupted" // SIGINT/SIGTERM (context cancelled): exit 130
)

// ExitCode maps a status to the process exit code.
func ExitCode(status string) int {
	switch status {
	case StatusHeld:
		return 0
	case StatusDeviated, StatusNotSteady:
		return 1
	case StatusAborted:
		return 3
	case StatusInterrupted:
		return 130
	}
	return 2
}

// Verdict is the outcome of a run.
type Verdict struct {
	Status string         `json:"status"`
	Probes []ProbeVerdict `json:"probes"`
	Reason string         `json:"reason,omitempty"`
	// RollbackErrors lists rollbacks that failed (the run still tried all).
	RollbackErrors []string `json:"rollback_errors,omitempty"`
}

// ProbeVerdict is one hypothesis probe's verdict per phase.
type ProbeVerdict struct {
	Name   string    `json:"name"`
	Before *bool     `json:"before,omitempty"`
	During *bool     `json:"during,omitempty"`
	After  *bool     `json:"after,omitempty"`
	Stats  *MWResult `json:"stats,omitempty"`
	Reason string    `json:"reason,omitempty"`
	OK     bool      `json:"ok"`
}

// Runner runs one planned experiment. Zero Now means time.Now. Timers use
// the time package, so tests run the runner inside testing/synctest.
type Runner struct {
	X       *Experiment
	Plan    *Plan
	Env     Env
	Journal *journal.Writer
	Now     func() time.Time
	// Record, if set, is called before a fault is applied and after it is
	// undone (crash-safe fault records; see Records).
	Record FaultRecorder

	mu      sync.Mutex
	reverts []pending
	faults  []time.Time
	obs     map[string]*series
	nextID  int
	stopErr map[string]int // consecutive errors of each stop condition
}

// StopErrorLimit is how many consecutive checks a stop condition's probe
// may fail to observe before it trips: a stop condition that cannot be
// observed (its server is gone, its URL down) is treated as tripped rather
// than silently disabled, but one transient error does not abort a run.
const StopErrorLimit = 3

// FaultRecorder persists faults so that a killed runner's faults can be
// undone by Recover.
type FaultRecorder interface {
	Applying(id string, step PlannedStep, undo Undo) error
	Undone(id string) error
}

type pending struct {
	id     string
	name   string
	revert Revert
	done   bool
}

type series struct {
	phase map[string][]Sample
	vals  map[string][]float64
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) log(ev journal.Event) {
	if ev.Time.IsZero() {
		ev.Time = r.now().UTC()
	}
	if r.Journal != nil {
		r.Journal.Append(ev)
	}
}

// Start writes the start and plan events (source, seed, resolved targets).
func (r *Runner) Start(runID string) {
	start, _ := json.Marshal(map[string]any{"run": runID, "title": r.X.Title, "file": r.X.File, "source": r.X.Source, "seed": r.Plan.Seed, "tags": r.X.Tags})
	r.log(journal.Event{Type: journal.TypeStart, Name: r.X.Title, Data: start})
	plan, _ := json.Marshal(r.Plan)
	r.log(journal.Event{Type: journal.TypePlan, Data: plan})
}

// Run executes before-check, method (with during-probes and stop
// conditions every interval), after-check, then every rollback (faults in
// reverse order, then the declared rollbacks) on every exit path. A
// cancelled ctx is an interrupt: the method stops and rollbacks still run.
func (r *Runner) Run(ctx context.Context) Verdict {
	r.obs = map[string]*series{}
	r.stopErr = map[string]int{}
	interval := r.X.SteadyState.Interval.D()
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	v := Verdict{Status: StatusHeld}
	status, reason := r.phase(ctx, "before", r.X.SteadyState.Baseline.D(), interval)
	if status == "" {
		if !r.phaseOK("before") {
			status, reason = StatusNotSteady, "the steady state did not hold before the method"
		}
	}
	if status == "" {
		status, reason = r.method(ctx, interval)
	}
	if status == "" {
		if s := r.X.SteadyState.Settle.D(); s > 0 {
			status, reason = r.sampleFor(ctx, "after-settle", s, interval)
		}
	}
	if status == "" {
		afterDur := time.Duration(0)
		for _, p := range r.X.SteadyState.Probes {
			if p.Tolerance.Compare != nil && p.Tolerance.Compare.With == "after" {
				afterDur = r.X.SteadyState.Baseline.D()
			}
		}
		status, reason = r.phase(ctx, "after", afterDur, interval)
	}
	v.RollbackErrors = r.rollback(ctx)
	v.Probes = r.judge()
	switch {
	case status != "":
		v.Status, v.Reason = status, reason
	default:
		for _, p := range v.Probes {
			if !p.OK {
				v.Status, v.Reason = StatusDeviated, p.Name+": "+p.Reason
				break
			}
		}
	}
	data, _ := json.Marshal(v)
	r.log(journal.Event{Type: journal.TypeVerdict, Status: v.Status, Text: v.Reason, Data: data})
	return v
}

// phase samples the hypothesis probes of a phase: once, or every interval
// for dur. It returns a non-empty status when the run must end.
func (r *Runner) phase(ctx context.Context, name string, dur, interval time.Duration) (string, string) {
	r.log(journal.Event{Type: journal.TypePhase, Phase: name})
	if dur <= 0 {
		if st, why := r.stopCheck(ctx); st != "" {
			return st, why
		}
		r.sample(ctx, name)
		return r.ctxStatus(ctx)
	}
	return r.sampleFor(ctx, name, dur, interval)
}

func (r *Runner) sampleFor(ctx context.Context, name string, dur, interval time.Duration) (string, string) {
	end := time.NewTimer(dur)
	defer end.Stop()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if st, why := r.stopCheck(ctx); st != "" {
			return st, why
		}
		r.sample(ctx, name)
		select {
		case <-ctx.Done():
			return r.ctxStatus(ctx)
		case <-end.C:
			return "", ""
		case <-tick.C:
			// A tick at the very end is the end: no extra sample (keeps
			// the schedule deterministic when both fire at once).
			select {
			case <-end.C:
				return "", ""
			default:
			}
		}
	}
}

func (r *Runner) ctxStatus(ctx context.Context) (string, string) {
	if ctx.Err() != nil {
		return StatusInterrupted, "interrupted"
	}
	return "", ""
}

func wants(p ProbeSpec, phase string) bool {
	if phase == "after-settle" {
		return false
	}
	return slices.Contains(p.When, phase)
}

// sample observes every hypothesis probe of phase once.
func (r *Runner) sample(ctx context.Context, phase string) {
	for i := range r.X.SteadyState.Probes {
		p := &r.X.SteadyState.Probes[i]
		if !wants(*p, phase) {
			continue
		}
		r.observe(ctx, phase, p)
	}
}

// observe runs one probe and journals it; the tolerance's pointwise part
// decides OK (a probe error is not OK).
func (r *Runner) observe(ctx context.Context, phase string, p *ProbeSpec) (Value, bool) {
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	val, err := r.Env.Probe(pctx, p)
	cancel()
	t := r.now()
	ok := err == nil && (!p.Tolerance.Pointwise() || p.Tolerance.Check(val))
	ev := journal.Event{Type: journal.TypeProbe, Time: t.UTC(), Phase: phase, Name: p.Name, OK: journal.Bool(ok)}
	if err != nil {
		ev.Error = err.Error()
	} else {
		ev.Text = val.String()
		if val.IsNum {
			ev.Value = journal.Float(val.Num)
		}
	}
	r.log(ev)
	r.mu.Lock()
	s := r.obs[p.Name]
	if s == nil {
		s = &series{phase: map[string][]Sample{}, vals: map[string][]float64{}}
		r.obs[p.Name] = s
	}
	s.phase[phase] = append(s.phase[phase], Sample{T: t, OK: ok})
	if err == nil && val.IsNum {
		s.vals[phase] = append(s.vals[phase], val.Num)
	}
	r.mu.Unlock()
	return val, ok
}

// stopCheck evaluates the stop conditions; a trip aborts the run. A probe
// error is journaled; StopErrorLimit consecutive errors trip.
func (r *Runner) stopCheck(ctx context.Context) (string, string) {
	for i := range r.X.Stop {
		p := &r.X.Stop[i]
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		val, err := r.Env.Probe(pctx, p)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return r.ctxStatus(ctx)
			}
			r.mu.Lock()
			r.stopErr[p.Name]++
			n := r.stopErr[p.Name]
			r.mu.Unlock()
			r.log(journal.Event{Type: journal.TypeError, Name: p.Name, Kind: "stop_condition", Error: err.Error()})
			if n >= StopErrorLimit {
				r.log(journal.Event{Type: journal.TypeTrip, Name: p.Name, Error: err.Error(), Text: fmt.Sprintf("probe failed %d consecutive times", n)})
				return StatusAborted, fmt.Sprintf("stop condition %q tripped: its probe failed %d consecutive times (last: %v)", p.Name, n, err)
			}
			continue
		}
		r.mu.Lock()
		r.stopErr[p.Name] = 0
		r.mu.Unlock()
		if !p.Tolerance.Check(val) {
			ev := journal.Event{Type: journal.TypeTrip, Name: p.Name, Text: val.String()}
			if val.IsNum {
				ev.Value = journal.Float(val.Num)
			}
			r.log(ev)
			return StatusAborted, fmt.Sprintf("stop condition %q tripped (observed %s)", p.Name, val)
		}
	}
	return "", ""
}

func (r *Runner) phaseOK(phase string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.X.SteadyState.Probes {
		if !p.Tolerance.Pointwise() || !wants(p, phase) {
			continue
		}
		s := r.obs[p.Name]
		if s == nil {
			return false
		}
		ss := s.phase[phase]
		if len(ss) == 0 || !ss[len(ss)-1].OK {
			return false
		}
	}
	return true
}

// method runs the steps in a goroutine while this one samples the
// during-probes and stop conditions every interval.
func (r *Runner) method(ctx context.Context, interval time.Duration) (string, string) {
	r.log(journal.Event{Type: journal.TypePhase, Phase: "during"})
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	var bg sync.WaitGroup
	go func() { done <- r.steps(mctx, &bg) }()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	finish := func() {
		cancel()
		<-done
		bg.Wait()
	}
	for {
		if st, why := r.stopCheck(ctx); st != "" {
			finish()
			return st, why
		}
		r.sample(ctx, "during")
		select {
		case <-ctx.Done():
			finish()
			return r.ctxStatus(ctx)
		case err := <-done:
			bg.Wait()
			if err != nil {
				return StatusError, err.Error()
			}
			return r.ctxStatus(ctx)
		case <-tick.C:
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (r *Runner) steps(ctx context.Context, bg *sync.WaitGroup) error {
	for _, st := range r.Plan.Method {
		for rep := 0; rep < max(st.Repeat, 1); rep++ {
			pause := st.Pause
			if rep > 0 {
				pause = st.Every
			}
			if err := sleep(ctx, pause); err != nil {
				return nil // interrupted or aborted: the caller knows why
			}
			if err := r.step(ctx, st, bg); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
		}
	}
	return nil
}

func (r *Runner) step(ctx context.Context, st PlannedStep, bg *sync.WaitGroup) error {
	switch st.Kind {
	case "pause":
		return nil
	case "probe":
		_, ok := r.observe(ctx, "during", st.Probe)
		if !ok && ctx.Err() == nil {
			r.mu.Lock()
			r.obs[st.Probe.Name].phase["step"] = append(r.obs[st.Probe.Name].phase["step"], Sample{T: r.now(), OK: false})
			r.mu.Unlock()
		}
		return nil
	}
	a, err := r.Env.Action(st)
	if err != nil {
		return r.stepErr(st, err)
	}
	r.mu.Lock()
	r.nextID++
	id := fmt.Sprintf("f%d", r.nextID)
	r.mu.Unlock()
	targets := append(append([]string(nil), st.Servers...), st.Devices...)
	r.log(journal.Event{Type: journal.TypeAction, Step: journal.Int(st.Index), Name: st.Name, Kind: st.Kind, Targets: targets, ID: id})
	if r.Record != nil {
		u := Undo{Kind: "none"}
		if ud, ok := a.(Undoer); ok {
			u = ud.Undo()
		}
		if err := r.Record.Applying(id, st, u); err != nil {
			return r.stepErr(st, fmt.Errorf("record fault before applying it: %w", err))
		}
	}
	rev, err := a.Inject(ctx)
	if err != nil {
		if r.Record != nil {
			r.Record.Undone(id)
		}
		return r.stepErr(st, err)
	}
	t := r.now()
	r.log(journal.Event{Type: journal.TypeFault, Time: t.UTC(), Step: journal.Int(st.Index), Name: st.Name, Kind: st.Kind, Targets: targets, ID: id})
	r.mu.Lock()
	r.faults = append(r.faults, t)
	p := &pending{id: id, name: st.Name, revert: rev}
	r.reverts = append(r.reverts, *p)
	r.mu.Unlock()
	if st.Duration <= 0 {
		return nil
	}
	if st.Background {
		bg.Add(1)
		go func() {
			defer bg.Done()
			if sleep(ctx, st.Duration) == nil {
				r.undo(context.WithoutCancel(ctx), id)
			}
		}()
		return nil
	}
	if err := sleep(ctx, st.Duration); err != nil {
		return nil
	}
	r.undo(context.WithoutCancel(ctx), id)
	return nil
}

func (r *Runner) stepErr(st PlannedStep, err error) error {
	r.log(journal.Event{Type: journal.TypeError, Step: journal.Int(st.Index), Name: st.Name, Kind: st.Kind, Error: err.Error()})
	return fmt.Errorf("step %q: %w", st.Name, err)
}

// undo reverts the fault id once (later calls do nothing).
func (r *Runner) undo(ctx context.Context, id string) error {
	r.mu.Lock()
	var p *pending
	for i := range r.reverts {
		if r.reverts[i].id == id && !r.reverts[i].done {
			r.reverts[i].done = true
			p = &r.reverts[i]
		}
	}
	r.mu.Unlock()
	if p == nil {
		return nil
	}
	var err error
	if p.revert != nil {
		err = p.revert(ctx)
	}
	ev := journal.Event{Type: journal.TypeUndo, ID: id, Name: p.name}
	if err != nil {
		ev.Error = err.Error()
	} else if r.Record != nil {
		r.Record.Undone(id)
	}
	r.log(ev)
	return err
}

// rollback undoes remaining faults in reverse order, then runs the
// declared rollbacks; a failure does not stop the others.
func (r *Runner) rollback(ctx context.Context) []string {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 60*time.Second)
	defer cancel()
	var errs []string
	r.mu.Lock()
	ids := make([]string, 0, len(r.reverts))
	for i := len(r.reverts) - 1; i >= 0; i-- {
		ids = append(ids, r.reverts[i].id)
	}
	r.mu.Unlock()
	for _, id := range ids {
		if err := r.undo(rctx, id); err != nil {
			errs = append(errs, id+": "+err.Error())
		}
	}
	for _, st := range r.Plan.Rollbacks {
		if st.Kind == "pause" {
			sleep(rctx, st.Pause)
			continue
		}
		sleep(rctx, st.Pause)
		ev := journal.Event{Type: journal.TypeRollback, Step: journal.Int(st.Index), Name: st.Name, Kind: st.Kind,
			Targets: append(append([]string(nil), st.Servers...), st.Devices...)}
		a, err := r.Env.Action(st)
		if err == nil {
			_, err = a.Inject(rctx) // a rollback's own undo is not kept
		}
		if err != nil {
			ev.Error = err.Error()
			errs = append(errs, st.Name+": "+err.Error())
		}
		r.log(ev)
	}
	return errs
}

// judge turns the observations into per-probe verdicts.
func (r *Runner) judge() []ProbeVerdict {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []ProbeVerdict
	all := func(ss []Sample) *bool {
		if len(ss) == 0 {
			return nil
		}
		for _, s := range ss {
			if !s.OK {
				return journal.Bool(false)
			}
		}
		return journal.Bool(true)
	}
	last := func(ss []Sample) *bool {
		if len(ss) == 0 {
			return nil
		}
		return journal.Bool(ss[len(ss)-1].OK)
	}
	for _, p := range r.X.SteadyState.Probes {
		pv := ProbeVerdict{Name: p.Name, OK: true}
		s := r.obs[p.Name]
		if s == nil {
			s = &series{phase: map[string][]Sample{}, vals: map[string][]float64{}}
		}
		t := p.Tolerance
		if t.Pointwise() {
			pv.Before = last(s.phase["before"])
			pv.After = all(s.phase["after"])
			if d := s.phase["during"]; len(d) > 0 {
				ok, why := Recovered(d, r.faults, t.RecoverWithin.D(), t.StayFor.D())
				pv.During = journal.Bool(ok)
				if !ok {
					pv.Reason = why
				}
			}
			for _, b := range []*bool{pv.Before, pv.During, pv.After} {
				if b != nil && !*b {
					pv.OK = false
				}
			}
			if !pv.OK && pv.Reason == "" {
				pv.Reason = "out of tolerance"
			}
		}
		if c := t.Compare; c != nil {
			res := MannWhitney(s.vals["before"], s.vals[c.With])
			pv.Stats = &res
			if c.Deviates(res) {
				pv.OK = false
				pv.Reason = fmt.Sprintf("%s differs from the baseline: p=%.3g < %.3g, Cliff's delta %.2f beyond %.2f (shift %.3g)", c.With, res.P, 1-c.Confidence, res.CliffsDelta, c.Effect, res.Shift)
			} else if res.NA < 2 || res.NB < 2 {
				pv.OK = false
				pv.Reason = fmt.Sprintf("not enough samples to compare (%d before, %d %s)", res.NA, res.NB, c.With)
			}
		}
		out = append(out, pv)
	}
	// A failed method probe step deviates the run too.
	names := make([]string, 0, len(r.obs))
	for name := range r.obs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if len(r.obs[name].phase["step"]) > 0 {
			out = append(out, ProbeVerdict{Name: name, During: journal.Bool(false), Reason: "method probe out of tolerance"})
		}
	}
	return out
}
