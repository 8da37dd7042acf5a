package pylib

import (
	"errors"
	"math"
	"strings"
	"testing"

	"chaoslab/internal/formula/pyval"
)

func eval(t *testing.T, ctx *pyval.Context, ns map[string]pyval.Value, expr string) (string, error) {
	t.Helper()
	v, err := miniEval(ctx, ns, expr)
	if err != nil {
		return "", err
	}
	s, err := pyval.Repr(ctx, v)
	if err != nil {
		t.Fatalf("repr: %v", err)
	}
	return s, nil
}

func wantExc(t *testing.T, err error, typ, msgPart string) {
	t.Helper()
	var e *pyval.Exception
	if !errors.As(err, &e) {
		t.Fatalf("want %s, got %v", typ, err)
	}
	if e.Type != typ || !strings.Contains(e.Msg, msgPart) {
		t.Fatalf("want %s containing %q, got %s: %s", typ, msgPart, e.Type, e.Msg)
	}
}

func TestSizeLimits(t *testing.T) {
	ns := testNamespace(false)
	for _, expr := range []string{
		"'a'.center(10**10)",
		"'a'.ljust(10**8)",
		"'a'.zfill(10**8)",
		"'ab'.replace('a', 'aaaaaaaaaa' * 100000)",
		"'x'.join(['ab'] * 1000000)",
		"'a\tb'.expandtabs(10**8)",
		"factorial(10**7)",
		"comb(10**9, 10**6)",
		"lcm(2**600000, 3**400000)",
	} {
		t.Run(expr, func(t *testing.T) {
			ctx := newCtx()
			ctx.MaxSize = 1_000_000
			_, err := eval(t, ctx, ns, expr)
			wantExc(t, err, "MemoryError", "")
		})
	}
	t.Run("py2 range", func(t *testing.T) {
		ctx := newCtx()
		ctx.Py2 = true
		ctx.MaxSize = 1000
		_, err := eval(t, ctx, Builtins(true), "range(10**6)")
		wantExc(t, err, "MemoryError", "")
	})
	t.Run("steps", func(t *testing.T) {
		ctx := newCtx()
		ctx.Steps = 100
		_, err := eval(t, ctx, ns, "sorted(range(1000))")
		if err == nil {
			t.Fatal("want step limit error")
		}
	})
}

func TestRandomNeedsSource(t *testing.T) {
	ns := RandomNames()
	ctx := newCtx()
	for _, expr := range []string{"random()", "randint(1, 2)", "random.random()", "choice([1])", "gauss()"} {
		_, err := eval(t, ctx, ns, expr)
		wantExc(t, err, "RuntimeError", "Context.Rand")
	}
}

func TestRandomModuleCallable(t *testing.T) {
	ns := RandomNames()
	ctx := newCtx()
	ctx.Rand = NewRandom(0)
	got, err := eval(t, ctx, ns, "random()")
	if err != nil || got != "0.8444218515250481" {
		t.Fatalf("random() = %s, %v", got, err)
	}
	ctx.Rand = NewRandom(0)
	if got, err = eval(t, ctx, ns, "random.random()"); err != nil || got != "0.8444218515250481" {
		t.Fatalf("random.random() = %s, %v", got, err)
	}
	ctx.Rand = NewRandom(42)
	if got, err = eval(t, ctx, ns, "random.randint(1, 10)"); err != nil || got != "2" {
		t.Fatalf("random.randint(1, 10) = %s, %v", got, err)
	}
	if got, _ = eval(t, ctx, ns, "random"); got != "<module 'random' (built-in)>" {
		t.Fatalf("repr = %s", got)
	}
	// random.seed(n) reseeds the injected generator.
	if _, err = eval(t, ctx, ns, "seed(0)"); err != nil {
		t.Fatal(err)
	}
	if got, _ = eval(t, ctx, ns, "random()"); got != "0.8444218515250481" {
		t.Fatalf("after seed(0): %s", got)
	}
}

func TestMathModule(t *testing.T) {
	ns := MathNames()
	ctx := newCtx()
	for expr, want := range map[string]string{
		"math.sqrt(16)":   "4.0",
		"math.pi":         "3.141592653589793",
		"PI":              "3.141592653589793",
		"math":            "<module 'math' (built-in)>",
		"math.floor(2.5)": "2",
	} {
		got, err := eval(t, ctx, ns, expr)
		if err != nil || got != want {
			t.Errorf("%s = %s, %v; want %s", expr, got, err, want)
		}
	}
	_, err := eval(t, ctx, ns, "math.nope")
	wantExc(t, err, "AttributeError", "module 'math' has no attribute 'nope'")
}

// TestSignalsDefaultPeriod checks that sin(t) and cos(t) are Signals.py's
// math.sin(2*pi*(t/(2*pi))), which is not always math.sin(t).
func TestSignalsDefaultPeriod(t *testing.T) {
	sig := SignalNames()
	m := MathNames()
	ctx := newCtx()
	for _, x := range []float64{0, 0.1, 1, 2.5, 1e5, -3.7, -7, 1e22} {
		for _, name := range []string{"sin", "cos"} {
			a, err := pyval.Call(ctx, sig[name], []pyval.Value{pyval.Float(x)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := pyval.Call(ctx, m[name], []pyval.Value{pyval.Float(2 * math.Pi * (x / (2 * math.Pi)))}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.N != b.N {
				t.Errorf("%s(%v): signals %v, math %v", name, x, a.Float64(), b.Float64())
			}
		}
	}
}

type fixedClock float64

func (c fixedClock) Now() float64 { return float64(c) }

func TestRippleUsesHostClock(t *testing.T) {
	ctx := newCtx()
	ctx.Host = fixedClock(2.5)
	got, err := eval(t, ctx, SignalNames(), "ripple(10, 1)")
	if err != nil {
		t.Fatal(err)
	}
	want := 10 + math.Sin(2*math.Pi*(2.5/(2*math.Pi)))
	if got != formatFloat(want) {
		t.Fatalf("ripple = %s, want %v", got, want)
	}
	ctx.Host = nil
	if got, _ = eval(t, ctx, SignalNames(), "ripple(10, 1)"); got != "10.0" {
		t.Fatalf("without clock: %s", got)
	}
}

func formatFloat(f float64) string {
	s, _ := pyval.Repr(nil, pyval.Float(f))
	return s
}

func TestTypesAndIterators(t *testing.T) {
	ns := testNamespace(false)
	ctx := newCtx()
	for expr, want := range map[string]string{
		"int":                              "<class 'int'>",
		"type(1.5)":                        "<class 'float'>",
		"type(None)":                       "<class 'NoneType'>",
		"type(type(None))":                 "<class 'type'>",
		"isinstance(int, type)":            "True",
		"type(map(abs, [1]))":              "<class 'map'>",
		"list(iter(range(3)))":             "[0, 1, 2]",
		"next(map(abs, [-4, 5]))":          "4",
		"next(zip('ab', 'cd'))":            "('a', 'c')",
		"next(enumerate('xy', 3))":         "(3, 'x')",
		"next(reversed([1, 2]))":           "2",
		"next(filter(None, [0, 7]))":       "7",
		"sorted({'b': 1, 'a': 2}.items())": "[('a', 2), ('b', 1)]",
		"'a' in {'a': 1}.keys()":           "True",
	} {
		v, err := miniEval(ctx, ns, strings.Replace(expr, "'a' in ", "", 1))
		if strings.HasPrefix(expr, "'a' in ") {
			if err != nil {
				t.Fatal(err)
			}
			ok, err := pyval.Contains(ctx, v, pyval.Str("a"))
			if err != nil || !ok {
				t.Errorf("%s: %v %v", expr, ok, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		got, _ := pyval.Repr(ctx, v)
		if got != want {
			t.Errorf("%s = %s, want %s", expr, got, want)
		}
	}
	got, _ := eval(t, ctx, ns, "map(abs, [1])")
	if !strings.HasPrefix(got, "<map object at 0x") {
		t.Errorf("map repr %s", got)
	}
}

func TestMTKnownValues(t *testing.T) {
	// python3 -c "import random; random.seed(12345); print(random.getrandbits(32), random.random())"
	m := NewRandom(12345)
	if got := m.Getrandbits(32); got != 1789368711 {
		t.Fatalf("getrandbits(32) = %d", got)
	}
	if got := m.Random(); got != 0.7326852754516092 {
		t.Fatalf("random() = %v", got)
	}
}
