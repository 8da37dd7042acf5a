package pylib

import "math"

// glibcCbrt is the cube root as glibc computes it, which CPython's
// math.cbrt calls. glibc's cbrt is not correctly rounded (it differs from
// the correctly rounded cube root in about half of all arguments), so only
// its own evaluation reproduces CPython: x = m * 2^e with m in [0.5, 1), a
// degree-6 polynomial seed u ~ m^(1/3), one Halley step
// u (u^3 + 2m) / (2u^3 + m), times 2^((e mod 3)/3), scaled by 2^(e/3)
// (C's truncating division and remainder).
func glibcCbrt(x float64) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x + x
	}
	m, e := math.Frexp(math.Abs(x))
	u := 0.354895765043919860 + float64((1.50819193781584896+
		float64((-2.11499494167371287+
			float64((2.44693122563534430+
				float64((-1.83469277483613086+
					float64((0.784932344976639262-float64(0.145263899385486377*m))*m))*m))*m))*m))*m)
	t2 := float64(u*u) * u
	y := u * (t2 + 2.0*m) / (2.0*t2 + m) * cbrtFactor[2+e%3]
	return math.Copysign(math.Ldexp(y, e/3), x)
}

// cbrtFactor[2+r] is 2^(r/3) for r in -2..2, the reciprocals divided in
// double precision as the C code does (Go would divide untyped constants
// exactly).
var cbrtFactor = func() [5]float64 {
	c2, s2 := 1.2599210498948731648, 1.5874010519681994748
	one := 1.0
	return [5]float64{one / s2, one / c2, 1.0, c2, s2}
}()
