package pylib

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"chaoslab/internal/formula/pyval"
)

// TestPy2Differential compares pylib in Python 2 mode with Python 2.7's
// results (testdata/py2cases.json, written by gen_py2.py under python2).
func TestPy2Differential(t *testing.T) {
	data, err := os.ReadFile("testdata/py2cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []diffCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	ns := Builtins(true)
	for k, v := range MathNamesFor(true) {
		ns[k] = v
	}
	for k, v := range SignalNames() {
		ns[k] = v
	}
	for _, c := range cases {
		t.Run(c.Expr, func(t *testing.T) {
			ctx := newCtx()
			ctx.Py2 = true
			v, err := miniEval(ctx, ns, c.Expr)
			if c.Exc != nil {
				var e *pyval.Exception
				if !errors.As(err, &e) {
					t.Fatalf("want %s: %s, got %v (%v)", c.Exc[0], c.Exc[1], v, err)
				}
				if e.Type != c.Exc[0] || e.Msg != c.Exc[1] {
					t.Fatalf("want %s: %s\n got %s: %s", c.Exc[0], c.Exc[1], e.Type, e.Msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("want %s, got error %v", c.Repr, err)
			}
			got, err := pyval.Repr(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.Repr {
				t.Fatalf("want %s\n got %s", c.Repr, got)
			}
		})
	}
}

// TestMathNamesForPy2 checks that Python 2 mode lacks 2.7's missing names.
func TestMathNamesForPy2(t *testing.T) {
	m := MathNamesFor(true)
	for _, k := range []string{"nan", "inf", "tau", "gcd", "log2", "isfinite"} {
		if _, ok := m[k]; ok {
			t.Errorf("Python 2 math names include %s", k)
		}
	}
	if _, ok := MathNamesFor(false)["nan"]; !ok {
		t.Error("Python 3 math names lack nan")
	}
}
