package pylib

import "math"

// CPython does not take gamma and lgamma from the C library: mathmodule.c
// evaluates its own Lanczos approximation (g = 6.024680040776729583740234375,
// 13 terms, the sum written as a rational function with the denominator
// x(x+1)...(x+11)), which is accurate to a few ulps but not correctly
// rounded. Only the same sequence of double operations reproduces its
// results bit for bit, so mGamma and mLgamma evaluate that formula step by
// step; the libm calls inside it (exp, log, pow, sin, cos) are glibc's,
// which are correctly rounded, so pylib's correctly rounded versions stand
// in for them. float64(...) around products keeps the compiler from fusing
// a multiply-add, which would round differently.

const (
	lanczosG         = 6.024680040776729583740234375
	lanczosGMinusHlf = 5.524680040776729583740234375
	logPi            = 1.144729885849400174143427351353058711647
)

// Numerator coefficients of the Lanczos sum, highest degree last.
var lanczosNum = [13]float64{
	23531376880.410759688572007674451636754734846804940,
	42919803642.649098768957899047001988850926355848959,
	35711959237.355668049440185451547166705960488635843,
	17921034426.037209699919755754458931112671403265390,
	6039542586.3520280050642916443072979210699388420708,
	1439720407.3117216736632230727949123939715485786772,
	248874557.86205415651146038641322942321632125127801,
	31426415.585400194380614231628318205362874684987640,
	2876370.6289353724412254090516208496135991145378768,
	186056.26539522349504029498971604569928220784236328,
	8071.6720023658162106380029022722506138218516325024,
	210.82427775157934587250973392071336271166969580291,
	2.5066282746310002701649081771338373386264310793408,
}

// Denominator: the coefficients of x(x+1)...(x+11).
var lanczosDen = [13]float64{
	0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0,
	13339535.0, 2637558.0, 357423.0, 32670.0, 1925.0, 66.0, 1.0,
}

// lanczosSum is the rational function for x > 0: Horner in x below 5, in
// 1/x above (no overflow, better accuracy).
func lanczosSum(x float64) float64 {
	num, den := 0.0, 0.0
	if x < 5.0 {
		for i := len(lanczosNum) - 1; i >= 0; i-- {
			num = float64(num*x) + lanczosNum[i]
			den = float64(den*x) + lanczosDen[i]
		}
	} else {
		for i := range lanczosNum {
			num = num/x + lanczosNum[i]
			den = den/x + lanczosDen[i]
		}
	}
	return num / den
}

// sinPi is sin(pi*x) for finite x, with the argument reduced exactly
// first so that integers give exact zeros.
func sinPi(x float64) float64 {
	y := math.Mod(math.Abs(x), 2.0)
	var r float64
	switch int(math.Round(2.0 * y)) {
	case 0:
		r = crSin(math.Pi * y)
	case 1:
		r = crCos(math.Pi * (y - 0.5))
	case 2:
		r = crSin(math.Pi * (1.0 - y)) // not -sin(pi(y-1)): that is -0 at y=1
	case 3:
		r = -crCos(math.Pi * (y - 1.5))
	default:
		r = crSin(math.Pi * (y - 2.0))
	}
	return math.Copysign(1.0, x) * r
}

// factorials are gamma(1) .. gamma(23), exact in double.
var factorials = [23]float64{
	1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0,
	3628800.0, 39916800.0, 479001600.0, 6227020800.0, 87178291200.0,
	1307674368000.0, 20922789888000.0, 355687428096000.0,
	6402373705728000.0, 121645100408832000.0, 2432902008176640000.0,
	51090942171709440000.0, 1124000727777607680000.0,
}

// mGamma is math.gamma. A NaN result means "math domain error", an
// infinity from a finite argument "math range error" (see math1).
func mGamma(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case math.IsInf(x, -1):
		return math.NaN()
	case x == 0:
		return math.NaN() // a pole: CPython reports a domain error
	}
	if x == math.Floor(x) {
		if x < 0 {
			return math.NaN()
		}
		if x <= float64(len(factorials)) {
			return factorials[int(x)-1]
		}
	}
	ax := math.Abs(x)
	if ax < 1e-20 {
		return 1.0 / x
	}
	if ax > 200.0 {
		if x < 0 {
			return 0.0 / sinPi(x)
		}
		return math.Inf(1)
	}
	y := ax + lanczosGMinusHlf
	// z is the rounding error of y, scaled: it corrects the sum below.
	var z float64
	if ax > lanczosGMinusHlf {
		q := y - ax
		z = q - lanczosGMinusHlf
	} else {
		q := y - lanczosGMinusHlf
		z = q - ax
	}
	z = float64(z*lanczosG) / y
	var r float64
	if x < 0 {
		r = -math.Pi / sinPi(ax) / ax * crExpAny(y) / lanczosSum(ax)
		r -= float64(z * r)
		if ax < 140.0 {
			r /= libmPow(y, ax-0.5)
		} else {
			sp := libmPow(y, ax/2.0-0.25)
			r /= sp
			r /= sp
		}
	} else {
		r = lanczosSum(ax) / crExpAny(y)
		r += float64(z * r)
		if ax < 140.0 {
			r *= libmPow(y, ax-0.5)
		} else {
			sp := libmPow(y, ax/2.0-0.25)
			r *= sp
			r *= sp
		}
	}
	return r
}

// mLgamma is math.lgamma (NaN result: domain error at the poles).
func mLgamma(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case math.IsInf(x, 0):
		return math.Inf(1)
	}
	if x == math.Floor(x) && x <= 2.0 {
		if x <= 0 {
			return math.NaN()
		}
		return 0.0
	}
	ax := math.Abs(x)
	if ax < 1e-20 {
		return -crLogAny(ax)
	}
	r := crLogAny(lanczosSum(ax)) - lanczosG
	r += float64((ax - 0.5) * (crLogAny(ax+lanczosG-0.5) - 1))
	if x < 0 {
		r = logPi - crLogAny(math.Abs(sinPi(ax))) - crLogAny(ax) - r
	}
	return r
}

// crExpAny is exp with the C library's overflow behaviour.
func crExpAny(x float64) float64 {
	if x > 709.8 {
		return math.Inf(1)
	}
	return crExp(x)
}
