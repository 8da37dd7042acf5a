package formula

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// TestCorpusCompiles compiles every real formula of the shared corpus that
// CPython parses (in Python 3 mode, or Python 2 mode for the legacy ones).
func TestCorpusCompiles(t *testing.T) {
	b, err := os.ReadFile("../../../shared/reference/corpus/formulas.json")
	if err != nil {
		t.Skip("corpus not available:", err)
	}
	var corpus []struct {
		ID         string
		Formula    *string
		Parse      string
		TangoNames []string `json:"tango_names"`
	}
	if err := json.Unmarshal(b, &corpus); err != nil {
		t.Fatal(err)
	}
	n := 0
	var failed []string
	for _, c := range corpus {
		if c.Formula == nil || c.Parse != "ok" {
			continue
		}
		src := pythonize(*c.Formula, c.TangoNames)
		if _, err := Compile(src, nil); err != nil {
			if _, err2 := Compile(src, &Options{Mode: Py2}); err2 != nil {
				failed = append(failed, src)
				continue
			}
		}
		n++
	}
	// Formulas that need PyAlarm's FIND rewriting are not Python; only
	// those python3 accepts must compile.
	if len(failed) == 0 {
		return
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not on PATH")
	}
	in, _ := json.Marshal(failed)
	cmd := exec.Command(py, "-c", `
import json, sys
for s in json.load(sys.stdin):
    try:
        compile(s, "f", "eval")
        print(s)
    except SyntaxError:
        pass
`)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if src != "" {
			_, err := Compile(src, nil)
			t.Errorf("python3 compiles %q but Compile fails: %v", src, err)
		}
	}
	t.Logf("%d corpus formulas compiled", n)
}

// pythonize applies PyAlarm's rewriting, roughly: tango names become
// identifiers, upper-case operators between spaces become Python's.
func pythonize(src string, tango []string) string {
	src = strings.TrimSuffix(src, "\\")
	sort.Slice(tango, func(i, j int) bool { return len(tango[i]) > len(tango[j]) })
	for i, n := range tango {
		src = strings.ReplaceAll(src, n, fmt.Sprintf("_tango%d", i))
	}
	for _, op := range []string{"AND", "OR", "NOT", "IN", "IS"} {
		src = strings.ReplaceAll(src, " "+op+" ", " "+strings.ToLower(op)+" ")
		if strings.HasPrefix(src, op+" ") {
			src = strings.ToLower(op) + src[len(op):]
		}
	}
	return src
}
