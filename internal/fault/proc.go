package fault

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	"chaoslab/internal/supervisor"
)

// procFault is a process fault on twin servers, through the supervisor
// (kill, stop, restart, crash loop) or by signal (pause).
type procFault struct {
	b      Build
	names  []string
	every  time.Duration
	kill   bool // proc.stop signal=kill
	paused []Step
}

func newProc(b Build) (Fault, error) {
	f := &procFault{b: b}
	for _, t := range b.Targets {
		f.names = append(f.names, t.Server)
	}
	switch b.Spec.Kind {
	case "proc.crashloop":
		f.every = 5 * time.Second
		if v, ok := b.Spec.Params["every"]; ok {
			d, err := time.ParseDuration(v)
			if err != nil || d < 100*time.Millisecond {
				return nil, fmt.Errorf("proc.crashloop: parameter every: want a duration of at least 100ms, got %q", v)
			}
			f.every = d
		}
	case "proc.stop":
		switch v := b.Spec.Params["signal"]; v {
		case "", "term":
		case "kill":
			f.kill = true
		default:
			return nil, fmt.Errorf("proc.stop: parameter signal: want term or kill, got %q", v)
		}
	case "proc.pause":
		st, err := supervisor.LoadState(b.Env.Dir)
		if err != nil {
			return nil, err
		}
		for _, n := range f.names {
			sv := st.Server(n)
			if sv == nil || sv.Pid == 0 {
				return nil, fmt.Errorf("proc.pause: server %s has no running process", n)
			}
			f.paused = append(f.paused, Step{Op: "sigcont", Server: sv.Name, Proc: sv.Proc, Marker: sv.ReadyFile})
		}
	}
	return f, nil
}

func (f *procFault) undo() []Step {
	switch f.b.Spec.Kind {
	case "proc.stop":
		var s []Step
		for _, n := range f.names {
			s = append(s, Step{Op: "release", Dir: f.b.Env.Dir, Server: n, FaultID: f.b.ID})
		}
		return s
	case "proc.pause":
		return f.paused
	}
	return nil // kill, restart: the supervisor restores; crashloop dies with its injector
}

// Describe implements Describer.
func (f *procFault) Describe() string {
	return fmt.Sprintf("%s on %v", f.b.Spec.Kind, f.names)
}

func (f *procFault) servers(ctx context.Context, verb string, wait bool) error {
	_, err := supervisor.Servers(ctx, supervisor.ServersOptions{Dir: f.b.Env.Dir, Verb: verb, Patterns: f.names, NoWait: !wait})
	return err
}

// Inject implements Fault.
func (f *procFault) Inject(ctx context.Context) (Revert, error) {
	switch f.b.Spec.Kind {
	case "proc.kill":
		return noRevert, f.servers(ctx, supervisor.VerbKill, true)
	case "proc.restart":
		return noRevert, f.servers(ctx, supervisor.VerbRestart, true)
	case "proc.stop":
		st, err := supervisor.LoadState(f.b.Env.Dir)
		if err != nil {
			return nil, err
		}
		if _, err := supervisor.NewControl(st).Hold(ctx, f.b.ID, f.names, f.kill, f.b.Env.now().Add(f.b.Spec.Duration())); err != nil {
			return nil, err
		}
		revert := func(ctx context.Context) error { return runSteps(ctx, f.undo()) }
		return revert, waitServers(ctx, f.b.Env.Dir, f.names, func(sv *supervisor.Server) bool {
			return sv.Phase == supervisor.PhaseStopped || sv.Phase == supervisor.PhaseFailed
		})
	case "proc.pause":
		revert := func(ctx context.Context) error { return runSteps(ctx, f.paused) }
		for _, s := range f.paused {
			if !supervisor.Signal(s.Proc, s.Marker, syscall.SIGSTOP) {
				return revert, fmt.Errorf("proc.pause: server %s (pid %d) is not running", s.Server, s.Proc.Pid)
			}
		}
		// The fault is in effect when every thread has stopped, not when
		// the signal is sent: a request that came just after would still
		// be answered.
		for _, s := range f.paused {
			if err := waitStopped(ctx, s.Proc); err != nil {
				return revert, fmt.Errorf("proc.pause: server %s (pid %d): %w", s.Server, s.Proc.Pid, err)
			}
		}
		return revert, nil
	case "proc.crashloop":
		return f.crashLoop(ctx)
	}
	return nil, fmt.Errorf("unknown process fault %q", f.b.Spec.Kind)
}

// crashLoop kills the servers now and every f.every until reverted.
func (f *procFault) crashLoop(ctx context.Context) (Revert, error) {
	if err := f.servers(ctx, supervisor.VerbKill, false); err != nil {
		return nil, err
	}
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(f.every)
		defer t.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
				_ = f.servers(lctx, supervisor.VerbKill, false) // a server in backoff is not there to kill
			}
		}
	}()
	return func(context.Context) error { cancel(); wg.Wait(); return nil }, nil
}

func noRevert(context.Context) error { return nil }

// waitStopped polls until every thread of p is stopped.
func waitStopped(ctx context.Context, p supervisor.Proc) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for !supervisor.AllStopped(p) {
		if supervisor.ProcState(p) == 0 {
			return errors.New("the process is gone")
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not stopped after SIGSTOP: %w", ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

// waitServers polls the state until every named server satisfies ok.
func waitServers(ctx context.Context, dir string, names []string, ok func(*supervisor.Server) bool) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		st, err := supervisor.LoadState(dir)
		if err != nil {
			return err
		}
		done := true
		for _, n := range names {
			if sv := st.Server(n); sv == nil || !ok(sv) {
				done = false
			}
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("timed out waiting for the servers to stop")
		case <-t.C:
		}
	}
}

var (
	_ Fault     = (*procFault)(nil)
	_ Describer = (*procFault)(nil)
	_ undoer    = (*procFault)(nil)
)
