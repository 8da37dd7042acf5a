package formula

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

// FuzzEval compiles and evaluates arbitrary source with a small budget: it
// must never panic (the recover in Eval turns a panic into a SystemError,
// which fails the test) and must finish quickly.
func FuzzEval(f *testing.F) {
	for _, c := range py3Cases {
		f.Add(c.src, false)
	}
	for _, c := range py2Cases {
		f.Add(c.src, true)
	}
	if b, err := os.ReadFile("../../../shared/reference/corpus/formulas.json"); err == nil {
		var corpus []struct{ Formula *string }
		if json.Unmarshal(b, &corpus) == nil {
			for _, c := range corpus {
				if c.Formula != nil {
					f.Add(*c.Formula, false)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, src string, py2 bool) {
		mode := Py3
		if py2 {
			mode = Py2
		}
		p, err := Compile(src, &Options{Mode: mode, HostNames: map[string]bool{"t": true}})
		if err != nil {
			return
		}
		ctx := &pyval.Context{Py2: py2, MaxSize: 10_000, MaxDepth: 50, Rand: pylib.NewRandom(1)}
		env := p.NewEnv(ctx)
		env.MaxSteps = 20_000
		ns, _ := pyval.NewDict()
		env.Namespace = ns
		if i := p.Slot("t"); i >= 0 {
			env.Vars[i] = pyval.Float(1.5)
		}
		v, err := p.Eval(env)
		var re *RuntimeError
		if errors.As(err, &re) && re.Err.Type == "SystemError" {
			t.Fatalf("%q: %v", src, err)
		}
		if err == nil {
			if _, err := pyval.Repr(ctx, v); err != nil {
				var pe *pyval.Exception
				if !errors.As(err, &pe) {
					t.Fatalf("%q: repr: %v", src, err)
				}
			}
		}
	})
}
