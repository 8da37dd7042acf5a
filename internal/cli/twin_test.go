package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runTwin(t *testing.T, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &o, Err: &e}
	cmd := newTwinCmd(s)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	code = 0
	if err != nil {
		code = ExitUsage
		if ee, ok := err.(*exitError); ok {
			code = ee.code
		}
	}
	return code, o.String(), e.String()
}

func TestTwinCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	cycle := filepath.Join(dir, "cycle.csv")
	hdr := "host\tserver\tclass\tdevice\tproperty\tvalue\n"
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(hdr+s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(good, "h\tSimulatorDS/1\tSimulatorDS\ta/b/c\tDynamicAttributes\tA = IeeeFloat(1)\n\t\t\t\t\tB = t\n")
	write(cycle, "h\tSimulatorDS/1\tSimulatorDS\ta/b/c\tDynamicAttributes\tA = B + 1\n\t\t\t\t\tB = A + 1\n")
	tests := []struct {
		name    string
		args    []string
		code    int
		out     string
		errOut  string
		notErrs string
	}{
		{"warnings only", []string{"check", good}, 0,
			good + ": ok: 1 devices, 2 dynamic attributes (1 cannot evaluate), 0 dynamic commands; 1 warnings\n",
			good + ":2:57: warning: a/b/c/A: formula 1:1: unknown name 'IeeeFloat': the formula fails with NameError", ""},
		{"quiet", []string{"check", "-q", good}, 0, "", "", "warning"},
		{"strict", []string{"check", "--strict", good}, 1, good + ": 1 errors, 0 warnings: the twin cannot start\n",
			good + ":2:57: a/b/c/A: formula 1:1: unknown name 'IeeeFloat'", ""},
		{"cycle", []string{"check", cycle}, 1, "", "a/b/c/A: dependency cycle: A → B → A", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runTwin(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if tc.out != "" && out != tc.out {
				t.Errorf("stdout %q\nwant   %q", out, tc.out)
			}
			if !strings.Contains(errOut, tc.errOut) {
				t.Errorf("stderr %q\nlacks  %q", errOut, tc.errOut)
			}
			if tc.notErrs != "" && strings.Contains(errOut, tc.notErrs) {
				t.Errorf("stderr %q has %q", errOut, tc.notErrs)
			}
		})
	}
	if code, _, errOut := runTwin(t, "check", filepath.Join(dir, "none.csv")); code != ExitError || !strings.Contains(errOut, "") {
		t.Errorf("missing file: exit %d %s", code, errOut)
	}
}
