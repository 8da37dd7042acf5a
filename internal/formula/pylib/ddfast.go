package pylib

import "math"

// Fast path for the correctly rounded sin and cos (the functions formulas
// call most): a table method accurate to about 2^-66 relative, whose result
// is returned when it provably rounds like the exact value (all but about
// 0.15% of arguments below 2^20); the others take tinyTrig or the
// double-double path.
//
// x = k*pi/256 + r with |r| <= pi/512 (about 2^-7.35), so with
// J = k*pi/256, S = sin J and C = cos J from sinTab (512 double-doubles,
// one period; cos J is the entry a quarter period on):
//
//	sin x = S + C*r + S*(cos r - 1) + C*(sin r - r)
//
// cos x is the same with the table read a quarter period on (cos x =
// sin(x + pi/2)), so sin and cos share every instruction. S + C*r is
// computed exactly as hi + lo (an exact product by FMA and an exact
// fastTwoSum: |C*r| <= pi/512 < sin(pi/256) <= |S| unless S = 0); the
// rest are small corrections in double.

const (
	trigInvStep = 256 / math.Pi
	// trigEps bounds the relative error of hi + lo with a margin of 8:
	// the analysis below gives about 2^-66.5 (the roundings of r^2 and
	// of the corrections), TestFastTrigErrorBound measures 2^-66.1.
	trigEps = 0x1p-63
	// trigFloor bounds the absolute error of the reduction (2^-130, see
	// below), for r next to 0 (x next to a multiple of pi: sin x = +-r).
	trigFloor = 0x1p-128
)

// fastTrig returns sin(x), or cos(x) when wantCos, and whether the fast
// result is safe to use (it is then correctly rounded). It answers for
// 2^-26 <= |x| < 2^20.
func fastTrig(x float64, wantCos bool) (float64, bool) {
	var off uint64
	if wantCos {
		off = 128
	}
	return fastSinShift(x, off)
}

// fastSinShift is fastTrig for sin(x + off*pi/256), off = 0 (sin) or 128
// (cos). (The hot callers write trigRound(sinShiftDD(x, x, off)) themselves:
// this is one call too many for the inliner.)
func fastSinShift(x float64, off uint64) (float64, bool) {
	return trigRound(sinShiftDD(x, x, off))
}

// trigRound is the rounding test: the exact value lies within bnd of
// hi + lo (bnd has a margin for the rounding of lo +- bnd), and rounding
// is monotonic, so if both ends round to the same double so does the
// exact value. This also handles the halved spacing below a power of two,
// and a NaN lo fails.
func trigRound(hi, lo float64) (float64, bool) {
	bnd := math.Abs(hi)*trigEps + trigFloor
	u := hi + (lo + bnd)
	return u, u == hi+(lo-bnd)
}

// sinShiftDD returns sin(x + off*pi/256) as hi + lo with the error bounds
// above, or lo = NaN outside 2^-26 <= |y| < 2^20 (NaN and inf included).
// y is x, or a double within 2^-50 relative of x known earlier: the
// reduction's k and its products are computed from y, in parallel with
// the computation of x (Signals.py's x = 2*pi*(t/(2*pi)), y = t, is within
// two ulps of t).
func sinShiftDD(x, y float64, off uint64) (hi, lo float64) {
	// 2^-26 <= |y| < 2^20 as one unsigned comparison of the bits without
	// the sign (NaN and inf are above).
	const lowBits, highBits = 0x3e5 << 53, 0x413 << 53 // 2^-26, 2^20 shifted left once
	if math.Float64bits(y)<<1-lowBits >= highBits-lowBits {
		return 0, math.NaN()
	}
	// k = y*256/pi rounded (any nearby integer will do: |r| grows by a
	// hair) with the shifter trick; k mod 512 is in the low bits of kf.
	kf := y*trigInvStep + roundShifter
	k := kf - roundShifter // |k| < 2^26.35
	i := math.Float64bits(kf) + off
	// r = x - k*pi/256 as rh + rl, to about 2^-130 absolute (so that r
	// keeps its relative accuracy when x is next to a multiple of pi and
	// r is tiny: sin(PI*t) for whole t). k*piStep1 and k*piStep2 are
	// exact (26-bit constants, |k| < 2^27). a = x - k*piStep1 is exact:
	// |a| < 2^-5.6 is a multiple of ulp(x) (k = 0, or ulp(x) >= 2^-60).
	// d = a - k*piStep2 is exact: |d| < 2^-7.3 is a multiple of 2^-59 or
	// of ulp(x) >= 2^-60. p3 + e3 = k*piStep3 exactly (FMA), the twoSum
	// is exact, and k*piStep4 (< 2^-90) is rounded with an error below
	// 2^-143.
	a := x - float64(k*piStep1) // float64(): no fused multiply-add
	d := a - float64(k*piStep2)
	p3 := float64(k * piStep3)
	e3 := math.FMA(k, piStep3, -p3)
	rh, rl := twoSum(d, -p3)
	rl -= e3 + k*piStep4
	S, C := &sinTab[i&511], &sinTab[(i+128)&511]
	// sin r - r = r*r2*ps and cos r - 1 = r2*pc - r*rl for |r| <= 2^-7.35
	// (Taylor: the first terms dropped are below 2^-84 and 2^-74 of the
	// result), in Estrin's form: the evaluation is latency-bound.
	r2 := rh * rh
	r4 := r2 * r2
	ps := (-1.0/6 + r2*(1.0/120)) + r4*(-1.0/5040)
	pc := (-0.5 + r2*(1.0/24)) + r4*(-1.0/720)
	ph := float64(C.hi * rh) // float64(): no fused multiply-add
	pl := math.FMA(C.hi, rh, -ph)
	hi = S.hi + ph
	lo = ph - (hi - S.hi)
	// S*(cos r - 1) + C*(sin r - r) + C*rl, with C*r ~ ph in the
	// corrections (rounding errors about 2^-68 of the result).
	lo += ((pl + S.lo) + (C.lo*rh + (C.hi-S.hi*rh)*rl)) + r2*(S.hi*pc+ph*ps)
	return hi, lo
}

// tinyTrig is the second chance for x near a multiple of pi/2 (t = 0.5,
// 1, 1.5 ... in sin(PI*t)) when fastTrig's rounding test fails there
// (rare: fastTrig keeps r's relative accuracy itself): |r| < 2^-20 for
// r = x - k pi/2, and the result is tiny or near +-1. r
// is recomputed with an exact product for the second part of pi/2 too
// (absolute error ~2^-150, while |r| > 2^-62 for any double below 2^20),
// then sin r = r - r^3/6 + r^5/120 or cos r = 1 - r^2/2 + r^4/24, whose
// dropped terms are below 2^-80 relative.
func tinyTrig(x float64, wantCos bool) (float64, bool) {
	if !(math.Abs(x) < 0x1p20) {
		return 0, false
	}
	kf := x*(2/math.Pi) + roundShifter
	k := kf - roundShifter
	q := int(math.Float64bits(kf) & 3)
	useCos := wantCos != (q&1 == 1)
	negate := (!wantCos && q >= 2) || (wantCos && (q == 1 || q == 2))
	p1, e1 := twoProd(k, ddPiHalf[0])
	p2, e2 := twoProd(k, ddPiHalf[1])
	r := dd{x - p1, 0} // exact (Sterbenz)
	r = ddAddF(r, -e1)
	r = ddAdd(r, dd{-p2, -e2})
	r = ddAddF(r, -k*ddPiHalf[2])
	if r.hi == 0 || math.Abs(r.hi) >= 0x1p-20 {
		return 0, false
	}
	var hi, lo, bound float64
	h2 := r.hi * r.hi
	if useCos {
		hi, lo = 1, -0.5*h2-r.hi*r.lo+h2*h2*(1.0/24)
		bound = 0x1p-90
	} else {
		hi = r.hi
		lo = r.lo + r.hi*h2*(-1.0/6+h2*(1.0/120))
		bound = math.Abs(r.hi) * 0x1p-80
	}
	res, e := fastTwoSum(hi, lo)
	if !roundOK(res, e, bound) {
		return 0, false
	}
	if negate {
		res = -res
	}
	return res, true
}

// roundOK reports whether res + e (|res| >= |e|, total error <= bound)
// rounds to res with margin: the residual e is farther than bound from
// half the spacing of doubles on its side of res (half as large below a
// power of two).
func roundOK(res, e, bound float64) bool {
	h := halfULP(res)
	if h == 0 {
		return false
	}
	if math.Float64bits(res)&(1<<52-1) == 0 && e != 0 && (e < 0) != (res < 0) {
		h /= 2
	}
	return math.Abs(math.Abs(e)-h) > bound
}

// roundShifter is 1.5*2^52: adding and subtracting it rounds a double of
// magnitude below 2^51 to an integer.
const roundShifter = 0x1.8p52

// halfULP is half the spacing of doubles at |x| (normal x; 0 otherwise,
// which makes the caller fall back).
func halfULP(x float64) float64 {
	e := math.Float64bits(x) >> 52 & 0x7ff
	if e <= 53 || e == 0x7ff {
		return 0
	}
	return math.Float64frombits((e - 53) << 52)
}

// expCore returns e^x = (hi + lo) * 2^m with |error| <= 2^-66 relative,
// for |x| <= 708.
func expCore(x float64) (hi, lo float64, m int) {
	n := math.Round(x * (64 / math.Ln2))
	p1, e1 := twoProd(n, ddLn2Over64[0])
	a := x - p1 // exact (Sterbenz)
	rh, rl := twoSum(a, -e1-n*ddLn2Over64[1])
	rl -= n * ddLn2Over64[2]
	// e^(rh+rl) - 1 = rh + q, |rh| <= ln2/128.
	q := rh*rh*(0.5+rh*(1.0/6+rh*(1.0/24+rh*(1.0/120+rh*(1.0/720))))) + rl + rh*rl
	ni := int(n)
	j := ni & 63
	T := dd2Pow64th[j]
	ph, pl := twoProd(T.hi, rh)
	hi, lo = twoSum(T.hi, ph)
	lo += pl + T.hi*q + T.lo + T.lo*(rh+q)
	hi, lo = fastTwoSum(hi, lo)
	return hi, lo, (ni - j) / 64
}

// roundSafe reports whether hi+lo (|error| <= bound) rounds like the exact
// value.
func roundSafe(hi, lo, bound float64) (float64, bool) {
	res, e := fastTwoSum(hi, lo)
	if !roundOK(res, e, bound) {
		return 0, false
	}
	return res, true
}

// fastExp is the fast path of crExp (normal results only).
func fastExp(x float64) (float64, bool) {
	hi, lo, m := expCore(x)
	res, ok := roundSafe(hi, lo, math.Abs(hi)*0x1p-63)
	if !ok || m < -1021 || m > 1023 {
		return 0, false
	}
	return math.Ldexp(res, m), true
}

// fastLog is the fast path of crLog: one Newton step from Go's log using
// expCore, for x away from 1 (where |ln x| >= 1/32).
func fastLog(x float64) (float64, bool) {
	if x > 0.96875 && x < 1.03125 || x < 0x1p-1000 || x > 0x1p1000 {
		return 0, false
	}
	y0 := math.Log(x)
	hi, lo, m := expCore(-y0)
	// u = x e^-y0 = x (hi + lo) 2^m, d = u - 1 (tiny).
	xs := math.Ldexp(x, m)
	uh, ul := twoProd(xs, hi)
	ul += xs * lo
	d := (uh - 1) + ul // uh - 1 is exact (uh is within an ulp or two of 1)
	return roundSafe(y0, d, math.Abs(y0)*0x1p-60)
}
