package cli

import (
	"bytes"
	"strings"
	"testing"
)

func runFault(args ...string) (string, error) {
	var out, errb bytes.Buffer
	c := newFaultCmd(Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	c.SetArgs(args)
	c.SetOut(&out)
	c.SetErr(&errb)
	err := c.Execute()
	return out.String() + errb.String(), err
}

func TestFaultCmd(t *testing.T) {
	out, err := runFault("kinds")
	if err != nil || !strings.Contains(out, "proc.pause") || !strings.Contains(out, "server.noise") {
		t.Errorf("fault kinds: %v\n%s", err, out)
	}
	dir := t.TempDir()
	if out, err := runFault("ls", "--state", dir); err != nil || !strings.HasPrefix(out, "ID") {
		t.Errorf("fault ls on an empty dir: %v\n%s", err, out)
	}
	if out, err := runFault("clear", "--state", dir); err != nil || !strings.Contains(out, "nothing to undo") {
		t.Errorf("fault clear on an empty dir: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"inject", "server.nosie", "--state", dir}, `did you mean "server.noise"`},
		{[]string{"inject", "server.noise", "amp=1", "--state", dir}, `unknown parameter "amp"`},
		{[]string{"inject", "proc.kill", "--target", "count=x", "--state", dir}, "count: want a positive integer"},
		{[]string{"inject", "proc.kill", "--state", dir}, "no twin is up"},
	} {
		_, err := runFault(tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("fault %v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
