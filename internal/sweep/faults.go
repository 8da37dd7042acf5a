package sweep

import (
	"context"
	"errors"
	"fmt"
	"time"

	"chaoslab/internal/fault"
)

// FaultTemplate is one entry of the `faults:` section: a fault spec in the
// form `chaoslab fault inject` and the records use (KIND [target=SELECTOR]
// [for=DURATION] [param=value ...]) with ${expr} substitutions, injected
// After into every repeat of a twin load case and undone when the repeat
// ends.
type FaultTemplate struct {
	Pos   Pos
	Spec  *Template // a string
	After time.Duration
}

func readFaults(n *ynode) ([]*FaultTemplate, error) {
	items := []*ynode{n}
	if n.Kind == ySeq {
		items = n.Items
	}
	var out []*FaultTemplate
	var errs []error
	for _, it := range items {
		ft := &FaultTemplate{Pos: it.Pos}
		sn := it
		if it.Kind == yMap {
			if err := it.checkKeys("fault", "spec", "after"); err != nil {
				errs = append(errs, err)
				continue
			}
			sn = it.get("spec")
			if sn == nil {
				errs = append(errs, &PosError{Pos: it.Pos, Msg: "fault: missing spec (\"KIND target=SELECTOR param=value\")"})
				continue
			}
			if a := it.get("after"); a != nil {
				d, err := duration(a, "fault after")
				if err != nil {
					errs = append(errs, err)
					continue
				}
				ft.After = d
			}
		}
		s, ok := sn.Val.(string)
		if sn.Kind != yScalar || !ok {
			errs = append(errs, &PosError{Pos: sn.Pos, Msg: "fault: expected a spec string \"KIND target=SELECTOR for=DURATION param=value\" or {spec, after}"})
			continue
		}
		t, err := compileTemplate(sn)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// A spec without substitutions is checked now, with its column.
		if t.root.lit != nil {
			if _, err := fault.DecodeSpec(s); err != nil {
				errs = append(errs, &PosError{Pos: sn.Pos, Msg: "fault spec: " + err.Error()})
				continue
			}
		}
		ft.Spec = t
		out = append(out, ft)
	}
	return out, joinErrs(errs)
}

// bindFault returns the case's fault spec.
func (ft *FaultTemplate) bind(c *Case) (fault.Spec, error) {
	v, err := ft.Spec.Bind(c.Vars())
	if err != nil {
		return fault.Spec{}, err
	}
	sp, err := fault.DecodeSpec(FormatValue(v))
	if err != nil {
		return fault.Spec{}, &PosError{Pos: ft.Pos, Msg: fmt.Sprintf("fault spec %q (case %d): %v", FormatValue(v), c.I, err)}
	}
	return sp, nil
}

// caseFaults injects a case's faults into the twin of dir (each recorded
// in DIR/faults before it is applied, so a crash leaves a record that
// clearOrphanFaults undoes) and returns a function that undoes them all,
// in reverse order. An injection that fails undoes the ones before it.
func caseFaults(ctx context.Context, dir string, c *Case, tmpl []*FaultTemplate, seed uint64) (undo func() error, err error) {
	type injected struct {
		mu     chan struct{} // closed once injected (or skipped)
		revert fault.Revert
		err    error
	}
	var all []*injected
	stop := make(chan struct{})
	undo = func() error {
		close(stop)
		var errs []error
		for i := len(all) - 1; i >= 0; i-- {
			<-all[i].mu
			if all[i].err != nil && tmpl[i].After > 0 {
				errs = append(errs, fmt.Errorf("delayed fault at %s: %w", tmpl[i].Pos, all[i].err))
			}
			if all[i].revert != nil {
				uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
				errs = append(errs, all[i].revert(uctx))
				cancel()
			}
		}
		return errors.Join(errs...)
	}
	for k, ft := range tmpl {
		sp, err := ft.bind(c)
		if err != nil {
			undo()
			return nil, err
		}
		if sp.Seed == 0 {
			sp.Seed = seed + uint64(k)
		}
		in, err := fault.New(ctx, fault.Env{Dir: dir}, sp)
		if err != nil {
			undo()
			return nil, fmt.Errorf("fault %s: %w", sp, err)
		}
		inj := &injected{mu: make(chan struct{})}
		all = append(all, inj)
		if ft.After <= 0 {
			inj.revert, inj.err = in.Inject(ctx)
			close(inj.mu)
			if inj.err != nil {
				undo()
				return nil, fmt.Errorf("fault %s: %w", sp, inj.err)
			}
			continue
		}
		go func() { // a delayed fault: injected unless the repeat ended first
			defer close(inj.mu)
			t := time.NewTimer(ft.After)
			defer t.Stop()
			select {
			case <-t.C:
				inj.revert, inj.err = in.Inject(ctx)
			case <-stop:
			case <-ctx.Done():
			}
		}()
	}
	return undo, nil
}

// clearOrphanFaults undoes the fault records whose injector is gone (an
// explore that crashed mid-case) before a twin is reused or replaced.
func clearOrphanFaults(ctx context.Context, dir string) error {
	_, err := fault.Clear(ctx, dir, fault.ClearOptions{})
	return err
}
