package pylib

import "math"

// Hyperbolic functions as the C library (fdlibm formulas, as in glibc)
// evaluates them, on top of the correctly rounded exp/log and Go's expm1
// and log1p (themselves fdlibm ports), so results match CPython's.

func libmSinh(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	h := 0.5
	if x < 0 {
		h = -0.5
	}
	ax := math.Abs(x)
	switch {
	case ax < 22:
		if ax < 0x1p-28 {
			return x
		}
		t := math.Expm1(ax)
		if ax < 1 {
			return h * (2*t - t*t/(t+1))
		}
		return h * (t + t/(t+1))
	case ax < 709.782712893384: // log(DBL_MAX)
		return h * crExp(ax)
	case ax <= 710.4758600739439: // overflow threshold
		w := crExp(0.5 * ax)
		return (h * w) * w
	}
	return x * math.Inf(1) * 0.5 // overflow: inf with the sign of x
}

func libmCosh(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	ax := math.Abs(x)
	switch {
	case ax < 0.5*math.Ln2:
		if ax < 0x1p-55 {
			return 1
		}
		t := math.Expm1(ax)
		w := 1 + t
		return 1 + (t*t)/(w+w)
	case ax < 22:
		t := crExp(ax)
		return 0.5*t + 0.5/t
	case ax < 709.782712893384:
		return 0.5 * crExp(ax)
	case ax <= 710.4758600739439:
		w := crExp(0.5 * ax)
		return (0.5 * w) * w
	}
	return math.Inf(1)
}

func libmTanh(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	if math.IsInf(x, 0) {
		return math.Copysign(1, x)
	}
	ax := math.Abs(x)
	var z float64
	switch {
	case ax < 0x1p-55:
		return x
	case ax < 1:
		t := math.Expm1(-2 * ax)
		z = -t / (t + 2)
	case ax < 22:
		t := math.Expm1(2 * ax)
		z = 1 - 2/(t+2)
	default:
		z = 1
	}
	return math.Copysign(z, x)
}

func libmAsinh(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	ax := math.Abs(x)
	var w float64
	switch {
	case ax < 0x1p-28:
		return x
	case ax > 0x1p28:
		w = crLog(ax) + math.Ln2
	case ax > 2:
		w = crLog(2*ax + 1/(math.Sqrt(x*x+1)+ax))
	default:
		t := x * x
		w = math.Log1p(ax + t/(1+math.Sqrt(1+t)))
	}
	return math.Copysign(w, x)
}

func libmAcosh(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < 1:
		return math.NaN()
	case x == 1:
		return 0
	case math.IsInf(x, 1):
		return x
	case x >= 0x1p28:
		return crLog(x) + math.Ln2
	case x > 2:
		t := x * x
		return crLog(2*x - 1/(x+math.Sqrt(t-1)))
	}
	t := x - 1
	return math.Log1p(t + math.Sqrt(2*t+t*t))
}

func libmAtanh(x float64) float64 {
	ax := math.Abs(x)
	switch {
	case math.IsNaN(x) || ax > 1:
		return math.NaN()
	case ax == 1:
		return math.Copysign(math.Inf(1), x)
	case ax < 0x1p-28:
		return x
	}
	var t float64
	if ax < 0.5 {
		t = ax + ax
		t = 0.5 * math.Log1p(t+t*ax/(1-ax))
	} else {
		t = 0.5 * math.Log1p((ax+ax)/(1-ax))
	}
	return math.Copysign(t, x)
}
