package fault

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"chaoslab/internal/client"
	"chaoslab/internal/supervisor"
)

// Step is one idempotent undo step, stored in a Record. Op selects the
// fields it uses.
type Step struct {
	// Op is "sigcont" (resume a paused process), "release" (end a
	// supervisor hold), "server.clear" (ClearFault on a device server) or
	// "toxic.remove" (delete a netem toxic).
	Op      string          `json:"op"`
	Server  string          `json:"server,omitempty"`
	Proc    supervisor.Proc `json:"proc,omitzero"`
	Marker  string          `json:"marker,omitempty"` // sigcont: argument the process must have
	Dir     string          `json:"dir,omitempty"`    // release: state directory
	Addr    string          `json:"addr,omitempty"`   // server.clear: server address; toxic.remove: control URL
	FaultID string          `json:"fault,omitempty"`  // release, server.clear: the fault's id
	Proxy   string          `json:"proxy,omitempty"`  // toxic.remove
	Toxic   string          `json:"toxic,omitempty"`  // toxic.remove
}

// run carries out the step. Every step tolerates "already undone".
func (s Step) run(ctx context.Context) error {
	switch s.Op {
	case "sigcont":
		supervisor.Signal(s.Proc, s.Marker, syscall.SIGCONT) // gone: nothing to resume
		return nil
	case "release":
		st, err := supervisor.LoadState(s.Dir)
		if errors.Is(err, supervisor.ErrNoState) {
			return nil // the twin is down: nothing is held
		}
		if err != nil {
			return err
		}
		if sv := st.Server(s.Server); sv == nil || sv.Hold != s.FaultID {
			return nil
		}
		if !supervisor.Alive(st.Supervisor.Proc, st.Dir) {
			return fmt.Errorf("release %s: the supervisor of %s is not running (run `chaoslab up`, then clear again)", s.Server, s.Dir)
		}
		_, err = supervisor.NewControl(st).Release(ctx, s.FaultID, []string{s.Server})
		return err
	case "server.clear":
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		c, err := client.Dial(cctx, s.Addr)
		if err != nil {
			return nil // the server is gone, and its faults with it
		}
		defer c.Close()
		_, err = c.ClearFaults(cctx, []string{s.FaultID}, false)
		return err
	case "toxic.remove":
		return removeToxic(ctx, s)
	}
	return fmt.Errorf("unknown undo step %q", s.Op)
}

// runSteps runs steps in reverse order, all of them even when some fail.
func runSteps(ctx context.Context, steps []Step) error {
	var errs []error
	for i := len(steps) - 1; i >= 0; i-- {
		if err := steps[i].run(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
