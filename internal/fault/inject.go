package fault

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"chaoslab/internal/client"
	"chaoslab/internal/netem"
	"chaoslab/internal/supervisor"
)

// Injection is a fault bound to its targets and its record. Its Inject
// writes the record (fsynced) before applying the fault, and its Revert
// removes the record after the undo succeeded.
type Injection struct {
	env     Env
	rec     *Record
	f       Fault
	targets []Target
	// Detached marks the record as not awaited by its injector (for ls).
	Detached bool
}

var idSeq atomic.Uint32

// newID returns a unique, file-name-safe fault id.
func newID(kind string, now time.Time) string {
	return fmt.Sprintf("%s-%s-%d-%d", kind, now.UTC().Format("20060102T150405.000000"), os.Getpid(), idSeq.Add(1))
}

// New resolves spec's targets in the twin of env.Dir (seeded by
// spec.Seed) and builds the fault. Nothing is applied yet.
func New(ctx context.Context, env Env, spec Spec) (*Injection, error) {
	k, st, err := prepare(&env, spec)
	if err != nil {
		return nil, err
	}
	targets, err := Resolve(ctx, st, spec.Target, k.Level, spec.Seed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Kind, err)
	}
	return newInjection(env, spec, k, targets)
}

// prepare checks spec's kind and parameters and loads the twin's state
// (env.Dir becomes the state's own directory).
func prepare(env *Env, spec Spec) (*Kind, *supervisor.State, error) {
	k, err := lookupKind(spec.Kind)
	if err != nil {
		return nil, nil, err
	}
	for p := range spec.Params {
		if err := k.checkParam(spec.Kind, p); err != nil {
			return nil, nil, err
		}
	}
	st, err := supervisor.LoadState(env.Dir)
	if err != nil {
		return nil, nil, err
	}
	env.Dir = st.Dir
	return k, st, nil
}

// Explicit names targets directly instead of a Selector (an experiment's
// planned, already seeded, targets): servers, devices, and for attribute
// faults the attribute of those devices. A server stands for all its
// devices; a device for its server where the kind targets servers.
type Explicit struct {
	Servers []string
	Devices []string
	Attr    string
}

// NewExplicit is New over explicit targets; spec.Target is ignored.
func NewExplicit(env Env, spec Spec, x Explicit) (*Injection, error) {
	k, st, err := prepare(&env, spec)
	if err != nil {
		return nil, err
	}
	targets, err := explicitTargets(st, k.Level, x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Kind, err)
	}
	return newInjection(env, spec, k, targets)
}

// explicitTargets maps named servers and devices to targets at level.
func explicitTargets(st *supervisor.State, level Level, x Explicit) ([]Target, error) {
	var out []Target
	seen := map[string]bool{}
	add := func(sv *supervisor.Server, name string) {
		if !seen[strings.ToLower(name)] {
			seen[strings.ToLower(name)] = true
			out = append(out, Target{Server: sv.Name, Addr: sv.Addr, Name: name})
		}
	}
	if level == LevelAttribute && x.Attr == "" {
		return nil, fmt.Errorf("an attribute fault needs the attribute of its devices")
	}
	device := func(sv *supervisor.Server, d string) {
		switch level {
		case LevelServer:
			add(sv, sv.Name)
		case LevelDevice:
			add(sv, d)
		default:
			add(sv, d+"/"+x.Attr)
		}
	}
	for _, n := range x.Servers {
		sv := st.Server(n)
		if sv == nil {
			return nil, fmt.Errorf("no server %s in the twin of %s", n, st.Dir)
		}
		if level == LevelServer {
			add(sv, sv.Name)
			continue
		}
		for _, d := range sv.Devices {
			device(sv, d)
		}
	}
	for _, d := range x.Devices {
		sv := st.Lookup(d)
		if sv == nil {
			return nil, fmt.Errorf("no server of the twin in %s hosts device %s", st.Dir, d)
		}
		device(sv, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no target")
	}
	return out, nil
}

// newInjection builds the fault of kind k over resolved targets.
func newInjection(env Env, spec Spec, k *Kind, targets []Target) (*Injection, error) {
	now := env.now()
	id := newID(spec.Kind, now)
	f, err := k.New(Build{Env: env, ID: id, Spec: spec, Targets: targets, Level: k.Level})
	if err != nil {
		return nil, err
	}
	rec := &Record{ID: id, Kind: spec.Kind, Spec: spec.String(), Created: now, Deadline: now.Add(spec.Duration()), Injector: supervisor.Self()}
	for _, t := range targets {
		rec.Targets = append(rec.Targets, t.Name)
	}
	if u, ok := f.(undoer); ok {
		rec.Undo = u.undo()
	}
	return &Injection{env: env, rec: rec, f: f, targets: targets}, nil
}

// ID returns the fault's id.
func (in *Injection) ID() string { return in.rec.ID }

// Targets returns the chosen targets.
func (in *Injection) Targets() []Target { return in.targets }

// Record returns the record Inject writes.
func (in *Injection) Record() Record { return *in.rec }

// Inject implements Fault: record first, then apply. When applying fails
// half-way, what was applied is undone before the error is returned.
func (in *Injection) Inject(ctx context.Context) (Revert, error) {
	in.rec.Detached = in.Detached
	if err := writeRecord(in.env.Dir, in.rec); err != nil {
		return nil, err
	}
	inner, err := in.f.Inject(ctx)
	revert := func(ctx context.Context) error {
		var errs []error
		if inner != nil {
			errs = append(errs, inner(ctx))
		}
		errs = append(errs, runSteps(ctx, in.rec.Undo)) // idempotent: covers what inner did not
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("undo %s: %w (its record stays in %s for `chaoslab fault clear`)", in.rec.ID, err, recordPath(in.env.Dir, in.rec.ID))
		}
		return removeRecord(in.env.Dir, in.rec.ID)
	}
	if err != nil {
		uerr := revert(context.WithoutCancel(ctx))
		return nil, errors.Join(err, uerr)
	}
	return revert, nil
}

// Verify implements Verifier when the fault can verify itself.
func (in *Injection) Verify(ctx context.Context) error {
	if v, ok := in.f.(Verifier); ok {
		return v.Verify(ctx)
	}
	return nil
}

// Describe implements Describer.
func (in *Injection) Describe() string {
	if d, ok := in.f.(Describer); ok {
		return in.rec.ID + ": " + d.Describe()
	}
	return in.rec.ID + ": " + in.rec.Spec
}

// ClearOptions select what Clear undoes.
type ClearOptions struct {
	IDs []string // these records (by id or unique id prefix)
	// All undoes every record, also those whose injector still runs, and
	// asks every running server to drop all its in-server faults.
	All bool
	// IgnoreMissing: an id with no record was undone already (an
	// experiment's recovery clearing its faults by id).
	IgnoreMissing bool
}

// Clear undoes recorded faults: those named in IDs, every one with All,
// else those whose injector is gone (orphans). It returns the ids undone;
// records whose undo failed stay and are reported in the error.
func Clear(ctx context.Context, dir string, o ClearOptions) ([]string, error) {
	recs, err := Records(dir)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	var done []string
	for i := len(recs) - 1; i >= 0; i-- { // newest first: undo in reverse order
		r := recs[i]
		if !o.All && !wanted(r.ID, o.IDs) && (len(o.IDs) > 0 || r.Live()) {
			continue
		}
		if err := runSteps(ctx, r.Undo); err != nil {
			errs = append(errs, fmt.Errorf("undo %s: %w", r.ID, err))
			continue
		}
		if err := removeRecord(dir, r.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		done = append(done, r.ID)
	}
	for _, id := range o.IDs {
		if !o.IgnoreMissing && !wanted(id, done) && !anyPrefix(id, done) {
			errs = append(errs, fmt.Errorf("no fault record %s in %s", id, dir))
		}
	}
	if o.All {
		errs = append(errs, clearServers(ctx, dir))
	}
	return done, errors.Join(errs...)
}

func wanted(id string, ids []string) bool {
	for _, x := range ids {
		if id == x || strings.HasPrefix(id, x) {
			return true
		}
	}
	return false
}

func anyPrefix(p string, ids []string) bool {
	for _, id := range ids {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// clearServers drops every in-server fault of the running servers, every
// toxic of the supervisor's proxies and every supervisor hold.
func clearServers(ctx context.Context, dir string) error {
	st, err := supervisor.LoadState(dir)
	if errors.Is(err, supervisor.ErrNoState) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	if st.Supervisor.Netem != "" && supervisor.Alive(st.Supervisor.Proc, st.Dir) {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := netem.NewClient(st.Supervisor.Netem, nil).Reset(cctx); err != nil {
			errs = append(errs, fmt.Errorf("reset the proxies' toxics: %w", err))
		}
		cancel()
	}
	for _, sv := range st.Servers {
		if sv.Hold != "" {
			errs = append(errs, Step{Op: "release", Dir: st.Dir, Server: sv.Name, FaultID: sv.Hold}.run(ctx))
		}
		if sv.Addr == "" || sv.Phase != supervisor.PhaseRunning {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if c, err := client.Dial(cctx, sv.Addr); err == nil {
			_, err = c.ClearFaults(cctx, nil, true)
			c.Close()
			if err != nil {
				errs = append(errs, fmt.Errorf("clear in-server faults of %s: %w", sv.Name, err))
			}
		}
		cancel()
	}
	return errors.Join(errs...)
}
