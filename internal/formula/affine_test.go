package formula

import (
	"math"
	"testing"

	"chaoslab/internal/formula/pyval"
)

// TestAffineCallMatchesGeneric evaluates the p + c*g(k*b) shapes (and
// near misses) with the fused paths on and off, in both modes, over
// bindings of every kind: the results (bit for bit: repr is round-trip)
// and errors must agree. The root shapes must take Program.affine.
func TestAffineCallMatchesGeneric(t *testing.T) {
	roots := []string{
		"PRef + 1e-7*sin(PI*t)", "PRef - 1e-7*sin(PI*t)", "1e-7*sin(PI*t) + PRef", "sin(PI*t)*1e-7 - PRef",
		"2+1.5*sin(3*t)", "2-1.5*cos(t*3)", "sin(t)", "cos(t)", "0 + sin(t)", "0.0 - sin(t)", "sin(t) - 0.0",
		"sqrt(t)*2 + PRef", "PRef + exp(0.5*t)", "3*sin(t)", "-1*cos(t) + 1", "PRef + cos(PI*t)",
		"fabs(t)*-2.5 + 1", "1e308*sin(t) + PRef",
	}
	others := []string{
		"sin(2*t)*PRef", "PRef + sin(t)/2", "log(t) - PRef", "PRef + 1e-7*sin(PI*t) > 0", "-(PRef + sin(t))",
		"(PRef + 1e-7*sin(PI*t)) * 2", "sin(t, 10) + PRef", "PRef + sin(t) + 1", "[PRef - 2*cos(x*t) for x in (1.0, 2)]",
	}
	vals := []pyval.Value{pyval.Float(1.5), pyval.Float(-2), pyval.Float(0), pyval.Float(math.Copysign(0, -1)),
		pyval.Float(13), pyval.Float(12.5), pyval.Float(math.NaN()), pyval.Float(math.Inf(1)), pyval.Float(math.Inf(-1)),
		pyval.Float(1e308), pyval.Float(3e9), pyval.Int(3), pyval.Int(0), pyval.True, pyval.False, pyval.None,
		pyval.Str("x"), pyval.Int(1 << 60), {}}
	host := map[string]bool{"PRef": true, "t": true}
	globals := map[string]pyval.Value{"PI": pyval.Float(math.Pi)}
	for _, mode := range []Mode{Py3, Py2} {
		for i, src := range append(append([]string{}, roots...), others...) {
			opts := &Options{HostNames: host, Mode: mode}
			if i%2 == 0 {
				opts.Globals = globals // PI the host's global or the builtin
			}
			fuseEnabled = true
			fused := MustCompile(src, opts)
			fuseEnabled = false
			plain := MustCompile(src, opts)
			fuseEnabled = true
			if want := i < len(roots); (fused.affine != nil) != want {
				t.Errorf("%s: affine root %v, want %v", src, fused.affine != nil, want)
			}
			for ai, a := range vals {
				for bi, b := range vals {
					var results [2]string
					for k, p := range []*Program{fused, plain} {
						env := p.NewEnv(&pyval.Context{})
						if s := p.Slot("PRef"); s >= 0 {
							env.Vars[s] = a
						}
						if s := p.Slot("t"); s >= 0 {
							env.Vars[s] = b
						}
						results[k] = evalShow(p, env)
					}
					if results[0] != results[1] {
						t.Errorf("mode %d %s with #%d, #%d: fused %s, generic %s", mode, src, ai, bi, results[0], results[1])
					}
				}
			}
		}
	}
}

// TestAffineCallSweep compares the fused root of the formula with
// the generic path over a dense sweep of t (whole and half t included, where
// sin is tiny or +-1).
func TestAffineCallSweep(t *testing.T) {
	host := map[string]bool{"PRef": true, "t": true}
	for _, src := range []string{"PRef + 1e-7*sin(PI*t)", "PRef - 2.5*cos(PI*t)"} {
		fuseEnabled = true
		fused := MustCompile(src, &Options{HostNames: host})
		fuseEnabled = false
		plain := MustCompile(src, &Options{HostNames: host})
		fuseEnabled = true
		ef, ep := fused.NewEnv(&pyval.Context{}), plain.NewEnv(&pyval.Context{})
		for i := -20000; i < 20000; i++ {
			for _, e := range []*Env{ef, ep} {
				e.Vars[fused.Slot("PRef")] = pyval.Float(1e-9)
				e.Vars[fused.Slot("t")] = pyval.Float(float64(i) * 0.05)
			}
			a, err1 := fused.Eval(ef)
			b, err2 := plain.Eval(ep)
			if err1 != nil || err2 != nil || a.K != b.K || a.N != b.N {
				t.Fatalf("%s t=%v: fused %v %v, generic %v %v", src, float64(i)*0.05, a, err1, b, err2)
			}
		}
	}
}

// TestAffineCallLifted checks the shape with lifted literals (Options.Lift,
// as the twin compiles): a Program compiled from one text and evaluated
// with another text's literals (of the same shape) must give that text's
// generic results, literal kinds that do not fit included.
func TestAffineCallLifted(t *testing.T) {
	pairs := [][2]string{
		{"PRef + 1e-7*sin(PI*t)", "PRef + 2.5e-7*sin(PI*t)"},
		{"PRef - 1e-7*sin(2.0*t)", "PRef - 3.0*sin(0.5*t)"},
		{"2+1.5*sin(3*t)", "7+0.5*sin(1*t)"},
		{"2+1.5*sin(3*t)", "-4+1e300*sin(-2*t)"},
		{"1.5*cos(t) - 0.25", "-2.5*cos(t) - 1e-9"},
		{"PRef + 2*cos(t*0.1)", "PRef + 9007199254740993*cos(t*0.1)"},
		{"sin(t*2) + 3", "sin(t*4) + 0"},
	}
	vals := []pyval.Value{pyval.Float(1.5), pyval.Float(-2), pyval.Float(math.Copysign(0, -1)), pyval.Float(13),
		pyval.Float(math.NaN()), pyval.Float(math.Inf(1)), pyval.Float(3e9), pyval.Int(3), pyval.True, pyval.None, pyval.Str("x")}
	host := map[string]bool{"PRef": true, "t": true}
	for _, pr := range pairs {
		k1, _, err1 := AppendShape(nil, pr[0], Py3)
		k2, lits, err2 := AppendShape(nil, pr[1], Py3)
		if err1 != nil || err2 != nil || string(k1) != string(k2) {
			t.Fatalf("%q and %q: not one shape (%v %v)", pr[0], pr[1], err1, err2)
		}
		shared, err := CompileShape(pr[0], &Options{HostNames: host})
		if err != nil {
			t.Fatal(err)
		}
		fuseEnabled = false
		plain := MustCompile(pr[1], &Options{HostNames: host})
		fuseEnabled = true
		for _, a := range vals {
			for _, b := range vals {
				var results [2]string
				for k, p := range []*Program{shared, plain} {
					env := p.NewEnv(&pyval.Context{})
					if k == 0 {
						env.Lits = lits
					}
					if s := p.Slot("PRef"); s >= 0 {
						env.Vars[s] = a
					}
					env.Vars[p.Slot("t")] = b
					results[k] = evalShow(p, env)
				}
				if results[0] != results[1] {
					t.Errorf("%s as %s with %v, %v: shared %s, generic %s", pr[1], pr[0], a, b, results[0], results[1])
				}
			}
		}
	}
}
