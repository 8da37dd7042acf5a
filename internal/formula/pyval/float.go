package pyval

import "math"

// Float arithmetic following CPython's floatobject.c: floored division and
// modulo via fmod with the sign of the divisor, and float_pow's special
// cases and errors.

// floatBinary applies op to two floats.
func floatBinary(ctx *Context, op Op, x, y float64) (Value, error) {
	switch op {
	case OpAdd:
		return Float(x + y), nil
	case OpSub:
		return Float(x - y), nil
	case OpMul:
		return Float(x * y), nil
	case OpDiv:
		if y == 0 {
			return Value{}, zeroDivError("float division by zero")
		}
		return Float(x / y), nil
	case OpFloorDiv:
		if y == 0 {
			if ctx.py2() {
				return Value{}, zeroDivError("float divmod()")
			}
			return Value{}, zeroDivError("float floor division by zero")
		}
		q, _ := floatDivMod(x, y)
		return Float(q), nil
	case OpMod:
		if y == 0 {
			return Value{}, zeroDivError("float modulo")
		}
		return Float(floatMod(x, y)), nil
	case OpPow:
		return floatPow(ctx, x, y)
	}
	return Value{}, unsupported(ctx, op, Float(x), Float(y))
}

// floatMod is CPython's float_rem (y != 0).
func floatMod(x, y float64) float64 {
	m := math.Mod(x, y)
	if m != 0 {
		if (y < 0) != (m < 0) {
			m += y
		}
	} else {
		m = math.Copysign(0, y)
	}
	return m
}

// floatDivMod is CPython's _float_div_mod (y != 0).
func floatDivMod(vx, wx float64) (float64, float64) {
	mod := math.Mod(vx, wx)
	div := (vx - mod) / wx
	if mod != 0 {
		if (wx < 0) != (mod < 0) {
			mod += wx
			div -= 1.0
		}
	} else {
		mod = math.Copysign(0, wx)
	}
	var floordiv float64
	if div != 0 {
		floordiv = math.Floor(div)
		if div-floordiv > 0.5 {
			floordiv += 1.0
		}
	} else {
		floordiv = math.Copysign(0, vx/wx)
	}
	return floordiv, mod
}

// FloatDivMod returns divmod(x, y) for floats with CPython's results and
// errors (for pylib's divmod()).
func FloatDivMod(x, y float64) (float64, float64, error) {
	if y == 0 {
		return 0, 0, zeroDivError("float divmod()")
	}
	q, m := floatDivMod(x, y)
	return q, m, nil
}

// floatPow is CPython's float_pow.
func floatPow(ctx *Context, iv, iw float64) (Value, error) {
	if iw == 0 {
		return Float(1), nil
	}
	if math.IsNaN(iv) {
		return Float(iv), nil
	}
	if math.IsNaN(iw) {
		if iv == 1 {
			return Float(1), nil
		}
		return Float(iw), nil
	}
	if math.IsInf(iw, 0) {
		iv = math.Abs(iv)
		if iv == 1 {
			return Float(1), nil
		}
		if (iw > 0) == (iv > 1) {
			return Float(math.Abs(iw)), nil
		}
		return Float(0), nil
	}
	if math.IsInf(iv, 0) {
		odd := math.Mod(math.Abs(iw), 2) == 1
		if iw > 0 {
			if odd {
				return Float(iv), nil
			}
			return Float(math.Abs(iv)), nil
		}
		if odd {
			return Float(math.Copysign(0, iv)), nil
		}
		return Float(0), nil
	}
	if iv == 0 {
		odd := math.Mod(math.Abs(iw), 2) == 1
		if iw < 0 {
			return Value{}, errZeroNegPow
		}
		if odd {
			return Float(iv), nil
		}
		return Float(0), nil
	}
	negate := false
	if iv < 0 {
		if iw != math.Floor(iw) {
			if ctx.py2() {
				return Value{}, valueError("negative number cannot be raised to a fractional power")
			}
			return Value{}, valueError("complex numbers are not supported: the result of (" +
				floatRepr(iv) + ") ** " + floatRepr(iw) + " is complex")
		}
		iv = -iv
		negate = math.Mod(math.Abs(iw), 2) == 1
	}
	if iv == 1 {
		if negate {
			return Float(-1), nil
		}
		return Float(1), nil
	}
	r := pow(iv, iw)
	if math.IsInf(r, 0) {
		return Value{}, errMathRange
	}
	if negate {
		r = -r
	}
	return Float(r), nil
}
