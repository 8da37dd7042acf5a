package cli

import (
	"bytes"
	"strings"
	"testing"
)

func runCLI(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = Main(args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return out.String(), errb.String(), code
}

func TestFormulaEval(t *testing.T) {
	cases := []struct {
		args           []string
		stdout, stderr string
		code           int
	}{
		{[]string{"formula", "eval", "7/2"}, "3.5\n", "", 0},
		{[]string{"formula", "eval", "--py2", "7/2"}, "3\n", "", 0},
		{[]string{"formula", "eval", "1/0"}, "", "ZeroDivisionError: division by zero\n", 1},
		{[]string{"formula", "eval", "1.0/0"}, "", "ZeroDivisionError: float division by zero\n", 1},
		{[]string{"formula", "eval", "x"}, "", "NameError: name 'x' is not defined\n", 1},
		{[]string{"formula", "eval", "1 +* 2"}, "", "SyntaxError: invalid syntax at 1:4\n    1 +* 2\n       ^\n", 1},
		{[]string{"formula", "eval", "--var", "t=1.5", "--var", "L=[1, -2]", "sum(L)*t"}, "-1.5\n", "", 0},
		{[]string{"formula", "eval", "--var", "s='a'", "s*2"}, "'aa'\n", "", 0},
		{[]string{"formula", "eval", "--seed", "3", "randint(1, 10)"}, "4\n", "", 0},
		{[]string{"formula", "eval", "--json", "[1, 'a']"}, `{"repr":"[1, 'a']","type":"list"}` + "\n", "", 0},
		{[]string{"formula", "eval", "--json", "(1 +\n y)"}, `{"error":{"col":2,"line":2,"message":"name 'y' is not defined","type":"NameError"}}` + "\n", "", 1},
		{[]string{"formula", "eval", "--", "-2**2"}, "-4\n", "", 0},
		{[]string{"formula", "eval", "--var", "v=-2**63", "v - 1"}, "-9223372036854775809\n", "", 0},
		{[]string{"formula", "eval", "--var", "x=float('nan')", "x != x"}, "True\n", "", 0},
		{[]string{"formula", "eval", "--var", "y=2", "--var", "x=1", "locals().get('x'), locals()"}, "(1, {'y': 2, 'x': 1})\n", "", 0},
		{[]string{"formula", "eval", "--py2", "--seed", "0", "randint(0, 10), choice('abcde')"}, "(9, 'd')\n", "", 0},
		{[]string{"formula", "names", "PRef + 1e-7*sin(PI*t)"}, "PRef\nsin\nPI\nt\n", "", 0},
		{[]string{"formula", "names", "--json", "[x for x in v]"}, `["v"]` + "\n", "", 0},
		{[]string{"formula", "check", "1+1", "a.b(c)"}, "", "", 0},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, errs, code := runCLI(c.args...)
			if out != c.stdout || errs != c.stderr || code != c.code {
				t.Errorf("got stdout %q stderr %q code %d\nwant stdout %q stderr %q code %d", out, errs, code, c.stdout, c.stderr, c.code)
			}
		})
	}
}

func TestFormulaEvalUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"formula", "eval"},
		{"formula", "eval", "--bogus", "1"},
		{"formula", "eval", "--var", "x=foo()", "x"},
		{"formula", "eval", "--var", "x=foo", "x"},
		{"formula", "eval", "--var", "noequals", "1"},
		{"formula", "eval", "--seed", "abc", "1"},
	} {
		_, errs, code := runCLI(args...)
		if code != 2 || errs == "" {
			t.Errorf("%v: code %d stderr %q, want 2 and a message", args, code, errs)
		}
	}
	_, errs, code := runCLI("formula", "check", "1+", "ok")
	if code != 1 || !strings.Contains(errs, "formula 1: SyntaxError") {
		t.Errorf("check: code %d stderr %q", code, errs)
	}
}
