package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite golden outputs: cmp sections of testdata/script/*.txtar and the generated part of docs/cli.md")

// commandBound is how long one command of a script may run before it is
// killed and the script fails: a hung server must not hang the test run.
const commandBound = 2 * time.Minute

// TestMain makes the test binary act as chaoslab when invoked under that
// name, so scripts run the real command line as a subprocess.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"chaoslab": func() { os.Exit(Main(os.Args[1:], OSStreams())) },
	})
}

// TestScript runs testdata/script/*.txtar: the flows of the README, end to
// end, each against its own state directory in $WORK.
func TestScript(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end scripts start server processes")
	}
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			// The README's paths (examples/rw/rw.csv) work as written.
			if err := os.CopyFS(filepath.Join(env.WorkDir, "examples"), os.DirFS(examples)); err != nil {
				return err
			}
			// Whatever happens to the script, no twin outlives it.
			work := env.WorkDir
			env.Defer(func() { downAll(env.T(), work) })
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitcode,
			"bounded":  cmdBounded,
			"waitfor":  cmdWaitfor,
			"pidsgone": cmdPidsgone,
		},
	})
}

// downAll runs `chaoslab down` for every twin still recorded under work
// ($WORK/.chaoslab or $WORK/DIR); a passing script has already done so.
func downAll(t testscript.T, work string) {
	states, _ := filepath.Glob(filepath.Join(work, "*", "state.json"))
	for _, st := range states {
		dir := filepath.Dir(st)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, err := exec.CommandContext(ctx, "chaoslab", "down", "--state", dir).CombinedOutput()
		cancel()
		t.Log(fmt.Sprintf("cleanup: chaoslab down --state %s: %v\n%s", dir, err, out))
	}
}

// runBounded runs prog in the script's directory and environment, killing
// it after d, and copies its output to the script's stdout and stderr.
func runBounded(ts *testscript.TestScript, d time.Duration, prog string, args []string) (code int, timedOut bool) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = scriptEnv(ts)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	ts.Stdout().Write(stdout.Bytes())
	ts.Stderr().Write(stderr.Bytes())
	if ctx.Err() != nil {
		return -1, true
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, false
	case errors.As(err, &ee):
		return ee.ExitCode(), false
	default:
		ts.Fatalf("%s: %v", prog, err)
		return -1, false
	}
}

// scriptEnv is the script's environment (what `env` would list).
func scriptEnv(ts *testscript.TestScript) []string {
	var env []string
	for _, name := range []string{"WORK", "PATH", "HOME", "TMPDIR"} {
		env = append(env, name+"="+ts.Getenv(name))
	}
	for _, name := range []string{"CHAOSLAB_STATE", "CHAOSLAB_ADDR", "GOCOVERDIR"} {
		if v := ts.Getenv(name); v != "" {
			env = append(env, name+"="+v)
		}
	}
	return env
}

// cmdExitcode: exitcode N PROG ARGS... runs PROG and fails unless it exits
// with status N (exec only tells success from failure).
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROG ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	code, timedOut := runBounded(ts, commandBound, args[1], args[2:])
	if timedOut {
		ts.Fatalf("%s did not finish within %v", args[1], commandBound)
	}
	if code != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], code, want)
	}
}

// cmdBounded: [!] bounded DURATION PROG ARGS... runs PROG, failing when it
// runs longer than DURATION (for commands that wait for events).
func cmdBounded(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: bounded DURATION PROG ARGS...")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	code, timedOut := runBounded(ts, d, args[1], args[2:])
	switch {
	case timedOut:
		ts.Fatalf("%s did not finish within %v", args[1], d)
	case neg && code == 0:
		ts.Fatalf("%s succeeded unexpectedly", args[1])
	case !neg && code != 0:
		ts.Fatalf("%s exited with %d", args[1], code)
	}
}

// cmdWaitfor: waitfor [-stdout REGEXP] [-timeout D] PROG ARGS... runs PROG
// again (backing off from 10ms to 200ms) until it exits 0 and, with -stdout,
// its output matches: a wait for a condition instead of a sleep.
func cmdWaitfor(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! waitfor")
	}
	var re *regexp.Regexp
	timeout := 30 * time.Second
	for len(args) > 1 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-stdout":
			re = regexp.MustCompile(args[1])
		case "-timeout":
			d, err := time.ParseDuration(args[1])
			ts.Check(err)
			timeout = d
		default:
			ts.Fatalf("waitfor: unknown option %s", args[0])
		}
		args = args[2:]
	}
	if len(args) == 0 {
		ts.Fatalf("usage: waitfor [-stdout REGEXP] [-timeout D] PROG ARGS...")
	}
	deadline := time.Now().Add(timeout)
	backoff := 10 * time.Millisecond
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Dir = ts.MkAbs(".")
		cmd.Env = scriptEnv(ts)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		if err == nil && (re == nil || re.Match(stdout.Bytes())) {
			ts.Logf("waitfor: condition met after %d attempts", attempt)
			ts.Stdout().Write(stdout.Bytes())
			ts.Stderr().Write(stderr.Bytes())
			return
		}
		if time.Now().Add(backoff).After(deadline) {
			ts.Fatalf("waitfor %s: not met within %v (%d attempts); last: %v\nstdout:\n%s\nstderr:\n%s",
				strings.Join(args, " "), timeout, attempt, err, stdout.Bytes(), stderr.Bytes())
		}
		<-time.After(backoff) // the retry interval of a poll, not a wait for an outcome
		backoff = min(2*backoff, 200*time.Millisecond)
	}
}

// cmdPidsgone: pidsgone [-servers | -ready] FILE... reads `chaoslab
// status --json` outputs and fails when the supervisor (unless -servers)
// or any server process they record is alive; with -ready the files are
// serve --ready-file files.
func cmdPidsgone(ts *testscript.TestScript, neg bool, args []string) {
	serversOnly := len(args) > 0 && args[0] == "-servers"
	readyFiles := len(args) > 0 && args[0] == "-ready"
	if serversOnly || readyFiles {
		args = args[1:]
	}
	if neg || len(args) == 0 {
		ts.Fatalf("usage: pidsgone [-servers | -ready] FILE...")
	}
	var alive []string
	for _, file := range args {
		if readyFiles {
			var r struct {
				PID int `json:"pid"`
			}
			ts.Check(json.Unmarshal([]byte(ts.ReadFile(file)), &r))
			if r.PID == 0 {
				ts.Fatalf("%s: no pid", file)
			}
			if processAlive(r.PID) {
				alive = append(alive, fmt.Sprintf("server (pid %d, from %s)", r.PID, file))
			}
			continue
		}
		var st struct {
			SupervisorPID int `json:"supervisor_pid"`
			Servers       []struct {
				Name string `json:"name"`
				PID  int    `json:"pid"`
			} `json:"servers"`
		}
		ts.Check(json.Unmarshal([]byte(ts.ReadFile(file)), &st))
		if st.SupervisorPID == 0 {
			ts.Fatalf("%s: no supervisor pid recorded", file)
		}
		pids := map[int]string{}
		if !serversOnly {
			pids[st.SupervisorPID] = "supervisor"
		}
		for _, s := range st.Servers {
			if s.PID != 0 {
				pids[s.PID] = s.Name
			}
		}
		for pid, what := range pids {
			if processAlive(pid) {
				alive = append(alive, fmt.Sprintf("%s (pid %d, from %s)", what, pid, file))
			}
		}
	}
	if len(alive) > 0 {
		ts.Fatalf("still running: %s", strings.Join(alive, ", "))
	}
}

// processAlive reports whether pid is a live process (a zombie is dead: it
// has exited and only waits for its parent to reap it).
func processAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	// /proc/PID/stat: "pid (comm) S ..."; comm may hold spaces and parens.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z' && stat[i+2] != 'X'
	}
	return true
}
