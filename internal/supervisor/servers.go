package supervisor

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// ServersOptions configure Servers.
type ServersOptions struct {
	Dir      string
	Verb     string   // VerbStart, VerbStop, VerbKill or VerbRestart
	Patterns []string // see Select
	NoWait   bool     // return once the supervisor took the order
	Timeout  time.Duration
	Poll     time.Duration
}

// Servers applies a tango_servers verb through the running supervisor and,
// unless NoWait, waits until every selected server got there: start and
// restart until it runs (or failed), stop until it stopped, kill until the
// killed process is gone. It returns the selected servers' records.
func Servers(ctx context.Context, o ServersOptions) ([]*Server, error) {
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = 20 * time.Millisecond
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	st, err := LoadState(dir)
	if err != nil {
		return nil, err
	}
	if !Alive(st.Supervisor.Proc, dir) {
		return nil, fmt.Errorf("the supervisor of %s (pid %d) is not running: run `chaoslab up` to recover", dir, st.Supervisor.Pid)
	}
	before := map[string]Proc{}
	for _, sv := range st.Servers {
		before[sv.Name] = sv.Proc
	}
	names, err := NewControl(st).Servers(ctx, o.Verb, o.Patterns)
	if err != nil {
		return nil, err
	}
	done := func(sv *Server) bool {
		old := before[sv.Name]
		switch o.Verb {
		case VerbStop:
			return sv.Phase == PhaseStopped || sv.Phase == PhaseFailed
		case VerbKill:
			return old.Pid == 0 || !Alive(old, sv.ReadyFile)
		case VerbRestart:
			return sv.Pid != old.Pid && settled(sv) || sv.Phase == PhaseFailed
		default:
			return settled(sv)
		}
	}
	deadline := time.NewTimer(o.Timeout)
	defer deadline.Stop()
	t := time.NewTicker(o.Poll)
	defer t.Stop()
	for {
		st, err := LoadState(dir)
		if err != nil {
			return nil, err
		}
		var out []*Server
		all := true
		for _, n := range names {
			sv := st.Server(n)
			if sv == nil {
				continue
			}
			out = append(out, sv)
			all = all && done(sv)
		}
		if o.NoWait || all {
			return out, nil
		}
		select {
		case <-t.C:
		case <-deadline.C:
			return out, fmt.Errorf("servers %s: not done after %v", o.Verb, o.Timeout)
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
}
