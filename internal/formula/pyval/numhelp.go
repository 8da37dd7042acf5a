package pyval

import (
	"math"
	"math/big"
	"strconv"
)

// Numeric helpers for pylib's divmod() and round(), where CPython's exact
// semantics are easy to get subtly wrong.

// DivMod is divmod(a, b) for ints, bools and floats, with CPython's results
// and messages.
func DivMod(ctx *Context, a, b Value) (Value, Value, error) {
	if isInt(a) && isInt(b) {
		if intSign(b) == 0 {
			return Value{}, Value{}, zeroDivError("integer division or modulo by zero")
		}
		q, err := intBinary(ctx, OpFloorDiv, a, b)
		if err != nil {
			return Value{}, Value{}, err
		}
		m, err := intBinary(ctx, OpMod, a, b)
		return q, m, err
	}
	if isNumber(a) && isNumber(b) {
		x, err := toFloatNum(ctx, a)
		if err != nil {
			return Value{}, Value{}, err
		}
		y, err := toFloatNum(ctx, b)
		if err != nil {
			return Value{}, Value{}, err
		}
		q, m, err := FloatDivMod(x, y)
		return Float(q), Float(m), err
	}
	return Value{}, Value{}, typeError("unsupported operand type(s) for divmod(): '" + typeName(ctx, a) + "' and '" + typeName(ctx, b) + "'")
}

// RoundFloat is round(x, ndigits) for a float: the exact binary value is
// rounded half-to-even at the decimal position, as CPython's double_round
// does (so round(2.675, 2) == 2.67 and round(0.5) == 0.0).
func RoundFloat(x float64, ndigits int64) (float64, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return x, nil
	}
	if ndigits > 400 {
		return x, nil
	}
	if ndigits < -400 {
		return math.Copysign(0, x), nil
	}
	if ndigits >= 0 {
		r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', int(ndigits), 64), 64)
		if err != nil && math.IsInf(r, 0) {
			return 0, overflowError("rounded value too large to represent")
		}
		return r, nil
	}
	// Negative ndigits: round x / 10**k to an integer, half to even, exactly.
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(-ndigits), nil)
	q := new(big.Rat).SetFloat64(x)
	q.Quo(q, new(big.Rat).SetInt(scale))
	n := new(big.Int).Quo(q.Num(), q.Denom()) // truncated toward zero
	rem := new(big.Rat).Sub(q, new(big.Rat).SetInt(n))
	half := big.NewRat(1, 2)
	switch c := new(big.Rat).Abs(rem).Cmp(half); {
	case c > 0 || (c == 0 && n.Bit(0) == 1):
		if rem.Sign() < 0 {
			n.Sub(n, big.NewInt(1))
		} else {
			n.Add(n, big.NewInt(1))
		}
	}
	f, _ := new(big.Rat).SetInt(n.Mul(n, scale)).Float64()
	if math.IsInf(f, 0) {
		return 0, overflowError("rounded value too large to represent")
	}
	if f == 0 {
		return math.Copysign(0, x), nil
	}
	return f, nil
}
