package pylib

import (
	"math"
	"testing"
)

func f1Args() []float64 {
	xs := make([]float64, 64)
	for i := range xs {
		t := 12.5 + float64(i)*0.1
		xs[i] = twoPi * ((math.Pi * t) / twoPi)
	}
	return xs
}

func TestTmpSinPaths(t *testing.T) {
	var nf, nt, nfull int
	for _, x := range f1Args() {
		if _, ok := fastTrig(x, false); ok {
			nf++
		} else if _, ok := tinyTrig(x, false); ok {
			nt++
		} else {
			nfull++
		}
	}
	t.Log(nf, nt, nfull)
}

func BenchmarkTmpCrSinF1(b *testing.B) {
	xs := f1Args()
	for i := 0; i < b.N; i++ {
		sinkF += crSin(xs[i&63])
	}
}

func BenchmarkTmpGoSinF1(b *testing.B) {
	xs := f1Args()
	for i := 0; i < b.N; i++ {
		sinkF += math.Sin(xs[i&63])
	}
}

func TestTmpSinFull(t *testing.T) {
	for i, x := range f1Args() {
		_, ok1 := fastTrig(x, false)
		_, ok2 := tinyTrig(x, false)
		if !ok1 && !ok2 {
			t.Logf("i=%d x=%v %x sin=%v", i, x, math.Float64bits(x), crSin(x))
		}
	}
}

func easyArgs() []float64 {
	var xs []float64
	for x := 40.0; len(xs) < 64; x += 0.37 {
		if _, ok := fastTrig(x, false); ok {
			xs = append(xs, x)
		}
	}
	return xs
}

func BenchmarkTmpCrSinEasy(b *testing.B) {
	xs := easyArgs()
	for i := 0; i < b.N; i++ {
		sinkF += crSin(xs[i&63])
	}
}

func BenchmarkTmpGoSinEasy(b *testing.B) {
	xs := easyArgs()
	for i := 0; i < b.N; i++ {
		sinkF += math.Sin(xs[i&63])
	}
}
func BenchmarkTmpTiny(b *testing.B) {
	xs := f1Args()
	for i := 0; i < b.N; i++ {
		r, _ := tinyTrig(xs[(i&3)*5], false)
		sinkF += r
	}
}
func BenchmarkTmpFull(b *testing.B) {
	xs := f1Args()
	for i := 0; i < b.N; i++ {
		r, _ := sinCosFull(xs[54])
		sinkF += r.hi
	}
}
