package formula

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// shapeHost is a stand-in for the twin's host functions: each returns its
// arguments, so lifted literal values reach the result.
var shapeHost = func() map[string]pyval.Value {
	echo := func(name string) pyval.Value {
		return pyval.NewFunc(&pyval.Func{Name: name, Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
			out := append([]pyval.Value{pyval.Str(name)}, args...)
			for _, k := range kw {
				out = append(out, pyval.Str(k.Name), k.Value)
			}
			return pyval.NewTuple(out), nil
		}})
	}
	g := map[string]pyval.Value{}
	for _, n := range []string{"VAR", "ATTR", "XATTR", "PROPERTY", "DevLong", "DevString", "DevBoolean", "DevVarDoubleArray", "Bit", "WriteFlag", "WriteInt", "GET", "SET"} {
		g[n] = echo(n)
	}
	// DevDouble: a pure float cast with F1, so fused paths call it.
	g["DevDouble"] = pyval.NewFunc(&pyval.Func{Name: "DevDouble",
		F1: func(ctx *pyval.Context, a pyval.Value) (pyval.Value, error) {
			if a.K == pyval.FloatKind {
				return a, nil
			}
			return pyval.Call(ctx, pylib.Builtins(false)["float"], []pyval.Value{a}, nil)
		}})
	return g
}()

// shapeEval compiles src (lifted or not) and evaluates it with every free
// name bound to a value derived from the name; lits is the table of the
// text evaluated (nil: the program's own). The result is the repr or the
// error with its position.
func shapeEval(t testing.TB, p *Program, lits *Literals, mode Mode) string {
	t.Helper()
	ctx := &pyval.Context{Py2: mode == Py2, Rand: pylib.NewRandom(0), MaxSize: 1_000_000}
	env := p.NewEnv(ctx)
	env.Lits = lits
	env.MaxSteps = 200_000
	ns, _ := pyval.NewDict()
	env.Namespace = ns
	for i, n := range p.Names() {
		switch {
		case n == "t":
			env.Vars[i] = pyval.Float(2.5)
		case strings.Contains(n, "READ"):
			items := make([]pyval.Value, 80)
			for k := range items {
				items[k] = pyval.Int(int64(k * 3))
			}
			env.Vars[i] = pyval.NewList(items)
		case strings.HasPrefix(n, "_tango"):
			env.Vars[i] = pyval.Int(int64(len(n)))
		default:
			env.Vars[i] = pyval.Float(float64(len(n)) + 0.5)
		}
	}
	v, err := p.Eval(env)
	if err != nil {
		var re *RuntimeError
		if errors.As(err, &re) {
			if re.Err.Type == "SystemError" {
				t.Fatalf("%s: internal error: %v", lits.srcOr(p), err)
			}
			return fmt.Sprintf("!%v at %d:%d", err, re.Line, re.Col)
		}
		return "!" + err.Error()
	}
	r, err := pyval.Repr(ctx, v)
	if err != nil {
		return "!repr: " + err.Error()
	}
	return addr.ReplaceAllString(r, "at 0x")
}

var addr = regexp.MustCompile(`at 0x[0-9a-f]+`)

func (l *Literals) srcOr(p *Program) string {
	if l == nil {
		return p.Source()
	}
	return l.Src
}

// variant rewrites every lifted literal of src with another literal of the
// same kind and a different length (numbers gain a leading 1, strings two
// letters after the opening quote).
func variant(src string, mode Mode) (string, bool) {
	e, err := parse(src, mode == Py2)
	if err != nil {
		return "", false
	}
	idx, _ := lift(src, e)
	cs := make([]*syntax.Constant, 0, len(idx))
	for x := range idx {
		if u, ok := x.(*syntax.UnaryOp); ok {
			x = u.X // -1.5: the sign stays
		}
		cs = append(cs, x.(*syntax.Constant))
	}
	if len(cs) == 0 {
		return "", false
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].From.Offset < cs[j].From.Offset })
	var b strings.Builder
	last := 0
	for _, c := range cs {
		b.WriteString(src[last:c.From.Offset])
		tok := src[c.From.Offset:c.To.Offset]
		switch c.Kind {
		case syntax.ConstInt:
			if len(tok) > 1 && tok[0] == '0' && strings.ContainsAny(tok[1:2], "xXoObB") {
				tok = "42"
			} else {
				tok = "1" + tok
			}
		case syntax.ConstFloat:
			tok = "1" + tok
		default:
			q := strings.IndexAny(tok, `'"`)
			n := 1
			if strings.HasPrefix(tok[q:], `'''`) || strings.HasPrefix(tok[q:], `"""`) {
				n = 3
			}
			tok = tok[:q+n] + "zz" + tok[q+n:]
		}
		b.WriteString(tok)
		last = c.To.Offset
	}
	b.WriteString(src[last:])
	return b.String(), true
}

// checkShape checks lifting on one text: the lifted Program gives the
// unshared result for src, and, shared with a variant of src, the variant's
// unshared result (positions included).
func checkShape(t *testing.T, src string, mode Mode) (shared bool) {
	t.Helper()
	opts := &Options{Mode: mode, Globals: shapeHost, Pure: map[string]bool{"DevDouble": true}}
	ref, err := Compile(src, opts)
	lp, lerr := CompileShape(src, opts)
	if (err == nil) != (lerr == nil) || (err != nil && err.Error() != lerr.Error()) {
		t.Errorf("%q: Compile: %v; CompileShape: %v", src, err, lerr)
		return
	}
	if err != nil {
		return
	}
	if a, b := shapeEval(t, ref, nil, mode), shapeEval(t, lp, nil, mode); a != b {
		t.Errorf("%q:\n unshared %s\n   lifted %s", src, a, b)
	}
	v, ok := variant(src, mode)
	if !ok {
		return
	}
	k1, _, err := Shape(src, mode)
	if err != nil {
		t.Fatalf("%q: Shape: %v", src, err)
	}
	k2, l2, err := Shape(v, mode)
	if err != nil {
		return // the variant does not parse (rare literal forms): nothing to share
	}
	if k1 != k2 {
		t.Errorf("%q and %q: different shapes\n%q\n%q", src, v, k1, k2)
		return
	}
	vref, err := Compile(v, opts)
	if err != nil {
		t.Errorf("%q: %v", v, err)
		return
	}
	if a, b := shapeEval(t, vref, nil, mode), shapeEval(t, lp, l2, mode); a != b {
		t.Errorf("%q shared with %q:\n unshared %s\n   shared %s", v, src, a, b)
	}
	return true
}

func TestShapeKey(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{`DevDouble(VAR('GridV', default=-72.0 * (1+2*sin((int(PROPERTY("OFFSET")))+t))))`,
			`DevDouble(VAR('GridI', default=15.6 * (1+2*sin((int(PROPERTY("OFFSET")))+t))))`, true},
		{"x + 1", "x + 100000000000000000000000", true},
		{"x + 1", "x + 1.0", false}, // kinds are part of the key
		{"x + 'a'", "x + b'a'", false},
		{"x + 'a'", `x + r"a\n"`, true},
		{"x + 1", "x +  1", false},
		{"x in (1, 2)", "x in (1, 3)", false}, // a folded tuple keeps its literals
		{"(x, 1)", "(x, 2)", false},           // ... even when not every element is constant
		{"[x, 1]", "[x, 2]", true},
		{"f'{x}1'", "f'{x}2'", false},
		{"x or True", "x or False", false},
		{"'a\x00s'", "'b\x00s'", true},
		{"x #\x00s\n+ 1", "x #\x00s\n+ 2", true},
		{"-1.5 * x", "2.5 * x", true}, // a negative number is one literal
		{"x - -1", "x - 1", true},
		{"-x", "-y", false},
	} {
		k1, _, err1 := Shape(c.a, Py3)
		k2, _, err2 := Shape(c.b, Py3)
		if err1 != nil && err2 != nil {
			continue // both fail to parse: only the NUL cases
		}
		if (k1 == k2) != c.same || (err1 == nil) != (err2 == nil) {
			t.Errorf("Shape(%q) = %q, %v; Shape(%q) = %q, %v; want same=%v", c.a, k1, err1, c.b, k2, err2, c.same)
		}
	}
	// NUL bytes of the text are escaped: no clash with a placeholder.
	if k, _, _ := Shape("x #\x00s", Py3); k != "x #\x00\x00s" {
		t.Errorf("NUL not escaped: %q", k)
	}
	_, _, err := Shape("1 +", Py3)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Errorf("Shape of a bad text: %v", err)
	}
}

// Runtime errors of a shared Program are positioned in the text evaluated,
// however the literals before them differ in length or lines.
func TestShapeErrorPositions(t *testing.T) {
	for _, c := range []struct{ first, other, want string }{
		{"1 + x/0", "1000000 + x/0", "1:11"},
		{"'a' + 1", "'abc' + 1", "1:1"},
		{"2.5 * ('ab'[5])", "1e-7 * ('abcdef'[9])", "1:9"},
		{"['''a\nb''', x,\n 'q' + 1]", "['''a''', x,\n 'qq' + 1]", "2:2"},
		{"-1.5 - 'x'", "-12.75 - 'x'", "1:1"},
		{"x - -1 - 'x'", "x - 200 - 'x'", "1:1"},
		{"['''a\nb''', (x+1)/0]", "['''a''', (x+1)/0]", "1:11"},
		{"'é' + 1 + (\n'ü' + y)", "'é' + 1 + (\n'üüü' + y)", "1:1"},
		{"1 + (\n'ü' + 1)", "1000 + (\n'üüü' + 1)", "2:1"},
		{"1 + (\r\n'ü' + 1)", "1000 + (\r\n'üüü' + 1)", "2:1"},
	} {
		p, err := CompileShape(c.first, nil)
		if err != nil {
			t.Fatal(err)
		}
		key1, _, _ := Shape(c.first, Py3)
		key2, lits, err := Shape(c.other, Py3)
		if err != nil || key1 != key2 {
			t.Fatalf("%q / %q: not one shape (%v)", c.first, c.other, err)
		}
		ref := MustCompile(c.other, nil)
		env := p.NewEnv(nil)
		env.Lits = lits
		if i := p.Slot("x"); i >= 0 {
			env.Vars[i] = pyval.Float(1)
		}
		if i := p.Slot("y"); i >= 0 {
			env.Vars[i] = pyval.Float(1)
		}
		_, err = p.Eval(env)
		renv := ref.NewEnv(nil)
		copy(renv.Vars, env.Vars)
		_, rerr := ref.Eval(renv)
		var re, rre *RuntimeError
		if !errors.As(err, &re) || !errors.As(rerr, &rre) {
			t.Fatalf("%q: %v / %v", c.other, err, rerr)
		}
		got := fmt.Sprintf("%d:%d", re.Line, re.Col)
		if got != fmt.Sprintf("%d:%d", rre.Line, rre.Col) || got != c.want || err.Error() != rerr.Error() {
			t.Errorf("%q: shared %v at %s; unshared %v at %d:%d; want %s", c.other, err, got, rerr, rre.Line, rre.Col, c.want)
		}
	}
}

func TestShapeTableMismatch(t *testing.T) {
	p := MustCompile("x + 1", &Options{Lift: true})
	_, lits, _ := Shape("x + 1 + 2", Py3)
	env := p.NewEnv(nil)
	env.Lits = lits
	env.Vars[0] = pyval.Int(1)
	_, err := p.Eval(env)
	if err == nil || !strings.Contains(err.Error(), "literals") {
		t.Fatalf("got %v", err)
	}
	// A host function that evaluates a shared program with another table
	// (a nested evaluation) leaves the outer evaluation's table alone.
	inner := MustCompile("y * 2", &Options{Lift: true})
	_, l3, _ := Shape("y * 3", Py3)
	ienv := inner.NewEnv(nil)
	call := pyval.NewFunc(&pyval.Func{Name: "call", F1: func(ctx *pyval.Context, a pyval.Value) (pyval.Value, error) {
		ienv.Ctx, ienv.Lits = ctx, l3
		ienv.Vars[0] = a
		return inner.Eval(ienv)
	}})
	outer := MustCompile("call(x) + 10", &Options{Lift: true, Globals: map[string]pyval.Value{"call": call}})
	oenv := outer.NewEnv(nil)
	oenv.Vars[0] = pyval.Int(1)
	if v, err := outer.Eval(oenv); err != nil || v != pyval.Int(13) {
		t.Fatalf("call(x) + 10 = %v, %v", v, err)
	}
}

// Lifting must not change any result: the py3/py2 cases, the corpus and the
// beamline twin's formulas, each alone and shared with a variant.
func TestShapeCases(t *testing.T) {
	for _, fused := range []bool{true, false} {
		fuseEnabled = fused
		for _, c := range py3Cases {
			checkShape(t, c.src, Py3)
		}
		for _, c := range py2Cases {
			checkShape(t, c.src, Py2)
		}
		for _, src := range []string{"-2.5*sin(t) + 3", "1 + 2", "-1 - 2.5", "2*t + 1", "t/2 - 1/2", "not 0 and t > 1.5", "x if 1 else y",
			"-9223372036854775808 - 1", "--5", "-0.0", "'%s=%.3f' % ('a', t)", "{'k': 1}['k']", "[c for c in 'abc' if c != 'b']",
			"(lambda a=2.5: a*t)()", "max(t, 3, key=abs)", "round(t, 1)", "2**-1", "x[1:3]",
			"{5, 13, 21}", "{6, 36, 20, 9, 35}", "{5, 13, t}"} {
			checkShape(t, src, Py3)
			checkShape(t, src, Py2)
		}
	}
	fuseEnabled = true
}

func TestShapeCorpus(t *testing.T) {
	b, err := os.ReadFile("../../../shared/reference/corpus/formulas.json")
	if err != nil {
		t.Skip("corpus not available:", err)
	}
	var corpus []struct {
		Formula    *string
		Parse      string
		TangoNames []string `json:"tango_names"`
	}
	if err := json.Unmarshal(b, &corpus); err != nil {
		t.Fatal(err)
	}
	n, shared := 0, 0
	for _, c := range corpus {
		if c.Formula == nil || c.Parse != "ok" {
			continue
		}
		src := pythonize(*c.Formula, c.TangoNames)
		for _, m := range []Mode{Py3, Py2} {
			if _, err := Compile(src, &Options{Mode: m}); err != nil {
				continue
			}
			n++
			if checkShape(t, src, m) {
				shared++
			}
		}
	}
	t.Logf("%d corpus formulas checked, %d shared with a variant", n, shared)
	if n < 200 {
		t.Errorf("only %d corpus formulas", n)
	}
}

func TestShapeBL00(t *testing.T) {
	f, err := os.Open("../../../shared/reference/corpus/bl00-sims.csv")
	if err != nil {
		t.Skip("corpus not available:", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	prop := ""
	seen := map[string]bool{}
	n, shared := 0, 0
	for _, row := range rows[1:] {
		if len(row) < 6 {
			continue
		}
		if row[4] != "" {
			prop = strings.ToLower(row[4])
		}
		if prop != "dynamicattributes" && prop != "dynamicstates" && prop != "dynamiccommands" {
			continue
		}
		line := strings.TrimSpace(row[5])
		k := strings.IndexByte(line, '=')
		if line == "" || line[0] == '#' || k < 0 {
			continue
		}
		src := strings.TrimSpace(line[k+1:])
		if seen[src] {
			continue
		}
		seen[src] = true
		for _, m := range []Mode{Py3, Py2} {
			if _, err := Compile(src, &Options{Mode: m}); err != nil {
				continue
			}
			n++
			if checkShape(t, src, m) {
				shared++
			}
		}
	}
	t.Logf("%d bl00 formulas checked, %d shared with a variant", n, shared)
	if n < 100 {
		t.Errorf("only %d bl00 formulas", n)
	}
}

// FuzzShape: Shape never panics, and a text that compiles gives the same
// result lifted as unshared.
func FuzzShape(f *testing.F) {
	for _, s := range []string{"x + 1", "-2.5*sin(t) + 'a'[0]", "VAR('a', default=-1)", "(1, 'b') + (x, 2)", "f'{x}1' + '%d' % 3", "b'x' * 2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if _, _, err := Shape(src, Py3); err != nil {
			return
		}
		if _, err := Compile(src, &Options{Globals: shapeHost}); err != nil {
			return
		}
		checkShape(t, src, Py3)
	})
}
