package sim

import (
	"fmt"
	"strings"
	"testing"

	"chaoslab/internal/formula"
	"chaoslab/internal/formula/pyval"
)

// TestVarFastMatchesInterpreter: attributes whose formula is one VAR call
// with literal arguments (varFast) read, write and interact with qualities,
// dependencies and ATTR cycles exactly as the interpreter evaluates them.
func TestVarFastMatchesInterpreter(t *testing.T) {
	props := map[string][]string{
		"DynamicAttributes": {
			"A = VAR('a', default=1, WRITE=True)",
			"B = VAR('b', 2.5)",
			"C = VAR(None, None, 7, True)",
			"D = VAR('d', WRITE=False, default='x')",
			"E = VAR('a')",
			"F = VAR('f', default=None, WRITE=True)",
			"G = VAR('g', default=-3, WRITE=True, v=None)",
			"V_VAL = VAR('v', default=1, WRITE=True)",
			"V_ALRM = V_VAL > 3",
			"S = A + B",
			"L = DevLong(VAR('l', default=4, WRITE=True))",
			"Bad = VAR('a', nope=1)",
			"Many = VAR('a', 1, 2, 3, 4)",
		},
		"DynamicQualities": {"(*)_VAL = ATTR_ALARM if ATTR('$_ALRM') else ATTR_VALID"},
		"DynamicStates":    {"ALARM = A > 10", "ON = True"},
		"A.max_value":      {"100"},
	}
	type step struct {
		at    float64
		write string // "Attr=python value"
	}
	script := []step{{at: 2}, {at: 2.1, write: "A=5"}, {at: 2.2}, {at: 2.3, write: "V_VAL=9"}, {at: 2.4},
		{at: 2.5, write: "A=1000"}, {at: 2.6, write: "F=3"}, {at: 2.7, write: "C=11"}, {at: 2.8, write: "D='y'"},
		{at: 3}, {at: 3.3, write: "A=20"}, {at: 4}}
	names := []string{"A", "B", "C", "D", "E", "F", "G", "V_VAL", "V_ALRM", "S", "L", "Bad", "Many", "State", "Status"}
	run := func(noFast, py3 bool) []string {
		w := newWorld(t, dev("x/y/z", props), Options{Py3: py3})
		w.noVarFast = noFast
		var log []string
		for _, st := range script {
			if st.write != "" {
				attr, lit, _ := strings.Cut(st.write, "=")
				v, err := formula.LiteralEval(lit, formula.Py3)
				if err != nil {
					t.Fatal(err)
				}
				log = append(log, fmt.Sprintf("%v write %s: %v", st.at, st.write, w.Write(at(st.at), "x/y/z", attr, v)))
				continue
			}
			rs, err := w.Read(at(st.at), "x/y/z", names...)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				rep, _ := pyval.Repr(&pyval.Context{}, r.Value)
				log = append(log, fmt.Sprintf("%v %s = %s %v %v", st.at, r.Attr, rep, r.Quality, r.Err))
			}
		}
		return log
	}
	for _, py3 := range []bool{false, true} {
		fast, slow := run(false, py3), run(true, py3)
		if len(fast) != len(slow) {
			t.Fatalf("py3 %v: %d lines, interpreter %d", py3, len(fast), len(slow))
		}
		for i := range fast {
			if fast[i] != slow[i] {
				t.Errorf("py3 %v: fast: %s\n      interpreter: %s", py3, fast[i], slow[i])
			}
		}
	}
}
