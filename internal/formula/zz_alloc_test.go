package formula

import (
	"testing"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

func TestTmpAllocs(t *testing.T) {
	for _, src := range []string{"max(x, y)", "min(x, y, 0.5)", "max(x, y, key=abs)", "max([x, y])", "ramp(t)", "ramp(t, 0.5)", "ramp(t, 0.5, 10)", "square(t, 0.5)", "triangle(t)", "gauss(0, 1)", "gauss(x)", "gauss()", "'%.3f' % x", "'%s=%.3f' % ('a', x)", "sin(t, 10)"} {
		p := MustCompile(src, &Options{HostNames: map[string]bool{"x": true, "y": true, "t": true}})
		env := p.NewEnv(&pyval.Context{Rand: pylib.NewRandom(1)})
		for _, n := range []string{"x", "y", "t"} {
			if s := p.Slot(n); s >= 0 {
				env.Vars[s] = pyval.Float(1.25)
			}
		}
		a := testing.AllocsPerRun(100, func() {
			if _, err := p.Eval(env); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%-30s %v", src, a)
	}
}
