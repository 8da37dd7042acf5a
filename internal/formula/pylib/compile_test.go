//go:build !nointegration

package pylib_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"strconv"
	"testing"

	"chaoslab/internal/formula"
	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

// TestWholeExpressions runs the "expr" cases of testdata/cases.json
// (lambdas, comprehensions, operators mixed with builtins and methods)
// through the formula compiler with the default SimulatorDS namespace and
// t = 12.5, against python3's answers.
func TestWholeExpressions(t *testing.T) {
	data, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Expr, Repr, Group string
		Exc               []string
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Group != "expr" {
			continue
		}
		c := c
		t.Run(c.Expr, func(t *testing.T) {
			p, err := formula.Compile(c.Expr, &formula.Options{HostNames: map[string]bool{"t": true}})
			if err != nil {
				t.Skipf("compiler does not accept this yet: %v", err)
			}
			ctx := &pyval.Context{Rand: pylib.NewRandom(0), Steps: pyval.DefaultSteps}
			env := p.NewEnv(ctx)
			if i := p.Slot("t"); i >= 0 {
				env.Vars[i] = pyval.Float(12.5)
			}
			v, err := p.Eval(env)
			if c.Exc != nil {
				var e *pyval.Exception
				if !errors.As(err, &e) || e.Type != c.Exc[0] || e.Msg != c.Exc[1] {
					t.Fatalf("want %s: %s, got %v", c.Exc[0], c.Exc[1], err)
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
			if got != c.Repr && !oneULP(got, c.Repr) {
				t.Fatalf("want %s\n got %s", c.Repr, got)
			}
		})
	}
}

func oneULP(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && (math.Nextafter(x, y) == y)
}
