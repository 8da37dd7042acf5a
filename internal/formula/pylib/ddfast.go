package pylib

import "math"

// Fast path for the correctly rounded sin and cos (the functions formulas
// call most): a table method accurate to about 2^-64, whose result is
// returned when it provably rounds like the exact value (about 97% of
// arguments); the others take the double-double path.

// fastTrig returns sin(x), or cos(x) when wantCos, and whether the fast
// result is safe to use.
func fastTrig(x float64, wantCos bool) (float64, bool) {
	var r dd
	q := 0
	switch ax := math.Abs(x); {
	case ax <= math.Pi/4:
		r = dd{x, 0}
	case ax < 0x1p20:
		// Cody-Waite with an exact leading product; the error (~2^-88
		// absolute) is far below the fast path's bound.
		// k = x*2/pi rounded (to even: any nearby integer will do) with
		// the shifter trick, which is cheaper than math.Round; q = k mod 4
		// is in the low bits of kf.
		kf := x*(2/math.Pi) + roundShifter
		k := kf - roundShifter
		p1, e1 := twoProd(k, ddPiHalf[0])
		a := x - p1 // exact (Sterbenz)
		b := -e1 - k*ddPiHalf[1]
		hi, lo := fastTwoSum(a, b)
		r = dd{hi, lo - k*ddPiHalf[2]}
		q = int(math.Float64bits(kf) & 3)
	default:
		return 0, false
	}
	if math.Abs(r.hi) < 0x1p-20 {
		return 0, false // near a multiple of pi/2: tinyTrig
	}
	// sin x = sin r, cos r, -sin r, -cos r and cos x = cos r, -sin r,
	// -cos r, sin r for q = 0..3.
	useCos := wantCos != (q&1 == 1)
	negate := (!wantCos && q >= 2) || (wantCos && (q == 1 || q == 2))
	j := (r.hi*32 + roundShifter) - roundShifter // |j| <= 26 (to even at ties: |t| <= 1/64 all the same)
	t := r.hi - j/32                             // exact
	tl := r.lo
	t2 := t * t
	t4 := t2 * t2
	// sin u - u and cos u - 1 for u = t + tl, |u| <= 1/64, as Taylor
	// polynomials in Estrin's form (two short chains instead of one long
	// Horner chain: this is latency-bound). Truncation is below 2^-80;
	// rounding errors (about 2^-65 absolute, as in Horner's form) stay
	// inside the bounds below.
	s1 := t * t2 * ((-1.0/6 + t2*(1.0/120)) + t4*(-1.0/5040+t2*(1.0/362880)))
	c1 := t2*((-0.5+t2*(1.0/24))+t4*(-1.0/720+t2*(1.0/40320))) - t*tl
	var hi, lo, bound float64
	switch {
	case j == 0 && useCos:
		hi, lo = 1, c1
		bound = 0x1p-62
	case j == 0:
		hi, lo = fastTwoSum(t, s1+tl)
		bound = math.Abs(t) * 0x1p-60
	default:
		ji := int(math.Abs(j))
		sJ, cJ := ddSinTab[ji], ddCosTab[ji]
		if j < 0 {
			sJ = sJ.neg()
		}
		var ph, pl, rest float64
		// |ph| <= |t| <= 1/64 < sin(1/32) <= |sJ| and < cos(26/32) <= cJ,
		// so fastTwoSum is exact. The small terms are summed as a tree
		// (shorter latency than left to right; their rounding errors are
		// ~2^-107).
		if useCos {
			// cos(J+u) = cJ + cJ c1 - sJ u - sJ s1
			ph, pl = twoProd(-sJ.hi, t)
			hi, lo = fastTwoSum(cJ.hi, ph)
			rest = ((pl + cJ.lo) - (sJ.hi*tl + sJ.lo*t)) + (cJ.hi*c1 - sJ.hi*s1)
		} else {
			// sin(J+u) = sJ + sJ c1 + cJ u + cJ s1
			ph, pl = twoProd(cJ.hi, t)
			hi, lo = fastTwoSum(sJ.hi, ph)
			rest = ((pl + sJ.lo) + (cJ.hi*tl + cJ.lo*t)) + (sJ.hi*c1 + cJ.hi*s1)
		}
		lo += rest
		bound = 0x1p-62
	}
	res, e := fastTwoSum(hi, lo)
	// Safe unless the residual is within the error bound of half an ulp
	// (roundOK, inlined by hand: the hot path).
	h := halfULP(res)
	if math.Float64bits(res)&(1<<52-1) == 0 && e != 0 && (e < 0) != (res < 0) {
		h /= 2 // below a power of two the spacing halves
	}
	if h == 0 || math.Abs(math.Abs(e)-h) <= bound {
		return 0, false
	}
	if negate {
		res = -res
	}
	return res, true
}

// tinyTrig is the second fast path, for x near a multiple of pi/2 (t = 0.5,
// 1, 1.5 ... in sin(PI*t)), where fastTrig gives up: |r| < 2^-20 for
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
