package supervisor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// DownOptions configure Down.
type DownOptions struct {
	Dir   string
	Grace time.Duration // SIGTERM → SIGKILL (default 5 s)
	Poll  time.Duration // default 20 ms
}

// DownResult is what Down did.
type DownResult struct {
	Nothing    bool     // no twin was up in Dir
	Supervisor bool     // a live supervisor was asked to stop
	Killed     []string // processes Down had to signal itself ("server (pid)")
	Servers    int      // servers recorded
}

// Down stops the twin in Dir: it asks the supervisor to stop its servers
// and exit, then signals every recorded process still alive itself
// (SIGTERM, then SIGKILL after the grace period) — so it works with a dead
// supervisor too — and checks that no recorded process is alive and no
// recorded address accepts connections. It then removes the running state
// (state.json, run/) and keeps the logs. An error lists what is left.
func Down(ctx context.Context, o DownOptions) (*DownResult, error) {
	if o.Grace <= 0 {
		o.Grace = 5 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = 20 * time.Millisecond
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	res := &DownResult{}
	st, err := LoadState(dir)
	if errors.Is(err, ErrNoState) {
		res.Nothing = true
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if st, err = LoadState(dir); err != nil { // reread under the lock
		if errors.Is(err, ErrNoState) {
			res.Nothing = true
			return res, nil
		}
		return nil, err
	}
	res.Servers = len(st.Servers)

	// Every process ever recorded by this state, before the supervisor's
	// final write clears the pids.
	type target struct {
		what   string
		p      Proc
		marker string
	}
	var targets []target
	var addrs []string
	for _, sv := range st.Servers {
		if sv.Pid != 0 {
			targets = append(targets, target{sv.Name, sv.Proc, sv.ReadyFile})
		}
		if sv.Addr != "" {
			addrs = append(addrs, sv.Addr)
		}
	}
	sup := target{"supervisor", st.Supervisor.Proc, dir}

	if Alive(sup.p, sup.marker) {
		res.Supervisor = true
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := NewControl(st).Shutdown(sctx)
		cancel()
		if err == nil {
			// It stops the servers (SIGKILL after grace), then exits.
			waitGone(ctx, []Proc{sup.p}, []string{sup.marker}, o.Grace+5*time.Second, o.Poll)
		}
	}
	// Whatever is left (a dead or stuck supervisor, orphans), we stop here.
	targets = append(targets, sup)
	var left []Proc
	var markers []string
	for _, t := range targets {
		if signal(t.p, t.marker, syscall.SIGTERM) {
			res.Killed = append(res.Killed, fmt.Sprintf("%s (pid %d)", t.what, t.p.Pid))
			left = append(left, t.p)
			markers = append(markers, t.marker)
		}
	}
	if len(left) > 0 && !waitGone(ctx, left, markers, o.Grace, o.Poll) {
		for i, p := range left {
			signal(p, markers[i], syscall.SIGKILL)
		}
		waitGone(ctx, left, markers, 5*time.Second, o.Poll)
	}

	var problems []error
	for _, t := range targets {
		if Alive(t.p, t.marker) {
			problems = append(problems, fmt.Errorf("%s (pid %d) is still alive", t.what, t.p.Pid))
		}
	}
	for _, a := range addrs {
		if listening(a) {
			problems = append(problems, fmt.Errorf("%s still accepts connections", a))
		}
	}
	if len(problems) > 0 {
		return res, fmt.Errorf("down %s: %w", dir, errors.Join(problems...))
	}
	if err := os.Remove(filepath.Join(dir, StateFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return res, err
	}
	os.RemoveAll(filepath.Join(dir, RunDir))
	return res, nil
}

// waitGone polls until none of ps is alive or timeout passes; it reports
// whether all are gone.
func waitGone(ctx context.Context, ps []Proc, markers []string, timeout, poll time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		alive := false
		for i, p := range ps {
			if Alive(p, markers[i]) {
				alive = true
				break
			}
		}
		if !alive {
			return true
		}
		select {
		case <-t.C:
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// listening reports whether something accepts TCP connections at addr.
func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
