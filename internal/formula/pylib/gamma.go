package pylib

import "math"

// gamma, lgamma and cbrt come from Go's math package. CPython evaluates its
// own Lanczos approximation for gamma/lgamma and calls the C library's cbrt;
// none of those is correctly rounded, so matching them bit for bit would
// mean transcribing their code, which this project does not do. Results may
// therefore differ from CPython's in the last digits (docs/formula.md).
// Poles and domain errors are CPython's: they give NaN here, which the
// caller turns into "ValueError: math domain error".

func mGamma(x float64) float64 {
	if x == 0 || math.IsInf(x, -1) || (x < 0 && x == math.Floor(x)) {
		return math.NaN()
	}
	return math.Gamma(x)
}

func mLgamma(x float64) float64 {
	if x <= 0 && x == math.Floor(x) {
		return math.NaN()
	}
	if math.IsInf(x, 0) {
		return math.Inf(1)
	}
	v, _ := math.Lgamma(x)
	return v
}
