package pylib

import (
	"math"
	"testing"

	"chaoslab/internal/formula/pyval"
)

func BenchmarkSinF1(b *testing.B) {
	sin := SignalNames()["sin"]
	f := sin.O.(*pyval.Func)
	ctx := newCtx()
	x := pyval.Float(1.25)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := f.F1(ctx, x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSinF1Mixed runs Signals sin over the arguments of the formula
// package's F1 benchmark (PI*t, t = 12.5, 12.6, ...): one in five is near a
// multiple of pi/2, where the result is tiny or near +-1.
func BenchmarkSinF1Mixed(b *testing.B) {
	sin := SignalNames()["sin"]
	f := sin.O.(*pyval.Func)
	ctx := newCtx()
	var xs [64]pyval.Value
	for i := range xs {
		xs[i] = pyval.Float(math.Pi * (12.5 + float64(i)*0.1))
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := f.F1(ctx, xs[i&63]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMathSinCall(b *testing.B) {
	sin := MathNames()["sin"]
	ctx := newCtx()
	args := []pyval.Value{pyval.Float(1.25)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := pyval.Call(ctx, sin, args, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStrUpper(b *testing.B) {
	Install()
	ctx := newCtx()
	s := pyval.Str("hello world")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m, err := pyval.GetAttr(ctx, s, "upper")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := pyval.Call(ctx, m, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSorted10(b *testing.B) {
	sorted := Builtins(false)["sorted"]
	ctx := newCtx()
	items := []pyval.Value{}
	for _, n := range []int64{5, 3, 9, 1, 7, 2, 8, 6, 4, 0} {
		items = append(items, pyval.Int(n))
	}
	args := []pyval.Value{pyval.NewList(items)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ctx.Steps = pyval.DefaultSteps
		if _, err := pyval.Call(ctx, sorted, args, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRound2(b *testing.B) {
	round := Builtins(false)["round"]
	ctx := newCtx()
	args := []pyval.Value{pyval.Float(2.675), pyval.Int(2)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := pyval.Call(ctx, round, args, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRandint(b *testing.B) {
	randint := RandomNames()["randint"]
	ctx := newCtx()
	ctx.Rand = NewRandom(1)
	args := []pyval.Value{pyval.Int(15), pyval.Int(30)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ctx.Steps = pyval.DefaultSteps
		if _, err := pyval.Call(ctx, randint, args, nil); err != nil {
			b.Fatal(err)
		}
	}
}
