package supervisor

// In-process tests of the supervisor loop (Run in a goroutine of the test,
// so -race covers it) over a fake server: a shell script that writes its
// ready file like `chaoslab serve` and then idles until signalled.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const fakeServe = `#!/bin/sh
# fake "chaoslab serve": write the ready file, then idle until signalled;
# it does not serve, so it closes the socket it inherits (--listen-fd 3),
# which its sleep would otherwise keep bound after a kill
exec 3>&-
while [ $# -gt 0 ]; do
	case "$1" in
	--ready-file) rf=$2; shift ;;
	--listen) addr=$2; shift ;;
	esac
	shift
done
case "$rf" in *fail*) echo "fake: cannot start" >&2; exit 3 ;; esac
printf '{"addr":"%s","pid":%d}' "$addr" $$ > "$rf.tmp" && mv "$rf.tmp" "$rf"
while :; do sleep 1; done
`

type loop struct {
	t      *testing.T
	dir    string
	ctl    *Control
	cancel context.CancelFunc
	done   chan error
	seen   map[Proc]string
}

func startLoop(t *testing.T, policy Policy, names ...string) *loop {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	if startTicks(os.Getpid()) == 0 {
		t.Skip("no /proc")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "fake-chaoslab")
	os.WriteFile(script, []byte(fakeServe), 0o755)
	os.MkdirAll(filepath.Join(dir, LogDir), 0o755)
	os.MkdirAll(filepath.Join(dir, RunDir), 0o755)
	st := &State{Version: StateVersion, Dir: dir, Catalog: filepath.Join(dir, "none.csv"), Binary: script, Policy: policy}
	for _, n := range names {
		st.Servers = append(st.Servers, newServerRecord(dir, n, "host", []string{"dev/" + n}))
	}
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &loop{t: t, dir: dir, cancel: cancel, done: make(chan error, 1), seen: map[Proc]string{}}
	go func() { l.done <- Run(ctx, Options{Dir: dir, Grace: 2 * time.Second}) }()
	t.Cleanup(func() {
		cancel()
		<-l.done
		for p, m := range l.seen {
			if signal(p, m, syscall.SIGKILL) {
				t.Errorf("cleanup: pid %d still alive", p.Pid)
			}
		}
	})
	st = l.wait("the supervisor records itself", func(st *State) bool { return st.Supervisor.Control != "" })
	l.ctl = NewControl(st)
	return l
}

func (l *loop) wait(what string, cond func(*State) bool) *State {
	l.t.Helper()
	deadline := time.Now().Add(waitLimit)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if st, err := LoadState(l.dir); err == nil {
			for _, sv := range st.Servers {
				if sv.Pid != 0 {
					l.seen[sv.Proc] = sv.ReadyFile
				}
			}
			if cond(st) {
				return st
			}
		}
		if time.Now().After(deadline) {
			data, _ := os.ReadFile(filepath.Join(l.dir, StateFile))
			l.t.Fatalf("timed out waiting for %s; state:\n%s", what, data)
		}
		select {
		case err := <-l.done:
			l.t.Fatalf("Run returned %v while waiting for %s", err, what)
		case <-tick.C:
		}
	}
}

func (l *loop) running(name string, restarts int, notPid int) func(*State) bool {
	return func(st *State) bool {
		sv := st.Server(name)
		return sv.Phase == PhaseRunning && sv.Restarts == restarts && sv.Pid != 0 && sv.Pid != notPid && Alive(sv.Proc, sv.ReadyFile)
	}
}

func (l *loop) do(verb string, patterns ...string) {
	l.t.Helper()
	if _, err := l.ctl.Servers(context.Background(), verb, patterns); err != nil {
		l.t.Fatalf("%s %v: %v", verb, patterns, err)
	}
}

func TestRunVerbsAndCrashes(t *testing.T) {
	l := startLoop(t, Policy{Backoff: time.Millisecond, MaxRestarts: 2, Window: time.Hour}, "S/a", "S/b")
	st := l.wait("both running", func(st *State) bool {
		return l.running("S/a", 0, 0)(st) && l.running("S/b", 0, 0)(st)
	})
	a := *st.Server("S/a")

	// Crash: restarted on the same address.
	syscall.Kill(a.Pid, syscall.SIGKILL)
	st = l.wait("a restarted", l.running("S/a", 1, a.Pid))
	if sv := st.Server("S/a"); sv.Addr != a.Addr || sv.LastExit != "signal: killed" || len(sv.RestartTimes) != 1 {
		t.Errorf("after a crash: %+v", sv)
	}

	// stop: down and stays down; start: back, not a restart.
	b := *st.Server("S/b")
	l.do(VerbStop, "dev/S/b")
	st = l.wait("b stopped", func(st *State) bool { return st.Server("S/b").Phase == PhaseStopped })
	if sv := st.Server("S/b"); sv.Pid != 0 || sv.Desired != DesiredStopped || Alive(b.Proc, b.ReadyFile) {
		t.Errorf("stopped: %+v", sv)
	}
	l.do(VerbStart, "s/B")
	l.wait("b started", l.running("S/b", 0, b.Pid))

	// kill through the control endpoint is a crash too.
	st, _ = LoadState(l.dir)
	a = *st.Server("S/a")
	l.do(VerbKill, "S/a")
	st = l.wait("a restarted after kill", l.running("S/a", 2, a.Pid))

	// restart: new process, not counted.
	a = *st.Server("S/a")
	l.do(VerbRestart, "*a")
	l.wait("a restarted by the verb", l.running("S/a", 2, a.Pid))

	// A third crash within the window: the policy gives up.
	st, _ = LoadState(l.dir)
	syscall.Kill(st.Server("S/a").Pid, syscall.SIGKILL)
	st = l.wait("a failed", func(st *State) bool { return st.Server("S/a").Phase == PhaseFailed })
	if got := st.Server("S/a").LastExit; got != "signal: killed; not restarted: 2 restarts within 1h0m0s" {
		t.Errorf("last exit %q", got)
	}
	// An operator start ends the crash loop.
	l.do(VerbStart, "S/a")
	st = l.wait("a started again", l.running("S/a", 2, 0))
	if n := len(st.Server("S/a").RestartTimes); n != 0 {
		t.Errorf("restart times after an operator start: %d", n)
	}

	for _, tt := range []struct {
		verb     string
		patterns []string
		want     string
	}{
		{"explode", []string{"*"}, `unknown verb "explode"`},
		{VerbStop, []string{"nope"}, `no server, device or host matches "nope"`},
		{VerbStop, nil, "no server pattern given"},
	} {
		if _, err := l.ctl.Servers(context.Background(), tt.verb, tt.patterns); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %v: %v, want %q", tt.verb, tt.patterns, err, tt.want)
		}
	}
	bad := &Control{addr: l.ctl.addr, token: "wrong", hc: l.ctl.hc}
	if _, err := bad.Servers(context.Background(), VerbStop, []string{"*"}); err == nil {
		t.Error("a wrong token was accepted")
	}

	// add, then shutdown: everything stops and Run returns.
	added, err := l.ctl.Add(context.Background(), []*Server{{Name: "S/c", Devices: []string{"dev/c"}}, {Name: "S/a"}})
	if err != nil || len(added) != 1 || added[0] != "S/c" {
		t.Fatalf("Add = %v, %v", added, err)
	}
	l.wait("c running", l.running("S/c", 0, 0))
	if err := l.ctl.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-l.done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	l.done <- nil // for the cleanup
	st, _ = LoadState(l.dir)
	for _, sv := range st.Servers {
		if sv.Phase != PhaseStopped || sv.Pid != 0 {
			t.Errorf("after shutdown: %s %s pid %d", sv.Name, sv.Phase, sv.Pid)
		}
	}
	for p, m := range l.seen {
		if Alive(p, m) {
			t.Errorf("after shutdown: pid %d alive", p.Pid)
		}
	}
}

// TestRunStartFailure: a server that exits before it is ready is retried
// with backoff, then failed; on-failure ignores clean exits.
func TestRunStartFailure(t *testing.T) {
	l := startLoop(t, Policy{Backoff: time.Millisecond, MaxRestarts: 3}, "S/fail")
	st := l.wait("fail failed", func(st *State) bool { return st.Server("S/fail").Phase == PhaseFailed })
	sv := st.Server("S/fail")
	if sv.Restarts != 3 || sv.LastExit != "exit status 3; not restarted: 3 restarts within 1m0s" {
		t.Errorf("crash loop: restarts %d, last exit %q", sv.Restarts, sv.LastExit)
	}
	if tail(sv.Log) != "fake: cannot start" {
		t.Errorf("log tail %q", tail(sv.Log))
	}
}

func TestRunCancel(t *testing.T) {
	l := startLoop(t, Policy{}, "S/a")
	l.wait("a running", l.running("S/a", 0, 0))
	l.cancel()
	if err := <-l.done; err != nil {
		t.Fatal(err)
	}
	l.done <- nil
	for p, m := range l.seen {
		if Alive(p, m) {
			t.Errorf("after cancel: pid %d alive", p.Pid)
		}
	}
}
