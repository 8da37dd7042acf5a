package formula

import (
	"math"
	"testing"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

// benchEnv compiles src with the given host names and returns the program
// and a ready Env.
func benchEnv(b *testing.B, src string, host ...string) (*Program, *Env) {
	b.Helper()
	hn := map[string]bool{}
	for _, h := range host {
		hn[h] = true
	}
	p, err := Compile(src, &Options{HostNames: hn, Globals: map[string]pyval.Value{"PI": pyval.Float(3.141592653589793)}})
	if err != nil {
		b.Fatal(err)
	}
	env := p.NewEnv(&pyval.Context{Rand: pylib.NewRandom(0)})
	return p, env
}

func BenchmarkF1(b *testing.B) {
	p, env := benchEnv(b, "PRef + 1e-7*sin(PI*t)", "PRef", "t")
	pref, t := p.Slot("PRef"), p.Slot("t")
	b.ReportAllocs()
	var ts [64]pyval.Value
	for i := range ts {
		ts[i] = pyval.Float(12.5 + float64(i)*0.1)
	}
	for i := 0; b.Loop(); i++ {
		env.Vars[pref] = pyval.Float(1e-9)
		env.Vars[t] = ts[i&63]
		if _, err := p.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkF2(b *testing.B) {
	p, env := benchEnv(b, "0 < Current < 20 and not Alarm", "Current", "Alarm")
	cur, alarm := p.Slot("Current"), p.Slot("Alarm")
	b.ReportAllocs()
	var cs [64]pyval.Value
	for i := range cs {
		cs[i] = pyval.Float(float64(i) * 0.5)
	}
	for i := 0; b.Loop(); i++ {
		env.Vars[cur] = cs[i&63]
		env.Vars[alarm] = pyval.Bool(i&7 == 0)
		if _, err := p.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListComp10(b *testing.B) {
	p, env := benchEnv(b, "[x*2 for x in v]", "v")
	items := make([]pyval.Value, 10)
	for i := range items {
		items[i] = pyval.Int(int64(i))
	}
	env.Vars[p.Slot("v")] = pyval.NewList(items)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPercentFormat(b *testing.B) {
	p, env := benchEnv(b, "'%s=%.3f' % (n, x)", "n", "x")
	env.Vars[p.Slot("n")] = pyval.Str("Current")
	env.Vars[p.Slot("x")] = pyval.Float(12.3456)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStrMethod(b *testing.B) {
	p, env := benchEnv(b, "name.upper()", "name")
	env.Vars[p.Slot("name")] = pyval.Str("sr/vc/vgct-01")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

// typicalFormula is a SimulatorDS attribute of the usual shape: a noisy
// sine around a set point, switched off by an interlock.
const typicalFormula = "DevDouble(230.0 + 5*sin(2*pi*t/60.) + 0.5*random()) if not Interlocks[0] and STATE != FAULT else 0.0"

func BenchmarkCompile(b *testing.B) {
	opts := &Options{HostNames: map[string]bool{"t": true, "Interlocks": true, "STATE": true}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(typicalFormula, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkF1Native is F1 written in Go over the same slot array: the
// floor the compiled formula is measured against.
func BenchmarkF1Native(b *testing.B) {
	vars := make([]pyval.Value, 2)
	var ts [64]pyval.Value
	for i := range ts {
		ts[i] = pyval.Float(12.5 + float64(i)*0.1)
	}
	var sink float64
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		vars[0] = pyval.Float(1e-9)
		vars[1] = ts[i&63]
		sink += vars[0].Float64() + 1e-7*math.Sin(math.Pi*vars[1].Float64())
	}
	_ = sink
}

// BenchmarkF1GoSin is F1 with sin bound to Go's math.Sin (the prototype's
// sin): it isolates the compiler's overhead from pylib's correctly rounded
// sin.
func BenchmarkF1GoSin(b *testing.B) {
	goSin := pyval.NewFunc(&pyval.Func{Name: "sin", F1: func(ctx *pyval.Context, a pyval.Value) (pyval.Value, error) {
		if a.K == pyval.FloatKind {
			return pyval.Float(math.Sin(a.Float64())), nil
		}
		return pyval.Value{}, pyval.Errorf("TypeError", "must be real number, not %s", pyval.TypeName(a))
	}, Float: func(x float64) (float64, bool) { return math.Sin(x), true }})
	p, err := Compile("PRef + 1e-7*sin(PI*t)", &Options{HostNames: map[string]bool{"PRef": true, "t": true},
		Globals: map[string]pyval.Value{"PI": pyval.Float(math.Pi), "sin": goSin}, Pure: map[string]bool{"sin": true}})
	if err != nil {
		b.Fatal(err)
	}
	env := p.NewEnv(&pyval.Context{})
	pref, t := p.Slot("PRef"), p.Slot("t")
	var ts [64]pyval.Value
	for i := range ts {
		ts[i] = pyval.Float(12.5 + float64(i)*0.1)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		env.Vars[pref] = pyval.Float(1e-9)
		env.Vars[t] = ts[i&63]
		if _, err := p.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkF1Lifted is BenchmarkF1 compiled with Options.Lift and
// evaluated with another text's literals (a device sharing the shape).
func BenchmarkF1Lifted(b *testing.B) {
	p, err := CompileShape("PRef + 1e-7*sin(PI*t)", &Options{HostNames: map[string]bool{"PRef": true, "t": true}, Globals: map[string]pyval.Value{"PI": pyval.Float(3.141592653589793)}})
	if err != nil {
		b.Fatal(err)
	}
	_, lits, _ := Shape("PRef + 2.5e-7*sin(PI*t)", Py3)
	env := p.NewEnv(&pyval.Context{})
	env.Lits = lits
	pref, t := p.Slot("PRef"), p.Slot("t")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		env.Vars[pref] = pyval.Float(1e-9)
		env.Vars[t] = pyval.Float(12.5 + float64(i&63)*0.1)
		if _, err := p.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkShape is what a device whose text shares a compiled shape
// pays at build time (compare BenchmarkCompile).
func BenchmarkShape(b *testing.B) {
	b.ReportAllocs()
	var key []byte
	for b.Loop() {
		var err error
		if key, _, err = AppendShape(key[:0], typicalFormula, Py3); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallKeywords is a host call with keywords whose argument slices
// are borrowed from the Env (Options.Borrow).
func BenchmarkCallKeywords(b *testing.B) {
	first := pyval.NewFunc(&pyval.Func{Name: "VAR", Fn: func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
		return kw[0].Value, nil
	}})
	p := MustCompile("VAR('sp', default=x, WRITE=True)", &Options{Globals: map[string]pyval.Value{"VAR": first}, Borrow: map[string]bool{"VAR": true}, HostNames: map[string]bool{"x": true}})
	env := p.NewEnv(&pyval.Context{})
	env.Vars[0] = pyval.Float(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}
