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

func BenchmarkCrCos(b *testing.B) {
	x := 1.25
	for i := 0; i < b.N; i++ {
		sinkF += crCos(x)
		x += 1e-9
	}
}

// piTArgs are the phases of sin(PI*t) for t on a 0.1 grid, as the twin
// computes them (Signals.py's 2*pi*((pi*t)/(2*pi))): every fifth is next
// to a multiple of pi/2, where sin is tiny or +-1.
func piTArgs() (ts, xs [64]float64) {
	for i := range ts {
		ts[i] = math.Pi * (12.5 + float64(i)*0.1)
		xs[i] = twoPi * (ts[i] / twoPi)
	}
	return ts, xs
}

// BenchmarkCrSinPiT is crSin on the phases of sin(PI*t).
func BenchmarkCrSinPiT(b *testing.B) {
	_, xs := piTArgs()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkF += crSin(xs[i&63])
	}
}

// BenchmarkSignalSin is the unboxed Signals.py sin(t) (the phase's
// division included) on the same arguments: what a fused formula calls.
func BenchmarkSignalSin(b *testing.B) {
	ts, _ := piTArgs()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r, _ := SignalSinFloat(ts[i&63])
		sinkF += r
	}
}

// BenchmarkGoSinPiT is Go's math.Sin on the same phases (not correctly
// rounded: the reference for the two above).
func BenchmarkGoSinPiT(b *testing.B) {
	_, xs := piTArgs()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkF += math.Sin(xs[i&63])
	}
}
