package sweep

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"chaoslab/internal/supervisor"
)

// gaugeMatrix writes a three-case explore file over the gauges example
// (period 200, 500, 1000 ms; case 2's load lasts case2, the others 1 s)
// plus extra YAML, and returns it and an output directory; it skips
// without the chaoslab binary or with -short.
func gaugeMatrix(t *testing.T, title, case2, extra string) (matrixFile, outDir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("e2e")
	}
	if chaoslabBin == "" {
		t.Skipf("no chaoslab binary: %s", firstLine(buildErr))
	}
	dir := t.TempDir()
	cat, _ := filepath.Abs("../../examples/explore/gauges.csv")
	m := filepath.Join(dir, "m.yaml")
	text := fmt.Sprintf(`title: %s
stall_timeout: 20s
matrix:
  period: {values: [200, 500, 1000]}
twin: {catalog: %q, devices: 1}
config: [{match: "lab/*/*/Pressure", polling_period: "${period}"}]
load:
  model: poll
  targets: ["lab/*/*/Pressure"]
  clients: 1
  poll: 200ms
  duration: "${'%s' if _i == 2 else '1s'}"
`, title, cat, case2) + extra
	if err := os.WriteFile(m, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return m, filepath.Join(dir, "out")
}

// TestInterruptRealTwin runs `chaoslab explore` as a subprocess on a real
// twin, sends SIGINT while the second case runs, and checks: exit 3, the
// teardown task ran, no process of the twin is left, the finished case is
// kept, and `--resume` runs only the rest (exit 0).
func TestInterruptRealTwin(t *testing.T) {
	// Case 2 runs long enough to be interrupted; the others are short.
	m, out := gaugeMatrix(t, "interrupt", "6s", `tasks:
  teardown: [{run: [sh, -c, "echo x >> \"$EXPLORE_DIR/teardown-ran\""]}]
`)

	cmd := exec.Command(chaoslabBin, "explore", m, "-o", out)
	stderr, _ := cmd.StderrPipe()
	var stdout strings.Builder
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		// The first progress line means case 1 is journaled and case 2
		// starts now: interrupt it, and record the twin's processes.
		sc := bufio.NewScanner(stderr)
		var pids []int
		signalled := false
		var log strings.Builder
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if !signalled && strings.Contains(sc.Text(), "explore: 1/3") {
				st, err := supervisor.LoadState(filepath.Join(out, "twin"))
				if err != nil {
					done <- fmt.Errorf("twin state while running: %v", err)
					cmd.Process.Kill()
					return
				}
				pids = append(pids, st.Supervisor.Pid)
				for _, s := range st.Servers {
					pids = append(pids, s.Pid)
				}
				cmd.Process.Signal(os.Interrupt)
				signalled = true
			}
		}
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 3 {
			done <- fmt.Errorf("exit: %v (want 3)\n%s", err, log.String())
			return
		}
		for _, p := range pids {
			if p > 0 && syscall.Kill(p, 0) == nil {
				done <- fmt.Errorf("process %d of the twin still runs", p)
				return
			}
		}
		if !signalled {
			done <- fmt.Errorf("never saw case 1 finish:\n%s", log.String())
			return
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("explore did not end after SIGINT")
	}
	if b, err := os.ReadFile(filepath.Join(out, "teardown-ran")); err != nil || string(b) != "x\n" {
		t.Errorf("teardown: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(out, "twin", "state.json")); !os.IsNotExist(err) {
		t.Error("twin state still present after SIGINT")
	}
	recs, _, err := ReadJournal(filepath.Join(out, JournalFile))
	if err != nil || len(recs) != 1 || recs[0].Key != "period=200" {
		t.Fatalf("journal after SIGINT: %v %+v", err, recs)
	}
	if _, err := os.Stat(filepath.Join(out, CSVFile)); err != nil {
		t.Errorf("results not written on interruption: %v", err)
	}

	resumeAllOK(t, m, out)
	recs, _, _ = ReadJournal(filepath.Join(out, JournalFile))
	if len(recs) != 3 {
		t.Errorf("journal after resume: %d records", len(recs))
	}
	if b, _ := os.ReadFile(filepath.Join(out, "teardown-ran")); string(b) != "x\nx\n" {
		t.Errorf("teardown after resume: %q", b)
	}
}

// TestKill9ThenResume: `chaoslab explore` killed with -9 while its second
// case runs leaves its twin behind and no teardown; the journal holds the
// finished case, and `--resume` takes over the leftover twin's state, runs
// the two other cases and leaves no process of either twin behind.
func TestKill9ThenResume(t *testing.T) {
	m, out := gaugeMatrix(t, "kill -9", "3s", "")

	cmd := exec.Command(chaoslabBin, "explore", m, "-o", out)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pids []int
	sc := bufio.NewScanner(stderr)
	killed := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "explore: 1/3") {
			st, err := supervisor.LoadState(filepath.Join(out, "twin"))
			if err != nil {
				cmd.Process.Kill()
				t.Fatalf("twin state while running: %v", err)
			}
			pids = append(pids, st.Supervisor.Pid)
			for _, s := range st.Servers {
				pids = append(pids, s.Pid)
			}
			cmd.Process.Kill()
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("never saw case 1 finish")
	}
	t.Cleanup(func() {
		exec.Command(chaoslabBin, "down", "--state", filepath.Join(out, "twin")).Run()
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGKILL)
		}
	})
	recs, _, err := ReadJournal(filepath.Join(out, JournalFile))
	if err != nil || len(recs) != 1 || recs[0].Key != "period=200" {
		t.Fatalf("journal after kill -9: %v %+v", err, recs)
	}

	resumeAllOK(t, m, out)
	if recs, _, _ := ReadJournal(filepath.Join(out, JournalFile)); len(recs) != 3 {
		t.Errorf("journal after resume: %d records", len(recs))
	}
	for _, p := range pids {
		if p > 0 && syscall.Kill(p, 0) == nil {
			t.Errorf("process %d of the killed run's twin still runs", p)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "twin", "state.json")); !os.IsNotExist(err) {
		t.Error("twin state still present after the resumed run")
	}
}

// resumeAllOK resumes the matrix m into out and checks that all three
// cases finished OK.
func resumeAllOK(t *testing.T, m, out string) {
	t.Helper()
	res, err := exec.Command(chaoslabBin, "explore", m, "-o", out, "--resume", "--json").Output()
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, res)
	}
	var sum struct {
		Finished int            `json:"finished_cases"`
		Counts   map[string]int `json:"status_counts"`
	}
	if err := json.Unmarshal(res, &sum); err != nil || sum.Finished != 3 || sum.Counts["OK"] != 3 {
		t.Fatalf("resume summary: %v %s", err, res)
	}
}
