package pylib

import (
	"math"
	"testing"
)

var sinkF float64

func BenchmarkCrSin(b *testing.B) {
	x := 1.25
	for i := 0; i < b.N; i++ {
		sinkF += crSin(x)
		x += 1e-9
	}
}

func BenchmarkGoSin(b *testing.B) {
	x := 1.25
	for i := 0; i < b.N; i++ {
		sinkF += math.Sin(x)
		x += 1e-9
	}
}

func BenchmarkCrExp(b *testing.B) {
	x := 1.25
	for i := 0; i < b.N; i++ {
		sinkF += crExp(x)
		x += 1e-9
	}
}

func BenchmarkCrLog(b *testing.B) {
	x := 1.25
	for i := 0; i < b.N; i++ {
		sinkF += crLog(x)
		x += 1e-9
	}
}
