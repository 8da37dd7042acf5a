package difftest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

var (
	liveSeed = flag.Int64("seed", 0, "seed of TestLiveRandom (0: derived from the clock and printed)")
	liveN    = flag.Int("live.n", 3000, "number of expressions TestLiveRandom generates")
	livePy2  = flag.Bool("live.py2", false, "TestLiveRandom: generate Python 2 cases and judge them with python2.7")
)

// TestLiveRandom generates fresh random expressions, has CPython evaluate
// them (testdata/gen_random.py, one python process per hash seed) and
// compares. Reproduce a failure with -run TestLiveRandom -seed N.
func TestLiveRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not on PATH")
	}
	seed := *liveSeed
	if seed == 0 {
		seed = time.Now().UnixNano() % 1_000_000_000 // the test's only clock read: a fresh seed per run
	}
	t.Logf("live seed %d (reproduce: go test ./internal/formula/difftest -run TestLiveRandom -seed %d)", seed, seed)
	args := []string{testdataPath("gen_random.py"), "--seed", strconv.FormatInt(seed, 10), "--n", strconv.Itoa(*liveN)}
	if *livePy2 {
		args = append(args, "--py2")
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(py, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("gen_random.py: %v\n%s", err, stderr.String())
	}
	var f CaseFile
	if err := json.Unmarshal(stdout.Bytes(), &f); err != nil {
		t.Fatalf("gen_random.py output: %v", err)
	}
	outs, hung := runAll(f.Cases)
	r := judgeAll(f.Cases, outs)
	t.Logf("%s", r.summary("live", nil))
	if hung >= 0 {
		t.Errorf("case %s (%q) hung", f.Cases[hung].ID, f.Cases[hung].Src)
	}
	if r.failed > 0 {
		t.Errorf("%s", r.details(*showN))
	}
}
