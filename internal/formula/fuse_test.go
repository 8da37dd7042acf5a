package formula

import (
	"testing"

	"chaoslab/internal/formula/pyval"
)

// TestFusedMatchesGeneric evaluates formulas with the fused paths on and
// off over bindings of every kind: the results and errors must agree.
func TestFusedMatchesGeneric(t *testing.T) {
	formulas := []string{
		"PRef + 1e-7*sin(PI*t)",
		"0 < Current < 20 and not Alarm",
		"Current > 2 or Alarm",
		"1 if Current > 2 else 0",
		"-t * 2 / PRef",
		"t / 0.0",
		"sqrt(t) + fabs(-t)",
		"not (t < PRef) and t == t",
		"t is None or t != PRef",
		"(t + 1) * (PRef - 1) > 3 >= Current",
		"t / 3",
		"sin(t)",
		"t - 1 < PRef + 1",
		"[x * t + 1 for x in (1.5, 2.0, 3)]",
		"[not x for x in (0, 1.5, None, 'a', t)]",
		"[x < t < 2 for x in (0, 1.5, -1.0, PRef)]",
		"(lambda a, b: -a / b if a < b else b)(t, PRef)",
		// shapes the closure compiler specialises (fastpath.go)
		"t * 2.5 - PRef", "2.5 * t + 1", "1.5 - t / 2.0", "PRef / t", "2.0 / t", "-(t * PRef)", "t / 0.0 + 1",
		"t < 3", "3 >= t", "t == 1", "t != 1.5", "0 <= t <= PRef", "0 < Current <= 20 and not Alarm",
		"-2 < t < 2.5 < PRef", "Current > 2 or not Alarm", "not Alarm or Current",
		// a failing branch before one that succeeds must still fall back
		"(t / 0.0 > 1) or (t < 2)", "(t * PRef > 1) or (t < 2)", "not (PRef / t > 0) or t > 1",
		"sqrt(t) > 1 or t < 0", "log(t) + 1", "exp(t) < 10", "sin(PI*t) if t > 0 else cos(t)",
		"sin(t) + cos(PRef) * tan(t)", "fabs(t) + fabs(PRef)",
	}
	vals := []pyval.Value{pyval.Float(1.5), pyval.Float(-2), pyval.Float(0), pyval.Int(3), pyval.Int(0), pyval.True,
		pyval.None, pyval.Str("x"), pyval.Float(1e308), pyval.Int(1 << 60), {}}
	host := map[string]bool{"PRef": true, "t": true, "Current": true, "Alarm": true}
	for _, src := range formulas {
		fuseEnabled = true
		fused := MustCompile(src, &Options{HostNames: host})
		fuseEnabled = false
		plain := MustCompile(src, &Options{HostNames: host})
		fuseEnabled = true
		for i, a := range vals {
			for j, b := range vals {
				results := [2]string{}
				for k, p := range []*Program{fused, plain} {
					env := p.NewEnv(&pyval.Context{})
					ns, _ := pyval.NewDict()
					env.Namespace = ns
					for n, name := range []string{"PRef", "t", "Current", "Alarm"} {
						if s := p.Slot(name); s >= 0 {
							env.Vars[s] = [4]pyval.Value{a, b, b, a}[n]
						}
					}
					results[k] = evalShow(p, env)
				}
				if results[0] != results[1] {
					t.Errorf("%s with #%d, #%d: fused %s, generic %s", src, i, j, results[0], results[1])
				}
			}
		}
	}
}

// TestFastRootUsed pins that the issue #2 formulas take the compiled fused
// root (Program.run's unguarded path), also with the host's PI global.
func TestFastRootUsed(t *testing.T) {
	globals := map[string]pyval.Value{"PI": pyval.Float(3.141592653589793)}
	host := map[string]bool{"PRef": true, "t": true, "Current": true, "Alarm": true}
	for _, tc := range []struct {
		src          string
		float, boolV bool
	}{
		{"PRef + 1e-7*sin(PI*t)", true, false},
		{"0 < Current < 20 and not Alarm", false, true},
		{"-t * 2 / PRef", true, false},
		{"PRef + 1e-7*sin(PI*t, 10)", false, false}, // general call: not fused
	} {
		t.Run(tc.src, func(t *testing.T) {
			p := MustCompile(tc.src, &Options{HostNames: host, Globals: globals})
			if (p.fastF != nil) != tc.float || (p.fastB != nil) != tc.boolV {
				t.Errorf("fastF %v fastB %v, want %v %v", p.fastF != nil, p.fastB != nil, tc.float, tc.boolV)
			}
		})
	}
}
