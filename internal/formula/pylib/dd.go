package pylib

import (
	"math"
	"math/big"
	"sync"
)

// Double-double arithmetic and correctly rounded elementary functions.
//
// CPython's math module calls the C library, whose exp, log, sin, cos, pow
// ... are correctly rounded in practice; Go's math package is only
// faithful (off by one ulp in 5-40% of arguments). To give CPython's exact
// results, the functions below evaluate in double-double (about 100 bits)
// and round once: the result is the correctly rounded value unless the
// true value lies within ~2^-85 relative of a rounding boundary.

// dd is an unevaluated sum hi + lo with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) (float64, float64) {
	s := a + b
	bb := s - a
	return s, (a - (s - bb)) + (b - bb)
}

func fastTwoSum(a, b float64) (float64, float64) {
	s := a + b
	return s, b - (s - a)
}

func twoProd(a, b float64) (float64, float64) {
	p := a * b
	return p, math.FMA(a, b, -p)
}

func ddAdd(a, b dd) dd {
	s, e := twoSum(a.hi, b.hi)
	t, f := twoSum(a.lo, b.lo)
	e += t
	s, e = fastTwoSum(s, e)
	e += f
	s, e = fastTwoSum(s, e)
	return dd{s, e}
}

func ddAddF(a dd, b float64) dd {
	s, e := twoSum(a.hi, b)
	e += a.lo
	s, e = fastTwoSum(s, e)
	return dd{s, e}
}

func ddMul(a, b dd) dd {
	p, e := twoProd(a.hi, b.hi)
	e += a.hi*b.lo + a.lo*b.hi
	p, e = fastTwoSum(p, e)
	return dd{p, e}
}

func ddMulF(a dd, b float64) dd {
	p, e := twoProd(a.hi, b)
	e += a.lo * b
	p, e = fastTwoSum(p, e)
	return dd{p, e}
}

func ddDiv(a, b dd) dd {
	q1 := a.hi / b.hi
	r := ddAdd(a, ddMulF(b, -q1))
	q2 := r.hi / b.hi
	r = ddAdd(r, ddMulF(b, -q2))
	q3 := r.hi / b.hi
	s, e := fastTwoSum(q1, q2)
	return ddAddF(dd{s, e}, q3)
}

func (a dd) neg() dd { return dd{-a.hi, -a.lo} }

// round returns the float64 nearest to hi + lo.
func (a dd) round() float64 { return a.hi + a.lo }

// ddRecip returns 1/n as a double-double.
func ddRecip(n float64) dd {
	hi := 1 / n
	return dd{hi, math.FMA(-n, hi, 1) / n}
}

// Constants, computed once in big.Float precision.
var (
	ddOnce       sync.Once
	ddPiHalf     [3]float64 // pi/2 = sum, 159 bits
	ddLn2Over64  [3]float64
	dd2Pow64th   [64]dd // 2^(j/64)
	ddSinTab     [27]dd // sin(j/32)
	ddCosTab     [27]dd // cos(j/32)
	ddLn2        dd
	ddLn10       dd
	bigPiHalfBig *big.Float // pi/2 to 1300 bits, for huge arguments
)

const bigPrec = 1400

func newBig() *big.Float { return new(big.Float).SetPrec(bigPrec) }

// bigAtanInv returns atan(1/n) (Taylor series).
func bigAtanInv(n int64) *big.Float {
	x := newBig().Quo(newBig().SetInt64(1), newBig().SetInt64(n))
	x2 := newBig().Mul(x, x)
	sum := newBig().Set(x)
	term := newBig().Set(x)
	eps := newBig().SetMantExp(newBig().SetInt64(1), -bigPrec-10)
	for k := int64(1); ; k++ {
		term.Mul(term, x2)
		t := newBig().Quo(term, newBig().SetInt64(2*k+1))
		if t.Cmp(eps) < 0 {
			break
		}
		if k%2 == 1 {
			sum.Sub(sum, t)
		} else {
			sum.Add(sum, t)
		}
	}
	return sum
}

// bigAtanhInv returns atanh(1/n) (Taylor series).
func bigAtanhInv(n int64) *big.Float {
	x := newBig().Quo(newBig().SetInt64(1), newBig().SetInt64(n))
	x2 := newBig().Mul(x, x)
	sum := newBig().Set(x)
	term := newBig().Set(x)
	eps := newBig().SetMantExp(newBig().SetInt64(1), -bigPrec-10)
	for k := int64(1); ; k++ {
		term.Mul(term, x2)
		t := newBig().Quo(term, newBig().SetInt64(2*k+1))
		if t.Cmp(eps) < 0 {
			break
		}
		sum.Add(sum, t)
	}
	return sum
}

// bigSinCos returns sin(x) and cos(x) for small x (Taylor series).
func bigSinCos(x *big.Float) (*big.Float, *big.Float) {
	sin, cos := newBig().Set(x), newBig().SetInt64(1)
	term := newBig().Set(x) // x^n/n!
	eps := newBig().SetMantExp(newBig().SetInt64(1), -bigPrec-10)
	for n := int64(2); ; n++ {
		term.Mul(term, x)
		term.Quo(term, newBig().SetInt64(n))
		if term.Sign() == 0 || newBig().Abs(term).Cmp(eps) < 0 {
			break
		}
		switch n % 4 {
		case 0:
			cos.Add(cos, term)
		case 1:
			sin.Add(sin, term)
		case 2:
			cos.Sub(cos, term)
		case 3:
			sin.Sub(sin, term)
		}
	}
	return sin, cos
}

// split3 writes b as the sum of three doubles.
func split3(b *big.Float, out *[3]float64) {
	r := newBig().Set(b)
	for i := range out {
		f, _ := r.Float64()
		out[i] = f
		r.Sub(r, newBig().SetFloat64(f))
	}
}

func toDD(b *big.Float) dd {
	hi, _ := b.Float64()
	lo, _ := newBig().Sub(b, newBig().SetFloat64(hi)).Float64()
	return dd{hi, lo}
}

func initDD() {
	// Machin: pi/4 = 4 atan(1/5) - atan(1/239).
	pi := newBig().Sub(newBig().Mul(newBig().SetInt64(16), bigAtanInv(5)), newBig().Mul(newBig().SetInt64(4), bigAtanInv(239)))
	piHalf := newBig().Quo(pi, newBig().SetInt64(2))
	bigPiHalfBig = piHalf
	split3(piHalf, &ddPiHalf)
	ln2 := newBig().Mul(newBig().SetInt64(2), bigAtanhInv(3))                                                         // ln 2 = 2 atanh(1/3)
	ln10 := newBig().Add(newBig().Mul(newBig().SetInt64(3), ln2), newBig().Mul(newBig().SetInt64(2), bigAtanhInv(9))) // ln 10 = 3 ln 2 + ln 1.25
	ddLn2, ddLn10 = toDD(ln2), toDD(ln10)
	split3(newBig().Quo(ln2, newBig().SetInt64(64)), &ddLn2Over64)
	c := newBig().SetInt64(2)
	for i := 0; i < 6; i++ {
		c.Sqrt(c)
	}
	p := newBig().SetInt64(1)
	for j := range dd2Pow64th {
		dd2Pow64th[j] = toDD(p)
		p.Mul(p, c)
	}
	for j := range ddSinTab {
		s, co := bigSinCos(newBig().Quo(newBig().SetInt64(int64(j)), newBig().SetInt64(32)))
		ddSinTab[j], ddCosTab[j] = toDD(s), toDD(co)
	}
}

// expDD returns e^x for a double-double x with |x| < 709.
func expDD(x dd) dd {
	ddOnce.Do(initDD)
	n := math.Round(x.hi * (64 / math.Ln2))
	p1, e1 := twoProd(n, ddLn2Over64[0])
	r := dd{x.hi - p1, 0} // exact (Sterbenz)
	r = ddAddF(r, -e1)
	p2, e2 := twoProd(n, ddLn2Over64[1])
	r = ddAdd(r, dd{-p2, -e2})
	r = ddAddF(r, -n*ddLn2Over64[2])
	r = ddAddF(r, x.lo)
	// e^r - 1 for |r| <= ln2/128: Horner, the tail in double.
	rh := r.hi
	q := rh * (1.0/120 + rh*(1.0/720+rh*(1.0/5040+rh*(1.0/40320+rh*(1.0/362880)))))
	t := ddAddF(ddRecip(24), q)
	t = ddMul(r, t)
	t = ddAdd(ddRecip(6), t)
	t = ddMul(r, t)
	t = ddAddF(t, 0.5)
	t = ddMul(r, t)
	t = ddAddF(t, 1)
	t = ddMul(r, t) // e^r - 1
	ni := int(n)
	j := ni & 63
	m := (ni - j) / 64
	T := dd2Pow64th[j]
	res := ddAdd(T, ddMul(T, t))
	return dd{math.Ldexp(res.hi, m), math.Ldexp(res.lo, m)}
}

// crExp is the correctly rounded e^x (math.exp).
func crExp(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case math.IsInf(x, -1):
		return 0
	case x > 709.782712893384:
		return math.Inf(1)
	case x < -745.2:
		return 0
	case x < -708 || math.Abs(x) < 0x1p-54:
		return math.Exp(x) // subnormal results / 1 + tiny: Go is exact enough
	}
	ddOnce.Do(initDD)
	if r, ok := fastExp(x); ok {
		return r
	}
	return expDD(dd{x, 0}).round()
}

// logDD returns ln x for finite x > 0 as a double-double.
func logDD(x float64) dd {
	ddOnce.Do(initDD)
	if math.IsInf(x, 1) || math.IsNaN(x) || x <= 0 {
		return dd{math.Log(x), 0}
	}
	if x > 0.96875 && x < 1.03125 {
		// 2 atanh(s), s = (x-1)/(x+1): no cancellation near 1.
		num := x - 1 // exact
		var den dd
		den.hi, den.lo = twoSum(x, 1)
		s := ddDiv(dd{num, 0}, den)
		s2 := ddMul(s, s)
		h := s2.hi
		tail := h * (1.0/5 + h*(1.0/7+h*(1.0/9+h*(1.0/11+h*(1.0/13+h*(1.0/15))))))
		p := ddAddF(ddRecip(3), tail)
		p = ddMul(s2, p)
		p = ddAddF(p, 1)
		return ddMulF(ddMul(s, p), 2)
	}
	// Newton step on exp: ln x = y0 + (x e^-y0 - 1) - ...
	y0 := math.Log(x)
	e := expDD(dd{-y0, 0})
	if x > 1e300 || x < 1e-300 {
		// e^-y0 would overflow/underflow: scale x by a power of two.
		fr, ex := math.Frexp(x)
		l := logDD(fr)
		return ddAdd(l, ddMulF(ddLn2, float64(ex)))
	}
	u := ddMulF(e, x)
	d := ddAddF(u, -1)
	return ddAdd(dd{y0, 0}, d)
}

// crLog is the correctly rounded ln x for finite x > 0.
func crLog(x float64) float64 {
	if x == 1 {
		return 0
	}
	if math.IsInf(x, 1) || math.IsNaN(x) {
		return x // Frexp would leave x unchanged and the split below loop
	}
	ddOnce.Do(initDD)
	if r, ok := fastLog(x); ok {
		return r
	}
	if x < 0x1p-1000 || x > 0x1p1000 {
		fr, ex := math.Frexp(x)
		return ddAdd(logDD(fr), ddMulF(ddLn2, float64(ex))).round()
	}
	return logDD(x).round()
}

func crLogBase(x float64, base dd) float64 {
	var l dd
	if x < 0x1p-1000 || x > 0x1p1000 {
		fr, ex := math.Frexp(x)
		ddOnce.Do(initDD)
		l = ddAdd(logDD(fr), ddMulF(ddLn2, float64(ex)))
	} else {
		l = logDD(x)
	}
	return ddDiv(l, base).round()
}

func crLog2(x float64) float64 {
	if fr, ex := math.Frexp(x); fr == 0.5 {
		return float64(ex - 1) // exact powers of two
	}
	ddOnce.Do(initDD)
	return crLogBase(x, ddLn2)
}

// libmLog10 is log10 as the C library computes it (fdlibm's e_log10,
// which glibc uses; it is not correctly rounded, so the correctly rounded
// value would differ from CPython in about 13% of arguments):
// x = m * 2^y, log10 x = y*log10(2)_hi + (y*log10(2)_lo + log(m)/ln 10).
func libmLog10(x float64) float64 {
	const (
		ivln10    = 0x1.bcb7b1526e50ep-2  // 1/ln 10
		log10_2hi = 0x1.34413509f6000p-2  // log10(2), low 13 bits clear
		log10_2lo = 0x1.9fef311f12b36p-42 // log10(2) - log10_2hi
	)
	fr, e := math.Frexp(x) // x = fr * 2^e, fr in [0.5, 1)
	k := e - 1             // x = (2 fr) * 2^k
	m := fr * 2
	if k < 0 {
		m = fr
		k++
	}
	y := float64(k)
	z := y*log10_2lo + ivln10*crLog(m)
	return z + y*log10_2hi
}

// reduce returns x - k*pi/2 as a double-double and k mod 4.
func reduce(x float64) (dd, int) {
	ddOnce.Do(initDD)
	if math.Abs(x) < 0x1p20 {
		k := math.Round(x * (2 / math.Pi))
		p1, e1 := twoProd(k, ddPiHalf[0])
		r := dd{x - p1, 0}
		r = ddAddF(r, -e1)
		p2, e2 := twoProd(k, ddPiHalf[1])
		r = ddAdd(r, dd{-p2, -e2})
		r = ddAddF(r, -k*ddPiHalf[2])
		return r, int(int64(k) & 3)
	}
	// Huge arguments: exact reduction with 1400-bit pi.
	bx := newBig().SetFloat64(x)
	q := newBig().Quo(bx, bigPiHalfBig)
	ki, _ := q.Int(nil)
	rem := newBig().Sub(q, newBig().SetInt(ki))
	half := newBig().SetFloat64(0.5)
	if rem.Cmp(half) > 0 {
		ki.Add(ki, big.NewInt(1))
	} else if rem.Cmp(newBig().Neg(half)) < 0 {
		ki.Sub(ki, big.NewInt(1))
	}
	r := newBig().Sub(bx, newBig().Mul(newBig().SetInt(ki), bigPiHalfBig))
	return toDD(r), int(new(big.Int).And(ki, big.NewInt(3)).Int64())
}

// sinCosDD returns sin and cos of r, |r| <= pi/4 + tiny.
func sinCosDD(r dd) (dd, dd) {
	j := math.Round(r.hi * 32)
	t := ddAddF(r, -j/32)
	t2 := ddMul(t, t)
	h := t2.hi
	// sin t = t + t^3 (-1/6 + t^2/120 - ...), cos t = 1 + t^2 (-1/2 +
	// t^2 (1/24 - ...)), |t| <= 1/64: the first dropped terms are below
	// 2^-100, and the parts in double (the tails) are small enough for
	// their rounding errors to stay below 2^-86 of the result (-1/2 +
	// t^2/24 in double would cost 2^-66).
	ps := ddAddF(ddRecip(-6), h*(1.0/120+h*(-1.0/5040+h*(1.0/362880+h*(-1.0/39916800)))))
	sinT := ddAdd(t, ddMul(ddMul(t, t2), ps))
	pc := ddAddF(ddRecip(24), h*(-1.0/720+h*(1.0/40320+h*(-1.0/3628800))))
	pc = ddAddF(ddMul(t2, pc), -0.5)
	cosT := ddAddF(ddMul(t2, pc), 1)
	if j == 0 {
		return sinT, cosT
	}
	neg := j < 0
	ji := int(math.Abs(j))
	sJ, cJ := ddSinTab[ji], ddCosTab[ji]
	if neg {
		sJ = sJ.neg()
	}
	sin := ddAdd(ddMul(sJ, cosT), ddMul(cJ, sinT))
	cos := ddAdd(ddMul(cJ, cosT), ddMul(sJ, sinT).neg())
	return sin, cos
}

// sinCosFull returns sin x and cos x as double-doubles for finite x.
func sinCosFull(x float64) (dd, dd) {
	r, q := reduce(x)
	s, c := sinCosDD(r)
	switch q {
	case 1:
		return c, s.neg()
	case 2:
		return s.neg(), c.neg()
	case 3:
		return c.neg(), s
	}
	return s, c
}

// crSin is the correctly rounded sin x (math.sin). The fast path comes
// first: it rejects NaN, infinities and the ranges below.
func crSin(x float64) float64 {
	if r, ok := trigRound(sinShiftDD(x, x, 0)); ok {
		return r
	}
	return crSinSlow(x)
}

func crSinSlow(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return math.NaN()
	}
	if math.Abs(x) < 0x1p-26 {
		return math.Sin(x) // x - x^3/6 rounds to x (or its neighbour), as libm
	}
	ddOnce.Do(initDD)
	if r, ok := tinyTrig(x, false); ok {
		return r
	}
	s, _ := sinCosFull(x)
	return s.round()
}

// crCos is the correctly rounded cos x (math.cos).
func crCos(x float64) float64 {
	if r, ok := trigRound(sinShiftDD(x, x, 128)); ok {
		return r
	}
	return crCosSlow(x)
}

func crCosSlow(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return math.NaN()
	}
	if math.Abs(x) < 0x1p-27 {
		return 1
	}
	ddOnce.Do(initDD)
	if r, ok := tinyTrig(x, true); ok {
		return r
	}
	_, c := sinCosFull(x)
	return c.round()
}

func crTan(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return math.NaN()
	}
	if math.Abs(x) < 0x1p-27 {
		return math.Tan(x)
	}
	s, c := sinCosFull(x)
	return ddDiv(s, c).round()
}

// crAtan corrects Go's atan with one Newton step on tan:
// atan x = y0 + (x cos y0 - sin y0) cos y0 (to first order).
func crAtan(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) < 0x1p-27 || math.Abs(x) > 0x1p60 {
		return math.Atan(x)
	}
	y0 := math.Atan(x)
	s, c := sinCosFull(y0)
	d := ddMul(ddAdd(ddMulF(c, x), s.neg()), c)
	return ddAdd(dd{y0, 0}, d).round()
}

// crAtan2 corrects Go's atan2: with (s, c) = (sin, cos) of y0,
// atan2(y, x) = y0 + atan((y c - x s) / (x c + y s)).
func crAtan2(y, x float64) float64 {
	y0 := math.Atan2(y, x)
	if math.IsNaN(y0) || math.IsInf(x, 0) || math.IsInf(y, 0) || y == 0 || x == 0 {
		return y0
	}
	// Scale into a safe range (the ratio is unchanged).
	m := math.Max(math.Abs(x), math.Abs(y))
	_, e := math.Frexp(m)
	xs, ys := math.Ldexp(x, -e), math.Ldexp(y, -e)
	if xs == 0 || ys == 0 || math.Abs(y0) < 0x1p-900 {
		return y0
	}
	s, c := sinCosFull(y0)
	num := ddAdd(ddMulF(c, ys), ddMulF(s, xs).neg())
	den := ddAdd(ddMulF(c, xs), ddMulF(s, ys))
	return ddAdd(dd{y0, 0}, ddDiv(num, den)).round()
}

// crAsin: asin x = y0 + (x - sin y0) / cos y0.
func crAsin(x float64) float64 {
	y0 := math.Asin(x)
	if math.IsNaN(y0) || math.Abs(x) < 0x1p-27 || math.Abs(x) == 1 {
		return y0
	}
	s, c := sinCosFull(y0)
	return ddAdd(dd{y0, 0}, ddDiv(ddAddF(s.neg(), x), c)).round()
}

// crAcos: acos x = y0 + (cos y0 - x) / sin y0.
func crAcos(x float64) float64 {
	y0 := math.Acos(x)
	if math.IsNaN(y0) || math.Abs(x) == 1 {
		return y0
	}
	s, c := sinCosFull(y0)
	return ddAdd(dd{y0, 0}, ddDiv(ddAddF(c, -x), s)).round()
}

// crPow is the correctly rounded x**y for finite x > 0 and finite y whose
// result is a finite non-zero normal number; ok is false otherwise (the
// caller falls back).
func crPow(x, y float64) (float64, bool) {
	if !(x > 0) || math.IsInf(x, 0) || math.IsInf(y, 0) || math.IsNaN(y) {
		return 0, false
	}
	if x == 1 || y == 0 {
		return 1, true
	}
	if y == 1 {
		return x, true
	}
	l := logDDWide(x)
	t := ddMulF(l, y)
	// Written so that a NaN (y*log x overflowing, then inf-inf in the
	// error term) also falls back.
	if !(t.hi <= 709.7 && t.hi >= -708) {
		return 0, false
	}
	return expDD(t).round(), true
}

// logDDWide is logDD for any finite positive x.
func logDDWide(x float64) dd {
	ddOnce.Do(initDD)
	if x < 0x1p-1000 || x > 0x1p1000 {
		fr, ex := math.Frexp(x)
		return ddAdd(logDD(fr), ddMulF(ddLn2, float64(ex)))
	}
	return logDD(x)
}

func crExp2(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1022 || x == math.Trunc(x) {
		return math.Exp2(x)
	}
	ddOnce.Do(initDD)
	return expDD(ddMulF(ddLn2, x)).round()
}

// crLogAny is ln x with the C library's special cases (used by the random
// distributions, which call libm's log).
func crLogAny(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	return crLog(x)
}

// libmPow is C's pow for the random distributions: correctly rounded where
// crPow applies, Go's math.Pow for the special cases.
func libmPow(x, y float64) float64 {
	if r, ok := crPow(x, y); ok {
		return r
	}
	return math.Pow(x, y)
}
