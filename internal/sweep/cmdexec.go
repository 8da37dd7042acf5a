package sweep

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// CmdExec is the command channel: for systems outside the twin, each
// repeat runs a program with the case's parameters bound into its argv and
// environment (every parameter is also exported as EXPLORE_<NAME>, plus
// EXPLORE_I and EXPLORE_REPEAT). Each output line is progress; a line that
// is a JSON object of numbers adds metrics (the last value wins); the exit
// status is the metric exit_code. A run that outlives its context gets
// SIGTERM, then SIGKILL after a grace period.
type CmdExec struct {
	File  *File
	Dir   string        // working directory (default the matrix file's)
	Grace time.Duration // SIGTERM → SIGKILL (default 5 s)
	// Tick is how often a probe is sent while the command is silent
	// (default 1 s), so a hung command is seen as stalled.
	Tick time.Duration
}

type cmdConf struct {
	Run []any          `json:"run"`
	Env map[string]any `json:"env,omitempty"`
}

// Prepare implements Executor (nothing to prepare).
func (x *CmdExec) Prepare(context.Context, *Case) error { return nil }

// Close implements Executor.
func (x *CmdExec) Close(context.Context) error { return nil }

// Run implements Executor.
func (x *CmdExec) Run(ctx context.Context, c *Case, repeat int, probe func(Probe)) (*Outcome, error) {
	vars := Scope(c.Vars(), func(n string) (Value, bool) {
		if n == "_repeat" {
			return int64(repeat), true
		}
		return nil, false
	})
	v, err := x.File.Command.Bind(vars)
	if err != nil {
		return nil, err
	}
	var cc cmdConf
	if err := decodeStrict(v, &cc); err != nil || len(cc.Run) == 0 {
		msg := "expected {run: [program, args...], env: {NAME: value}}"
		if err != nil {
			msg = err.Error() + ": " + msg
		}
		return nil, &PosError{Pos: x.File.Command.Pos, Msg: "command: " + msg}
	}
	argv := make([]string, len(cc.Run))
	for i, a := range cc.Run {
		argv[i] = FormatValue(a)
	}
	env := os.Environ()
	for i, n := range c.Binding.Names {
		env = append(env, "EXPLORE_"+strings.ToUpper(n)+"="+FormatValue(c.Binding.Values[i]))
	}
	env = append(env, fmt.Sprintf("EXPLORE_I=%d", c.I), fmt.Sprintf("EXPLORE_REPEAT=%d", repeat))
	keys := make([]string, 0, len(cc.Env))
	for k := range cc.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+FormatValue(cc.Env[k]))
	}
	dir := x.Dir
	if dir == "" {
		dir = x.File.Dir
	}
	m, lines, code, err := runCommand(ctx, argv, env, dir, x.grace(), x.tick(), probe)
	if err != nil {
		return nil, err
	}
	m["exit_code"] = float64(code)
	m["lines"] = float64(lines)
	return &Outcome{Metrics: m, Raw: map[string]any{"argv": argv, "exit_code": code, "metrics": m}}, nil
}

func (x *CmdExec) grace() time.Duration {
	if x.Grace > 0 {
		return x.Grace
	}
	return 5 * time.Second
}

func (x *CmdExec) tick() time.Duration {
	if x.Tick > 0 {
		return x.Tick
	}
	return time.Second
}

// runCommand runs argv, streaming stdout lines as progress. It returns
// the metrics read from JSON lines, the line count and the exit code; an
// error only when the program could not start or ctx ended.
func runCommand(ctx context.Context, argv, env []string, dir string, grace, tick time.Duration, probe func(Probe)) (map[string]float64, int64, int, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = env, dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, 0, 0, err
	}
	if err := cmd.Start(); err != nil {
		return nil, 0, 0, err
	}
	var mu sync.Mutex
	metrics := map[string]float64{}
	var lines int64
	snapshot := func() Probe {
		mu.Lock()
		defer mu.Unlock()
		cp := make(map[string]float64, len(metrics)+1)
		for k, v := range metrics {
			cp[k] = v
		}
		cp["lines"] = float64(lines)
		return Probe{Progress: lines, Metrics: cp}
	}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			mu.Lock()
			lines++
			if strings.HasPrefix(line, "{") {
				var obj map[string]any
				if json.Unmarshal([]byte(line), &obj) == nil {
					for k, v := range obj {
						if f, ok := v.(float64); ok {
							metrics[k] = f
						}
					}
				}
			}
			mu.Unlock()
			probe(snapshot())
		}
	}()
	waitDone := make(chan error, 1)
	go func() {
		<-readDone
		waitDone <- cmd.Wait()
	}()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case err := <-waitDone:
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				return nil, 0, 0, err
			}
			p := snapshot()
			return p.Metrics, p.Progress, code, nil
		case <-t.C:
			probe(snapshot())
		case <-ctx.Done():
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-waitDone:
			case <-time.After(grace):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-waitDone
			}
			return nil, 0, 0, ctx.Err()
		}
	}
}

// ExecTasks runs lifecycle tasks as programs (argv and env bound with the
// case's parameters for intertest; EXPLORE_DIR is the results directory).
type ExecTasks struct {
	Dir        string // working directory
	ResultsDir string
}

// RunTask implements TaskRunner: the program must exit 0 within the
// task's timeout (ctx); its output goes to stderr.
func (e *ExecTasks) RunTask(ctx context.Context, t *Task, vars func(string) (Value, bool)) error {
	argv := make([]string, len(t.Argv))
	for i, a := range t.Argv {
		v, err := a.Bind(vars)
		if err != nil {
			return err
		}
		argv[i] = FormatValue(v)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = e.Dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.Env = append(os.Environ(), "EXPLORE_DIR="+e.ResultsDir)
	for k, tp := range t.Env {
		v, err := tp.Bind(vars)
		if err != nil {
			return err
		}
		cmd.Env = append(cmd.Env, k+"="+FormatValue(v))
	}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: timed out", strings.Join(argv, " "))
		}
		return fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	return nil
}
