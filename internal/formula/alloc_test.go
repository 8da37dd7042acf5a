package formula

import (
	"testing"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

// TestSteadyStateAllocs pins the per-evaluation allocations of the calls a
// twin makes on every Advance (AllocsPerRun counts, no timing).
func TestSteadyStateAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters change allocation counts")
	}
	for _, tc := range []struct {
		src  string
		want float64
	}{
		{"PRef + 1e-7*sin(PI*t)", 0},
		{"0 < Current < 20 and not Alarm", 0},
		{"max(x, y)", 0},
		{"min(x, y, 0.5)", 0},
		{"max(x, 2) + min(y, 1)", 0},
		{"ramp(t)", 0},
		{"ramp(t, 0.5)", 0},
		{"ramp(t, 0.5, 10)", 0},
		{"square(t, 0.5)", 0},
		{"triangle(t)", 0},
		{"sin(t, 10)", 0},
		{"gauss()", 0},
		{"gauss(x)", 0},
		{"gauss(0, 1)", 0},
		{"PRef + gauss(0, 0.01)", 0},
		{"'%.3f' % x", 2}, // the text, and its boxing into a Value
	} {
		t.Run(tc.src, func(t *testing.T) {
			p := MustCompile(tc.src, &Options{HostNames: map[string]bool{"x": true, "y": true, "t": true, "PRef": true, "Current": true, "Alarm": true}})
			env := p.NewEnv(&pyval.Context{Rand: pylib.NewRandom(1)})
			for _, n := range []string{"x", "y", "t", "PRef", "Current"} {
				if s := p.Slot(n); s >= 0 {
					env.Vars[s] = pyval.Float(1.25)
				}
			}
			if s := p.Slot("Alarm"); s >= 0 {
				env.Vars[s] = pyval.False
			}
			got := testing.AllocsPerRun(50, func() {
				if _, err := p.Eval(env); err != nil {
					t.Fatal(err)
				}
			})
			if got > tc.want {
				t.Errorf("%v allocations per evaluation, want %v", got, tc.want)
			}
		})
	}
}
