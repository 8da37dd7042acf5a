package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"chaoslab/internal/api"
	"chaoslab/internal/catalog"
	"chaoslab/internal/client"
)

// UpOptions configure Up.
type UpOptions struct {
	Dir     string        // state directory (created if missing)
	Catalog string        // catalog file
	Host    string        // only the servers of this catalog host ("" = all)
	Binary  string        // chaoslab executable (runs `supervise` and `serve`)
	Policy  Policy        // restart policy (zero = DefaultPolicy)
	Timeout time.Duration // for every server to answer (default 30 s)
	Poll    time.Duration // state polling period (default 20 ms)
	// Proxies puts a netem proxy run by the supervisor in front of every
	// server (see State.Proxies); ProxySeed seeds them.
	Proxies   bool
	ProxySeed uint64
	// ServeArgs are extra arguments for every `chaoslab serve`.
	ServeArgs []string
	// Progress, when set, is called as servers become ready.
	Progress func(ready, total int)
}

// Problem is a server that did not come up, and why.
type Problem struct {
	Server string `json:"server"`
	Reason string `json:"reason"`
}

// UpResult is what Up did.
type UpResult struct {
	Dir        string    `json:"dir"`
	Started    bool      `json:"started"`         // a new supervisor was started
	Recovered  bool      `json:"recovered"`       // ... over the state of a supervisor that had died
	Added      []string  `json:"added,omitempty"` // servers added to a running twin
	Already    bool      `json:"already"`         // every selected server was already part of the running twin
	Supervisor Proc      `json:"supervisor"`
	Servers    []*Server `json:"servers"`            // the selected servers, as recorded once up
	Problems   []Problem `json:"problems,omitempty"` // selected servers that do not answer
}

// Up starts the twin of a catalog (or of one of its hosts) under a
// detached supervisor and returns once every selected server answers, or
// the timeout passed. With a live supervisor in Dir it adds the servers
// missing from the twin; with a dead one it starts a new supervisor that
// adopts the servers still running. Servers that did not come up are listed
// in Problems (the twin keeps running).
func Up(ctx context.Context, o UpOptions) (*UpResult, error) {
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = 20 * time.Millisecond
	}
	if err := o.Policy.Validate(); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	catPath, err := filepath.Abs(o.Catalog)
	if err != nil {
		return nil, err
	}
	bin, err := filepath.Abs(o.Binary)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Load(catPath)
	if err != nil {
		return nil, err
	}
	want, err := catalogServers(dir, cat, o.Host)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{dir, filepath.Join(dir, LogDir), filepath.Join(dir, RunDir)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()

	res := &UpResult{Dir: dir}
	st, err := LoadState(dir)
	switch {
	case errors.Is(err, ErrNoState):
		st = &State{Version: StateVersion, Dir: dir, Catalog: catPath, Binary: bin, Policy: o.Policy.withDefaults(), Servers: want,
			Proxies: o.Proxies, ProxySeed: o.ProxySeed, ServeArgs: o.ServeArgs}
		res.Started = true
	case err != nil:
		return nil, err
	case st.Catalog != catPath:
		return nil, fmt.Errorf("the twin in %s runs catalog %s, not %s: run `chaoslab down` first or use another --state", dir, st.Catalog, catPath)
	case Alive(st.Supervisor.Proc, dir):
		if o.Proxies && !st.Proxies {
			return nil, fmt.Errorf("the twin in %s runs without proxies: run `chaoslab down` first to bring it up with --proxy", dir)
		}
		var missing []*Server
		for _, sv := range want {
			if st.Server(sv.Name) == nil {
				missing = append(missing, sv)
			}
		}
		var down []string
		for _, sv := range want {
			if cur := st.Server(sv.Name); cur != nil && (cur.Desired != DesiredRunning || cur.Phase == PhaseFailed || cur.Phase == PhaseStopped) {
				down = append(down, cur.Name)
			}
		}
		ctl := NewControl(st)
		if len(missing) > 0 {
			if res.Added, err = ctl.Add(ctx, missing); err != nil {
				return nil, err
			}
		}
		if len(down) > 0 {
			if _, err := ctl.Servers(ctx, VerbStart, down); err != nil {
				return nil, err
			}
		}
		res.Already = len(missing) == 0 && len(down) == 0
	default:
		// The supervisor died: a new one adopts what still runs and
		// starts the rest of what up asks for, stopped servers included.
		for _, sv := range want {
			cur := st.Server(sv.Name)
			if cur == nil {
				st.Servers = append(st.Servers, sv)
				continue
			}
			if cur.Desired != DesiredRunning || cur.Phase == PhaseFailed {
				cur.Desired, cur.RestartTimes = DesiredRunning, nil
			}
		}
		st.Binary = bin
		st.Proxies, st.ProxySeed, st.ServeArgs = o.Proxies, o.ProxySeed, o.ServeArgs
		res.Started, res.Recovered = true, true
	}
	if res.Started {
		if err := st.Save(); err != nil {
			return nil, err
		}
		sup, err := spawnSupervisor(ctx, dir, bin, o.Poll)
		if err != nil {
			return nil, err
		}
		res.Supervisor = sup
	}
	names := make([]string, len(want))
	for i, sv := range want {
		names[i] = sv.Name
	}
	st, err = waitServers(ctx, dir, names, o.Timeout, o.Poll, o.Progress)
	if err != nil {
		return nil, err
	}
	res.Supervisor = st.Supervisor.Proc
	for _, n := range names {
		sv := st.Server(n)
		res.Servers = append(res.Servers, sv)
		if reason := verify(ctx, sv); reason != "" {
			res.Problems = append(res.Problems, Problem{Server: n, Reason: reason})
		}
	}
	return res, nil
}

// catalogServers returns the records of the catalog's servers (of host,
// when given).
func catalogServers(dir string, cat *catalog.Catalog, host string) ([]*Server, error) {
	var out []*Server
	var hosts []string
	for _, cs := range cat.Servers {
		if !slices.Contains(hosts, cs.Host) && cs.Host != "" {
			hosts = append(hosts, cs.Host)
		}
		if host != "" && !strings.EqualFold(cs.Host, host) {
			continue
		}
		devs := make([]string, len(cs.Devices))
		for i, d := range cs.Devices {
			devs[i] = d.Name
		}
		out = append(out, newServerRecord(dir, cs.Name, cs.Host, devs))
	}
	if len(out) == 0 {
		if host != "" {
			return nil, fmt.Errorf("%s: no server on host %q (hosts: %s)", cat.Path, host, strings.Join(hosts, ", "))
		}
		return nil, fmt.Errorf("%s: the catalog has no servers", cat.Path)
	}
	return out, nil
}

// spawnSupervisor starts `chaoslab supervise --state DIR` in a session of
// its own with its output in DIR/logs/supervisor.log, and waits until it
// has recorded itself in the state file.
func spawnSupervisor(ctx context.Context, dir, bin string, poll time.Duration) (Proc, error) {
	logPath := filepath.Join(dir, LogDir, "supervisor.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return Proc{}, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "supervise", "--state", dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return Proc{}, fmt.Errorf("start supervisor: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }() // reaps it if it dies while we wait
	pid := cmd.Process.Pid
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if st, err := LoadState(dir); err == nil && st.Supervisor.Pid == pid && st.Supervisor.Control != "" {
			return st.Supervisor.Proc, nil
		}
		select {
		case <-t.C:
		case <-exited:
			return Proc{}, fmt.Errorf("the supervisor exited at start: %s", tail(logPath))
		case <-deadline.C:
			cmd.Process.Kill()
			return Proc{}, fmt.Errorf("the supervisor did not record itself within 10s: %s", tail(logPath))
		case <-ctx.Done():
			return Proc{}, ctx.Err()
		}
	}
}

// settled reports whether a server has reached a phase waiting can stop
// at. A "running" record whose process is gone is not: the supervisor has
// not seen the exit yet (a kill a moment ago).
func settled(sv *Server) bool {
	switch sv.Phase {
	case PhaseRunning:
		return Alive(sv.Proc, sv.ReadyFile)
	case PhaseFailed, PhaseStopped:
		return true
	}
	return false
}

// waitServers polls the state until every named server is settled, the
// timeout passes or the supervisor dies.
func waitServers(ctx context.Context, dir string, names []string, timeout, poll time.Duration, progress func(int, int)) (*State, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	t := time.NewTicker(poll)
	defer t.Stop()
	last := -1
	for {
		st, err := LoadState(dir)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, name := range names {
			if sv := st.Server(name); sv != nil && settled(sv) {
				n++
			}
		}
		if progress != nil && n != last {
			progress(n, len(names))
			last = n
		}
		if n == len(names) {
			return st, nil
		}
		if !Alive(st.Supervisor.Proc, dir) {
			return nil, fmt.Errorf("the supervisor (pid %d) died: %s", st.Supervisor.Pid, tail(filepath.Join(dir, LogDir, "supervisor.log")))
		}
		select {
		case <-t.C:
		case <-deadline.C:
			return st, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// verify asks a server for its identity: "" when it answers as recorded.
func verify(ctx context.Context, sv *Server) string {
	if sv == nil {
		return "not in the state file"
	}
	if sv.Phase != PhaseRunning {
		why := "not ready in time (" + string(sv.Phase) + ")"
		if sv.Phase == PhaseFailed || sv.Phase == PhaseStopped {
			why = string(sv.Phase)
		}
		if sv.LastExit != "" {
			why += ": " + sv.LastExit
		}
		return why + "; log " + sv.Log + ": " + tail(sv.Log)
	}
	// Long enough for any StartupDelay real configurations use.
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, sv.Addr)
	if err != nil {
		return err.Error()
	}
	defer c.Close()
	info, err := c.ServerInfo(ctx)
	if err != nil {
		return err.Error()
	}
	if int(info.Pid) != sv.Pid {
		return fmt.Sprintf("%s answers as pid %d, recorded pid %d", sv.Addr, info.Pid, sv.Pid)
	}
	if int(info.Devices) != len(sv.Devices) {
		return fmt.Sprintf("serves %d devices, the catalog has %d", info.Devices, len(sv.Devices))
	}
	if len(sv.Devices) > 0 {
		if why := awaitReads(ctx, c, sv.Devices[0]); why != "" {
			return why
		}
	}
	return ""
}

// awaitReads waits until device's attributes can be read: DynamicDS refuses
// reads for StartupDelay (1 s by default) after Init, and `up` returns when
// the twin answers, not when it merely listens. All devices of a server
// start together, so one device stands for its server. It polls with
// backoff until ctx ends.
func awaitReads(ctx context.Context, c *client.Client, device string) string {
	wait := 20 * time.Millisecond
	for {
		rs, err := c.ReadAttributes(ctx, []string{device + "/*"})
		if err != nil {
			return err.Error()
		}
		refused := false
		for _, r := range rs {
			for _, e := range r.Errors {
				refused = refused || e.Reason == api.ReasonAttrNotAllowed
			}
		}
		if !refused {
			return ""
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return fmt.Sprintf("%s still refuses reads (StartupDelay): %v", device, ctx.Err())
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// tail returns the last non-empty line of a log file, for error messages.
func tail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "(no log)"
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return "(empty log)"
}
