package supervisor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Options configure the supervisor process. The zero value of every field
// but Dir is usable.
type Options struct {
	Dir   string           // state directory holding state.json (written by Up)
	Now   func() time.Time // clock for records and the restart policy (default time.Now)
	Log   *slog.Logger     // default: discard
	Grace time.Duration    // SIGTERM → SIGKILL delay when stopping a server (default 5 s)
	Poll  time.Duration    // ready-file polling period (default 20 ms)
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Grace <= 0 {
		o.Grace = 5 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = 20 * time.Millisecond
	}
	return o
}

// proc is the supervisor's handle on one server's current process. gen
// tells events of an old process from those of the current one.
type proc struct {
	gen          int
	cmd          *exec.Cmd // nil for a process adopted from a dead supervisor
	alive        bool
	stopping     bool // SIGTERM sent by us: the exit is not a crash
	startAfter   bool // restart verb: start again once it exited
	everReady    bool
	ln           *net.TCPListener // the next process's socket, bound by reserve
	killTimer    *time.Timer
	restartTimer *time.Timer
}

type (
	exitEvent struct {
		name   string
		gen    int
		status string
		failed bool
	}
	readyEvent struct {
		name string
		gen  int
		addr string
		unix string
	}
	timerEvent struct {
		name string
		gen  int
		kill bool // grace expired (else: backoff expired)
	}
	// holdEvent: the deadline of fault's hold on server name may have passed.
	holdEvent struct {
		name, fault string
	}
	ctlEvent struct {
		req   ctlRequest
		reply chan ctlReply
	}
)

type supervisor struct {
	opts     Options
	st       *State
	procs    map[string]*proc
	events   chan any
	quit     chan struct{}
	shutdown bool
	px       *proxies // nil unless the twin runs with proxies
}

// Run is the supervisor process: it loads DIR/state.json, adopts the
// recorded servers that still run, starts the others that should run,
// serves the control endpoint and keeps the servers up per the policy until
// ctx ends or a shutdown request comes; then it stops every server (SIGTERM,
// SIGKILL after the grace period) and returns.
func Run(ctx context.Context, opts Options) error {
	opts = opts.withDefaults()
	st, err := LoadState(opts.Dir)
	if err != nil {
		return err
	}
	if p := st.Supervisor.Proc; p.Pid != os.Getpid() && Alive(p, st.Dir) {
		return fmt.Errorf("another supervisor (pid %d) runs the twin in %s", p.Pid, st.Dir)
	}
	s := &supervisor{opts: opts, st: st, procs: map[string]*proc{}, events: make(chan any, 64), quit: make(chan struct{})}
	defer close(s.quit)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("control endpoint: %w", err)
	}
	token, err := newToken()
	if err != nil {
		return err
	}
	self := Proc{Pid: os.Getpid(), Ticks: startTicks(os.Getpid())}
	st.Supervisor = Supervisor{Proc: self, Started: opts.Now(), Control: ln.Addr().String(), Token: token}
	if st.Proxies {
		if s.px, err = startProxies(st.ProxySeed); err != nil {
			return fmt.Errorf("netem proxies: %w", err)
		}
		defer s.px.close()
		st.Supervisor.Netem = s.px.url
	}
	hs := s.serveControl(ln, token)
	defer func() {
		// Let handlers deliver the replies the loop gave them.
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()

	s.boot()
	s.save()
	opts.Log.Info("supervising", "dir", st.Dir, "servers", len(st.Servers), "control", st.Supervisor.Control)

	done := ctx.Done()
	for {
		if s.shutdown && s.running() == 0 {
			break
		}
		select {
		case <-done:
			done = nil
			opts.Log.Info("shutting down", "reason", context.Cause(ctx))
			s.beginShutdown()
		case ev := <-s.events:
			s.handle(ev)
		}
		s.save()
	}
	for _, sv := range st.Servers {
		if sv.Phase != PhaseFailed {
			sv.Phase = PhaseStopped
		}
	}
	s.save()
	opts.Log.Info("stopped")
	return nil
}

// send delivers an event to the loop unless the supervisor is gone.
func (s *supervisor) send(ev any) {
	select {
	case s.events <- ev:
	case <-s.quit:
	}
}

func (s *supervisor) save() {
	if err := s.st.Save(); err != nil {
		s.opts.Log.Error("save state", "err", err)
	}
}

func (s *supervisor) running() int {
	n := 0
	for _, p := range s.procs {
		if p.alive {
			n++
		}
	}
	return n
}

func (s *supervisor) proc(name string) *proc {
	p := s.procs[name]
	if p == nil {
		p = &proc{}
		s.procs[name] = p
	}
	return p
}

// boot adopts the recorded processes that survived a dead supervisor and
// starts the servers that should run.
func (s *supervisor) boot() {
	for _, sv := range s.st.Servers {
		if sv.Pid != 0 && Alive(sv.Proc, sv.ReadyFile) {
			s.adopt(sv)
			if sv.Desired == DesiredStopped {
				s.stop(sv, s.proc(sv.Name)) // a stop the dead supervisor did not finish
			}
			continue
		}
		sv.Proc = Proc{}
		if sv.Desired == DesiredStopped {
			sv.Phase = PhaseStopped
		}
	}
	// Addresses first, so that every server gets all its peers; the ports
	// of the servers about to start are held from now on.
	for _, sv := range s.st.Servers {
		if sv.Desired == DesiredRunning && !s.proc(sv.Name).alive {
			s.reserve(sv, s.proc(sv.Name))
		} else if sv.Addr == "" {
			sv.Addr = freeAddr()
		}
		s.ensureProxy(sv)
		s.armHold(sv)
	}
	for _, sv := range s.st.Servers {
		if sv.Desired == DesiredRunning && !s.proc(sv.Name).alive {
			s.start(sv)
		}
	}
}

// adopt watches a live server process started by an earlier supervisor. It
// is not our child, so its exit is noticed by polling /proc.
func (s *supervisor) adopt(sv *Server) {
	p := s.proc(sv.Name)
	p.gen++
	p.alive, p.cmd = true, nil
	gen, pid := p.gen, sv.Proc
	s.opts.Log.Info("adopted", "server", sv.Name, "pid", pid.Pid)
	exited := make(chan struct{})
	if r, err := readReady(sv.ReadyFile); err == nil && r.Pid == pid.Pid {
		sv.Phase, sv.Addr, sv.Unix, p.everReady = PhaseRunning, r.Addr, r.Unix, true
	} else {
		sv.Phase = PhaseStarting
		go s.watchReady(sv.Name, gen, pid.Pid, sv.ReadyFile, exited)
	}
	marker := sv.ReadyFile
	go func() {
		defer close(exited)
		t := time.NewTicker(5 * s.opts.Poll)
		defer t.Stop()
		for Alive(pid, marker) {
			select {
			case <-t.C:
			case <-s.quit:
				return
			}
		}
		s.send(exitEvent{name: sv.Name, gen: gen, status: "exited (adopted process: status unknown)", failed: true})
	}()
}

// start spawns the server's process on the socket reserve bound: the
// child inherits it as descriptor 3 (serve --listen-fd), so its port is
// held from the moment it is chosen.
func (s *supervisor) start(sv *Server) {
	p := s.proc(sv.Name)
	if p.alive {
		return
	}
	stopTimer(&p.restartTimer)
	s.reserve(sv, p)
	ln := p.ln
	p.ln = nil
	os.Remove(sv.ReadyFile)
	args := []string{"serve", "--catalog", s.st.Catalog, "--server", sv.Name, "--listen", sv.Addr, "--listen-fd", "3", "--unix", sv.Unix, "--ready-file", sv.ReadyFile}
	for _, o := range s.st.Servers {
		// Peers are reached like clients reach them: through their proxy
		// when the twin has proxies, so network faults hit cross-server
		// formula reads too.
		if a := o.ClientAddr(); o != sv && a != "" && !strings.HasSuffix(a, ":0") {
			args = append(args, "--peer", a)
		}
	}
	args = append(args, s.st.ServeArgs...)
	cmd := exec.Command(s.st.Binary, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var err error
	var lnFile, logf *os.File
	if ln == nil {
		err = fmt.Errorf("no socket for %s (see the supervisor log)", sv.Addr)
	} else {
		// The child's copy is the only one left once it runs: a killed
		// server's port refuses connections, as a real one's would.
		lnFile, err = ln.File()
		ln.Close()
	}
	if err == nil {
		logf, err = os.OpenFile(sv.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	}
	if err == nil {
		fmt.Fprintf(logf, "--- %s chaoslab supervisor: starting %s on %s\n", s.opts.Now().Format(time.RFC3339), sv.Name, sv.Addr)
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.ExtraFiles = []*os.File{lnFile}
		err = cmd.Start()
		if err != nil {
			logf.Close()
		}
	}
	if lnFile != nil {
		lnFile.Close()
	}
	p.gen++
	p.stopping, p.startAfter, p.everReady = false, false, false
	now := s.opts.Now()
	if err != nil {
		s.opts.Log.Error("start", "server", sv.Name, "err", err)
		sv.Proc, sv.Phase = Proc{}, PhaseFailed
		sv.LastExit, sv.LastExitAt = "cannot start: "+err.Error(), now
		return
	}
	p.alive, p.cmd = true, cmd
	pid := cmd.Process.Pid
	sv.Proc = Proc{Pid: pid, Ticks: startTicks(pid)}
	sv.Phase, sv.Started = PhaseStarting, now
	s.opts.Log.Info("started", "server", sv.Name, "pid", pid, "addr", sv.Addr)
	gen, name := p.gen, sv.Name
	exited := make(chan struct{})
	go func() {
		werr := cmd.Wait()
		logf.Close()
		close(exited)
		status, failed := exitStatus(werr)
		s.send(exitEvent{name: name, gen: gen, status: status, failed: failed})
	}()
	go s.watchReady(name, gen, pid, sv.ReadyFile, exited)
}

// watchReady polls the ready file until it names pid or the process exits.
func (s *supervisor) watchReady(name string, gen, pid int, path string, exited <-chan struct{}) {
	t := time.NewTicker(s.opts.Poll)
	defer t.Stop()
	for {
		if r, err := readReady(path); err == nil && r.Pid == pid {
			s.send(readyEvent{name: name, gen: gen, addr: r.Addr, unix: r.Unix})
			return
		}
		select {
		case <-t.C:
		case <-exited:
			return
		case <-s.quit:
			return
		}
	}
}

func exitStatus(err error) (string, bool) {
	if err == nil {
		return "exit status 0", false
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.Error(), true // "exit status 1", "signal: killed"
	}
	return err.Error(), true
}

func stopTimer(t **time.Timer) {
	if *t != nil {
		(*t).Stop()
		*t = nil
	}
}

func (s *supervisor) handle(ev any) {
	switch ev := ev.(type) {
	case exitEvent:
		s.exited(ev)
	case readyEvent:
		sv, p := s.st.Server(ev.name), s.procs[ev.name]
		if sv == nil || p == nil || p.gen != ev.gen || !p.alive {
			return
		}
		p.everReady = true
		sv.Addr, sv.Unix = ev.addr, ev.unix
		s.ensureProxy(sv)
		if sv.Phase == PhaseStarting {
			sv.Phase = PhaseRunning
		}
		s.opts.Log.Info("ready", "server", sv.Name, "pid", sv.Pid, "addr", sv.Addr)
	case timerEvent:
		sv, p := s.st.Server(ev.name), s.procs[ev.name]
		if sv == nil || p == nil || p.gen != ev.gen {
			return
		}
		if ev.kill {
			if p.alive {
				s.opts.Log.Warn("grace expired, killing", "server", sv.Name, "pid", sv.Pid)
				s.signal(sv, p, syscall.SIGKILL)
			}
			return
		}
		p.restartTimer = nil
		if p.alive || s.shutdown || sv.Desired != DesiredRunning || sv.Phase != PhaseBackoff {
			return
		}
		now := s.opts.Now()
		sv.Restarts++
		sv.RestartTimes = append(recentTimes(sv.RestartTimes, now, s.st.Policy.withDefaults().Window), now)
		s.start(sv)
	case holdEvent:
		sv := s.st.Server(ev.name)
		if sv == nil || sv.Hold != ev.fault || sv.HoldUntil.IsZero() {
			return
		}
		if s.opts.Now().Before(sv.HoldUntil) {
			s.armHold(sv) // the clock disagrees with the timer: try again
			return
		}
		s.opts.Log.Warn("hold deadline passed, releasing", "server", sv.Name, "fault", ev.fault)
		s.release(sv, s.proc(sv.Name))
	case ctlEvent:
		rep := s.control(ev.req)
		// Saved before the answer: a caller that then polls the state
		// file must see the order applied.
		s.save()
		ev.reply <- rep
	}
}

func recentTimes(ts []time.Time, now time.Time, window time.Duration) []time.Time {
	out := ts[:0]
	for _, t := range ts {
		if now.Sub(t) < window {
			out = append(out, t)
		}
	}
	return out
}

func (s *supervisor) exited(ev exitEvent) {
	sv, p := s.st.Server(ev.name), s.procs[ev.name]
	if sv == nil || p == nil || p.gen != ev.gen || !p.alive {
		return
	}
	now := s.opts.Now()
	p.alive, p.cmd = false, nil
	stopTimer(&p.killTimer)
	sv.Proc = Proc{}
	sv.LastExit, sv.LastExitAt = ev.status, now
	s.opts.Log.Info("exited", "server", sv.Name, "status", ev.status, "requested", p.stopping)
	switch {
	case s.shutdown:
		sv.Phase = PhaseStopped
	case p.startAfter && sv.Desired == DesiredRunning:
		s.start(sv)
	case p.stopping || sv.Desired == DesiredStopped:
		sv.Phase = PhaseStopped
	default:
		d := s.st.Policy.Decide(ev.failed, sv.RestartTimes, now)
		if !d.Restart {
			sv.Phase = PhaseFailed
			sv.LastExit += "; not restarted: " + d.Reason
			s.opts.Log.Warn("not restarting", "server", sv.Name, "reason", d.Reason)
			return
		}
		sv.Phase = PhaseBackoff
		gen, name := p.gen, sv.Name
		p.restartTimer = time.AfterFunc(d.Delay, func() { s.send(timerEvent{name: name, gen: gen}) })
	}
}

// ensureProxy gives sv its proxy when the twin runs with proxies.
func (s *supervisor) ensureProxy(sv *Server) {
	if s.px == nil || sv.Addr == "" {
		return
	}
	if err := s.px.ensure(sv); err != nil {
		s.opts.Log.Error("proxy", "server", sv.Name, "err", err)
	}
}

// armHold schedules the release of sv's hold at its deadline: the
// dead-man's switch that frees a server whose injector died.
func (s *supervisor) armHold(sv *Server) {
	if sv.Hold == "" || sv.HoldUntil.IsZero() {
		return
	}
	name, fault := sv.Name, sv.Hold
	d := max(sv.HoldUntil.Sub(s.opts.Now()), 0)
	time.AfterFunc(d, func() { s.send(holdEvent{name: name, fault: fault}) })
}

// release ends sv's hold: desired running again, started now.
func (s *supervisor) release(sv *Server, p *proc) {
	sv.Desired, sv.Hold, sv.HoldUntil = DesiredRunning, "", time.Time{}
	if p.alive {
		p.startAfter = p.stopping
		return
	}
	sv.RestartTimes = nil
	s.start(sv)
}

// signal sends sig to the server's current process.
func (s *supervisor) signal(sv *Server, p *proc, sig syscall.Signal) bool {
	if !p.alive {
		return false
	}
	if p.cmd != nil {
		// Our child: its pid cannot be reused before we reap it.
		return p.cmd.Process.Signal(sig) == nil
	}
	return signal(sv.Proc, sv.ReadyFile, sig)
}

// stop asks the server's process to exit (SIGTERM, SIGKILL after grace).
func (s *supervisor) stop(sv *Server, p *proc) {
	stopTimer(&p.restartTimer)
	if !p.alive {
		if sv.Phase != PhaseFailed || sv.Desired == DesiredStopped {
			sv.Phase = PhaseStopped
		}
		return
	}
	if p.stopping {
		return
	}
	p.stopping = true
	sv.Phase = PhaseStopping
	s.signal(sv, p, syscall.SIGTERM)
	gen, name := p.gen, sv.Name
	p.killTimer = time.AfterFunc(s.opts.Grace, func() { s.send(timerEvent{name: name, gen: gen, kill: true}) })
}

func (s *supervisor) beginShutdown() {
	s.shutdown = true
	for _, sv := range s.st.Servers {
		s.stop(sv, s.proc(sv.Name))
	}
}

// reserve names sv's Unix socket if it has none, and binds the socket
// sv's next process serves on unless one is held already: at sv's
// recorded address (kept across restarts, like a Tango server found again
// after a crash, so that peers and clients holding it reconnect), or at a
// new port if it has none or another process took it while the server was
// down.
func (s *supervisor) reserve(sv *Server, p *proc) {
	if sv.Unix == "" {
		sv.Unix = unixName(s.st.Dir, sv.Name)
	}
	if p.ln != nil {
		return
	}
	addr := sv.Addr
	if addr == "" || strings.HasSuffix(addr, ":0") {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil && addr != "127.0.0.1:0" {
		s.opts.Log.Warn("address taken, moving to a new port", "server", sv.Name, "addr", addr, "err", err)
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		s.opts.Log.Error("listen", "server", sv.Name, "err", err)
		return
	}
	p.ln = ln.(*net.TCPListener)
	if a := ln.Addr().String(); a != sv.Addr {
		sv.Addr = a
		s.ensureProxy(sv)
	}
}

// freeAddr picks a free loopback port for a server that is not started
// now, so that its peers know where to find it once it is.
func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:0"
	}
	defer ln.Close()
	return ln.Addr().String()
}

// newServerRecord returns the record of a catalog server in state dir.
func newServerRecord(dir, name, host string, devices []string) *Server {
	return &Server{
		Name: name, Host: host, Devices: devices,
		Desired: DesiredRunning, Phase: PhaseStarting,
		Log:       filepath.Join(dir, LogDir, fileName(name)+".log"),
		ReadyFile: filepath.Join(dir, RunDir, fileName(name)+".ready"),
	}
}
