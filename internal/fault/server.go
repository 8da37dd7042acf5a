package fault

import (
	"context"
	"errors"
	"fmt"
	"time"

	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/client"
)

// serverFault is an in-server fault: installed through the fault endpoint
// of each device server hosting a target, with a deadline after which the
// server lifts it by itself.
type serverFault struct {
	b      Build
	byAddr map[string][]string // server address → target names
	order  []string            // addresses in target order
}

func newServer(b Build) (Fault, error) {
	f := &serverFault{b: b, byAddr: map[string][]string{}}
	for _, t := range b.Targets {
		if _, ok := f.byAddr[t.Addr]; !ok {
			f.order = append(f.order, t.Addr)
		}
		if b.Level == LevelServer {
			f.byAddr[t.Addr] = nil // the whole process
			continue
		}
		f.byAddr[t.Addr] = append(f.byAddr[t.Addr], t.Name)
	}
	return f, nil
}

func (f *serverFault) undo() []Step {
	var s []Step
	for _, a := range f.order {
		s = append(s, Step{Op: "server.clear", Addr: a, FaultID: f.b.ID})
	}
	return s
}

// Describe implements Describer.
func (f *serverFault) Describe() string {
	return fmt.Sprintf("%s on %d target(s) of %d server(s)", f.b.Spec.Kind, len(f.b.Targets), len(f.order))
}

// Inject implements Fault.
func (f *serverFault) Inject(ctx context.Context) (Revert, error) {
	deadline := f.b.Env.now().Add(f.b.Spec.Duration())
	revert := func(ctx context.Context) error { return runSteps(ctx, f.undo()) }
	for _, a := range f.order {
		c, err := client.Dial(ctx, a)
		if err != nil {
			return revert, err
		}
		_, err = c.InjectFault(ctx, &pb.ServerFault{Id: f.b.ID, Kind: f.b.Spec.Kind, Targets: f.byAddr[a], Params: f.b.Spec.Params,
			DeadlineUnixNano: deadline.UnixNano(), Seed: f.b.Spec.Seed})
		c.Close()
		if err != nil {
			return revert, fmt.Errorf("%s on %s: %w", f.b.Spec.Kind, a, err)
		}
	}
	return revert, nil
}

// Verify implements Verifier: the fault is listed by every server.
func (f *serverFault) Verify(ctx context.Context) error {
	var errs []error
	for _, a := range f.order {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		c, err := client.Dial(cctx, a)
		if err == nil {
			var fs []*pb.ServerFault
			fs, err = c.ListFaults(cctx)
			c.Close()
			found := false
			for _, x := range fs {
				found = found || x.Id == f.b.ID
			}
			if err == nil && !found {
				err = fmt.Errorf("server %s does not list fault %s", a, f.b.ID)
			}
		}
		cancel()
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

var (
	_ Fault     = (*serverFault)(nil)
	_ Verifier  = (*serverFault)(nil)
	_ Describer = (*serverFault)(nil)
	_ undoer    = (*serverFault)(nil)
)
