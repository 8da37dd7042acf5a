package pylib

import (
	"math"
	"math/big"
	"strconv"

	"chaoslab/internal/formula/pyval"
)

// round follows CPython: round(x) rounds half to even and returns an int;
// round(x, n) rounds the exact binary value of x to n decimal digits (so
// round(2.675, 2) == 2.67 because 2.675 is really 2.67499999...) and returns
// a float; ints stay ints. Python 2 rounds half away from zero and always
// returns a float.
func bRound(ctx *context, args []value, kw []keyword) (value, error) {
	var a [2]value
	p := params{fn: "round", names: []string{"number", "ndigits"}, npos: 2, nreq: 1, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	x, nd := a[0], a[1]
	if ctx.Py2 {
		return round2(ctx, x, nd)
	}
	if nd.IsUndefined() || isNone(nd) {
		switch x.K {
		case pyval.FloatKind:
			return floatToInt(math.RoundToEven(x.Float64()))
		case pyval.IntKind, pyval.BigKind:
			return x, nil
		case pyval.BoolKind:
			return pyval.Int(x.Int64()), nil
		}
		return value{}, typeErr("type %s doesn't define __round__ method", pyval.TypeName(x))
	}
	switch x.K {
	case pyval.FloatKind, pyval.IntKind, pyval.BigKind, pyval.BoolKind:
	default:
		return value{}, typeErr("type %s doesn't define __round__ method", pyval.TypeName(x))
	}
	if !isInt(nd) {
		return value{}, typeErr("'%s' object cannot be interpreted as an integer", pyval.TypeName(nd))
	}
	if x.K != pyval.FloatKind {
		return roundInt(bigOf(x), nd, false)
	}
	n := int64(0)
	if nd.K == pyval.BigKind {
		if nd.O.(*big.Int).Sign() > 0 {
			n = math.MaxInt64
		} else {
			n = math.MinInt64
		}
	} else {
		n = nd.Int64()
	}
	f, err := roundFloat(x.Float64(), n, false)
	if err != nil {
		return value{}, err
	}
	return pyval.Float(f), nil
}

// roundInt rounds an int to ndigits (only negative ndigits change it),
// half to even (Python 3) or away from zero (Python 2).
func roundInt(x *big.Int, nd value, awayFromZero bool) (value, error) {
	if nd.K == pyval.BigKind || nd.Int64() >= 0 {
		return intResult(new(big.Int).Set(x)), nil
	}
	n := -nd.Int64()
	if n > int64(x.BitLen())+2 {
		return pyval.Int(0), nil
	}
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
	return intResult(roundRatToMultiple(new(big.Rat).SetInt(x), pow, awayFromZero)), nil
}

// roundRatToMultiple rounds r to the nearest multiple of m (an integer).
func roundRatToMultiple(r *big.Rat, m *big.Int, awayFromZero bool) *big.Int {
	q := new(big.Rat).Quo(r, new(big.Rat).SetInt(m))
	i := roundRat(q, awayFromZero)
	return i.Mul(i, m)
}

// roundRat rounds a rational to an integer, ties to even or away from zero.
func roundRat(q *big.Rat, awayFromZero bool) *big.Int {
	num, den := q.Num(), q.Denom()
	neg := num.Sign() < 0
	absNum := new(big.Int).Abs(num)
	quo, rem := new(big.Int).QuoRem(absNum, den, new(big.Int))
	twice := rem.Lsh(rem, 1)
	switch c := twice.Cmp(den); {
	case c > 0:
		quo.Add(quo, big.NewInt(1))
	case c == 0:
		if awayFromZero || quo.Bit(0) == 1 {
			quo.Add(quo, big.NewInt(1))
		}
	}
	if neg {
		quo.Neg(quo)
	}
	return quo
}

// roundFloat is float.__round__(n) (or Python 2's round) on the exact binary
// value of x.
func roundFloat(x float64, n int64, awayFromZero bool) (float64, error) {
	if math.IsInf(x, 0) || math.IsNaN(x) || x == 0 {
		return x, nil
	}
	// Beyond these limits the result is x itself or a signed zero
	// (CPython's NDIGITS_MAX / NDIGITS_MIN).
	if n > 323 {
		return x, nil
	}
	if n < -308 {
		return math.Copysign(0, x), nil
	}
	if n >= 0 && !awayFromZero {
		// strconv rounds the exact decimal expansion, ties to even: the
		// same as CPython's _Py_dg_dtoa mode 3.
		s := strconv.FormatFloat(x, 'f', int(n), 64)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, pyval.Errorf("OverflowError", "rounded value too large to represent")
		}
		return math.Copysign(f, x), nil
	}
	r := new(big.Rat).SetFloat64(x)
	var res *big.Rat
	if n >= 0 {
		scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
		q := new(big.Rat).Mul(r, new(big.Rat).SetInt(scale))
		i := roundRat(q, awayFromZero)
		res = new(big.Rat).SetFrac(i, scale)
	} else {
		scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(-n), nil)
		res = new(big.Rat).SetInt(roundRatToMultiple(r, scale, awayFromZero))
	}
	f, _ := res.Float64()
	if math.IsInf(f, 0) {
		return 0, pyval.Errorf("OverflowError", "rounded value too large to represent")
	}
	return math.Copysign(f, x), nil
}

// round2 is Python 2's round(number[, ndigits]): always a float, halves
// away from zero.
func round2(ctx *context, x, nd value) (value, error) {
	f, ok, err := toFloat(x)
	if err != nil {
		return value{}, err
	}
	if !ok {
		return value{}, typeErr("a float is required")
	}
	n := int64(0)
	if !nd.IsUndefined() {
		if !isInt(nd) {
			return value{}, typeErr("integer argument expected, got %s", pyval.TypeName(nd))
		}
		if nd.K == pyval.BigKind {
			return value{}, pyval.Errorf("OverflowError", "Python int too large to convert to C long")
		}
		n = nd.Int64()
	}
	r, err := roundFloat(f, n, true)
	if err != nil {
		return value{}, err
	}
	return pyval.Float(r), nil
}
