package pylib

import (
	"testing"

	"chaoslab/internal/formula/pyval"
)

// FuzzStrFormat feeds random format strings (and a random argument) to
// str.format: any error must be a Python exception, never a panic.
func FuzzStrFormat(f *testing.F) {
	for _, s := range []string{
		"{}", "{0}", "{a}", "{0[1]}", "{a.b}", "{!r}", "{0!s:>5}", "{:.{}f}", "{{}}", "{",
		"}", "{0!}", "{0[}", "{:{:{}}}", "{0:{1:{2}}}", "{:%}", "{:,d}", "{a[x]!a:^10}", "{é}",
	} {
		f.Add(s, int64(3), "x")
	}
	Install()
	f.Fuzz(func(t *testing.T, format string, n int64, s string) {
		ctx := &pyval.Context{Steps: 100000, MaxSize: 100000}
		d, dv := pyval.NewDict()
		d.SetStr("x", pyval.Int(n))
		args := []pyval.Value{pyval.Int(n), pyval.Str(s), pyval.Float(float64(n) / 7), pyval.NewList([]pyval.Value{pyval.Str(s)}), dv}
		kw := []pyval.Keyword{{Name: "a", Value: pyval.Str(s)}, {Name: "b", Value: dv}}
		m, err := pyval.GetAttr(ctx, pyval.Str(format), "format")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pyval.Call(ctx, m, args, kw); err != nil {
			if _, ok := err.(*pyval.Exception); !ok {
				t.Fatalf("non-Python error %T: %v", err, err)
			}
		}
		fm, _ := pyval.GetAttr(ctx, pyval.Str(format), "format_map")
		_, _ = pyval.Call(ctx, fm, []pyval.Value{dv}, nil)
	})
}

// FuzzStrMethods runs int(), float(), float.fromhex and the common str
// methods on random text: errors must be Python exceptions, never panics.
func FuzzStrMethods(f *testing.F) {
	for _, s := range []string{"12", " -0x1f ", "1_000", "1e400", "nan", "ΣΑΣ", "a b\tc", "0x1.8p1", "{0}", "١٢"} {
		f.Add(s, "b", int64(3))
	}
	b := Builtins(false)
	f.Fuzz(func(t *testing.T, s, sep string, n int64) {
		ctx := &pyval.Context{Steps: 100000, MaxSize: 100000}
		check := func(_ pyval.Value, err error) {
			if err != nil {
				if _, ok := err.(*pyval.Exception); !ok {
					t.Fatalf("non-Python error %T: %v", err, err)
				}
			}
		}
		str, sepv, nv := pyval.Str(s), pyval.Str(sep), pyval.Int(n%1000)
		check(pyval.Call(ctx, b["int"], []pyval.Value{str}, nil))
		check(pyval.Call(ctx, b["int"], []pyval.Value{str, pyval.Int(0)}, nil))
		check(pyval.Call(ctx, b["float"], []pyval.Value{str}, nil))
		for _, m := range []struct {
			name string
			args []pyval.Value
		}{
			{"split", nil}, {"split", []pyval.Value{sepv}}, {"rsplit", []pyval.Value{sepv, nv}},
			{"strip", []pyval.Value{sepv}}, {"find", []pyval.Value{sepv, nv}}, {"count", []pyval.Value{sepv, nv, nv}},
			{"replace", []pyval.Value{sepv, str, nv}}, {"center", []pyval.Value{nv, pyval.Str("*")}},
			{"upper", nil}, {"lower", nil}, {"title", nil}, {"casefold", nil}, {"swapcase", nil},
			{"splitlines", nil}, {"expandtabs", []pyval.Value{nv}}, {"zfill", []pyval.Value{nv}},
			{"partition", []pyval.Value{sepv}}, {"startswith", []pyval.Value{sepv, nv}}, {"isidentifier", nil},
			{"encode", []pyval.Value{sepv}}, {"format_map", []pyval.Value{pyval.None}},
		} {
			meth, err := pyval.GetAttr(ctx, str, m.name)
			if err != nil {
				t.Fatal(err)
			}
			check(pyval.Call(ctx, meth, m.args, nil))
		}
	})
}

// FuzzSignals calls the Signals functions and the math functions with
// fuzzed numbers, strings and argument counts in both modes: every failure
// must be a Python exception, never a panic.
func FuzzSignals(f *testing.F) {
	f.Add(12.5, int64(3), "x", uint8(2), false)
	f.Add(-7.0, int64(0), "1.5", uint8(5), true)
	f.Add(1e300, int64(-1), "", uint8(1), false)
	sig := SignalNames()
	m := MathNames()
	f.Fuzz(func(t *testing.T, x float64, n int64, s string, nargs uint8, py2 bool) {
		ctx := &pyval.Context{Steps: 100000, MaxSize: 100000, Py2: py2}
		pool := []pyval.Value{pyval.Float(x), pyval.Int(n), pyval.Str(s), pyval.Bool(n&1 == 1), pyval.None}
		args := make([]pyval.Value, int(nargs%7))
		for i := range args {
			args[i] = pool[(int(nargs)+i*int(n&3+1))%len(pool)]
		}
		var kw []pyval.Keyword
		if nargs&8 != 0 {
			kw = []pyval.Keyword{{Name: "period", Value: pool[int(nargs>>4)%len(pool)]}}
		}
		for _, name := range []string{"sin", "cos", "square", "triangle", "ramp", "ripple"} {
			if _, err := pyval.Call(ctx, sig[name], args, kw); err != nil {
				if _, ok := err.(*pyval.Exception); !ok {
					t.Fatalf("%s: non-Python error %T: %v", name, err, err)
				}
			}
		}
		for _, name := range []string{"gamma", "lgamma", "erf", "erfc", "cbrt", "sin", "cos", "log", "ceil", "floor", "trunc"} {
			if _, err := pyval.Call(ctx, m[name], args, nil); err != nil {
				if _, ok := err.(*pyval.Exception); !ok {
					t.Fatalf("math.%s: non-Python error %T: %v", name, err, err)
				}
			}
		}
	})
}
