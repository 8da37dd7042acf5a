package pyval

import (
	"math"
	"math/big"
	"math/bits"
)

// Integer arithmetic: int64 fast paths with overflow detection, falling
// back to *big.Int; results are normalized back to IntKind when they fit.

// isInt reports whether v is an int (bool included).
func isInt(v Value) bool { return v.K == IntKind || v.K == BoolKind || v.K == BigKind }

// isNumber reports whether v is an int, bool or float.
func isNumber(v Value) bool { return isInt(v) || v.K == FloatKind }

// BigOf returns an int, bool or big int as a *big.Int (a fresh one for
// int64 payloads; the shared value for BigKind, which must not be modified).
// It returns nil for other kinds.
func BigOf(v Value) *big.Int {
	switch v.K {
	case IntKind, BoolKind:
		return big.NewInt(int64(v.N))
	case BigKind:
		return v.O.(*big.Int)
	}
	return nil
}

func bigVal(b *big.Int) Value { return BigInt(b) }

// bitLen returns the number of bits of |v| for an int value.
func bitLen(v Value) int {
	if v.K == BigKind {
		return v.O.(*big.Int).BitLen()
	}
	i := int64(v.N)
	if i < 0 {
		return bits.Len64(uint64(-i))
	}
	return bits.Len64(uint64(i))
}

// intSign returns -1, 0 or 1.
func intSign(v Value) int {
	if v.K == BigKind {
		return v.O.(*big.Int).Sign()
	}
	i := int64(v.N)
	switch {
	case i < 0:
		return -1
	case i > 0:
		return 1
	}
	return 0
}

func add64(a, b int64) (int64, bool) {
	s := a + b
	return s, (a^s)&(b^s) >= 0
}

func sub64(a, b int64) (int64, bool) {
	s := a - b
	return s, (a^b)&(a^s) >= 0
}

func mul64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if (c < 0) != ((a < 0) != (b < 0)) || c/b != a {
		return 0, false
	}
	return c, true
}

// floorDiv64 and floorMod64 assume b != 0 and not (a == MinInt64 && b == -1).
func floorDiv64(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod64(a, b int64) int64 {
	m := a % b
	if m != 0 && ((m < 0) != (b < 0)) {
		m += b
	}
	return m
}

// intToFloat converts an int value to float64 (round-half-even like
// CPython), failing for ints beyond the float range (a long, in Python 2's
// words).
func intToFloat(ctx *Context, v Value) (float64, error) {
	if v.K != BigKind {
		return float64(int64(v.N)), nil
	}
	f, _ := new(big.Float).SetInt(v.O.(*big.Int)).Float64()
	if math.IsInf(f, 0) {
		if ctx.py2() {
			return 0, errLongTooLargeForFloat
		}
		return 0, errIntTooLargeForFloat
	}
	return f, nil
}

// intBinary applies op to two ints (IntKind, BoolKind or BigKind).
func intBinary(ctx *Context, op Op, a, b Value) (Value, error) {
	if a.K != BigKind && b.K != BigKind {
		x, y := int64(a.N), int64(b.N)
		switch op {
		case OpAdd:
			if r, ok := add64(x, y); ok {
				return Int(r), nil
			}
		case OpSub:
			if r, ok := sub64(x, y); ok {
				return Int(r), nil
			}
		case OpMul:
			if r, ok := mul64(x, y); ok {
				return Int(r), nil
			}
		case OpFloorDiv:
			if y == 0 {
				return Value{}, zeroDivError("integer division or modulo by zero")
			}
			if !(x == math.MinInt64 && y == -1) {
				return Int(floorDiv64(x, y)), nil
			}
		case OpMod:
			if y == 0 {
				if ctx.py2() {
					return Value{}, zeroDivError("integer division or modulo by zero")
				}
				return Value{}, zeroDivError("integer modulo by zero")
			}
			if y == -1 {
				return Int(0), nil
			}
			return Int(floorMod64(x, y)), nil
		case OpDiv:
			if ctx.py2() {
				return intBinary(ctx, OpFloorDiv, a, b)
			}
			if y == 0 {
				return Value{}, zeroDivError("division by zero")
			}
			if x >= -1<<53 && x <= 1<<53 && y >= -1<<53 && y <= 1<<53 {
				return Float(float64(x) / float64(y)), nil
			}
			return bigTrueDiv(BigOf(a), BigOf(b))
		case OpAnd:
			if a.K == BoolKind && b.K == BoolKind {
				return Bool(x&y != 0), nil
			}
			return Int(x & y), nil
		case OpOr:
			if a.K == BoolKind && b.K == BoolKind {
				return Bool((x | y) != 0), nil
			}
			return Int(x | y), nil
		case OpXor:
			if a.K == BoolKind && b.K == BoolKind {
				return Bool((x ^ y) != 0), nil
			}
			return Int(x ^ y), nil
		case OpLShift:
			if y < 0 {
				return Value{}, valueError("negative shift count")
			}
			if x == 0 {
				return Int(0), nil
			}
			if y < 63 {
				r := x << uint(y)
				if r>>uint(y) == x {
					return Int(r), nil
				}
			}
		case OpRShift:
			if y < 0 {
				return Value{}, valueError("negative shift count")
			}
			if y > 63 {
				y = 63
			}
			return Int(x >> uint(y)), nil
		case OpPow:
			return intPow(ctx, a, b)
		}
	}
	return bigBinary(ctx, op, a, b)
}

// bigBinary is the arbitrary-precision path of intBinary.
func bigBinary(ctx *Context, op Op, a, b Value) (Value, error) {
	x, y := BigOf(a), BigOf(b)
	switch op {
	case OpAdd, OpSub:
		if err := ctx.CheckIntBits(float64(max(x.BitLen(), y.BitLen()) + 1)); err != nil {
			return Value{}, err
		}
		if op == OpAdd {
			return bigVal(new(big.Int).Add(x, y)), nil
		}
		return bigVal(new(big.Int).Sub(x, y)), nil
	case OpMul:
		if err := ctx.CheckIntBits(float64(x.BitLen() + y.BitLen())); err != nil {
			return Value{}, err
		}
		return bigVal(new(big.Int).Mul(x, y)), nil
	case OpFloorDiv, OpMod:
		if y.Sign() == 0 {
			if op == OpMod && !ctx.py2() {
				return Value{}, zeroDivError("integer modulo by zero")
			}
			return Value{}, zeroDivError("integer division or modulo by zero")
		}
		q, m := bigDivMod(x, y)
		if op == OpFloorDiv {
			return bigVal(q), nil
		}
		return bigVal(m), nil
	case OpDiv:
		if ctx.py2() {
			return bigBinary(ctx, OpFloorDiv, a, b)
		}
		if y.Sign() == 0 {
			return Value{}, zeroDivError("division by zero")
		}
		return bigTrueDiv(x, y)
	case OpAnd:
		return bigVal(new(big.Int).And(x, y)), nil
	case OpOr:
		return bigVal(new(big.Int).Or(x, y)), nil
	case OpXor:
		return bigVal(new(big.Int).Xor(x, y)), nil
	case OpLShift, OpRShift:
		if y.Sign() < 0 {
			return Value{}, valueError("negative shift count")
		}
		if op == OpRShift {
			if !y.IsInt64() || y.Int64() > int64(x.BitLen()) {
				if x.Sign() < 0 {
					return Int(-1), nil
				}
				return Int(0), nil
			}
			return bigVal(new(big.Int).Rsh(x, uint(y.Int64()))), nil
		}
		if x.Sign() == 0 {
			return Int(0), nil
		}
		if !y.IsInt64() {
			return Value{}, ctx.CheckIntBits(math.Inf(1))
		}
		if err := ctx.CheckIntBits(float64(x.BitLen()) + float64(y.Int64())); err != nil {
			return Value{}, err
		}
		return bigVal(new(big.Int).Lsh(x, uint(y.Int64()))), nil
	case OpPow:
		return intPow(ctx, a, b)
	}
	return Value{}, unsupported(ctx, op, a, b)
}

// bigDivMod returns floored quotient and remainder (y != 0).
func bigDivMod(x, y *big.Int) (*big.Int, *big.Int) {
	q, m := new(big.Int).QuoRem(x, y, new(big.Int))
	if m.Sign() != 0 && (m.Sign() < 0) != (y.Sign() < 0) {
		q.Sub(q, big.NewInt(1))
		m.Add(m, y)
	}
	return q, m
}

// bigTrueDiv is int/int with CPython's correct rounding (y != 0).
func bigTrueDiv(x, y *big.Int) (Value, error) {
	if x.Sign() == 0 {
		return Float(math.Copysign(0, float64(y.Sign()))), nil
	}
	f, _ := new(big.Rat).SetFrac(x, y).Float64()
	if math.IsInf(f, 0) {
		return Value{}, overflowError("integer division result too large for a float")
	}
	return Float(f), nil
}

// intPow computes a ** b for ints.
func intPow(ctx *Context, a, b Value) (Value, error) {
	if intSign(b) < 0 {
		x, err := intToFloat(ctx, a)
		if err != nil {
			return Value{}, err
		}
		y, err := intToFloat(ctx, b)
		if err != nil {
			return Value{}, err
		}
		return floatPow(ctx, x, y)
	}
	if a.K != BigKind {
		switch int64(a.N) {
		case 0:
			if intSign(b) == 0 {
				return Int(1), nil
			}
			return Int(0), nil
		case 1:
			return Int(1), nil
		case -1:
			if b.K == BigKind {
				if b.O.(*big.Int).Bit(0) == 1 {
					return Int(-1), nil
				}
			} else if b.N&1 == 1 {
				return Int(-1), nil
			}
			return Int(1), nil
		}
	}
	if b.K == BigKind {
		return Value{}, ctx.CheckIntBits(math.Inf(1))
	}
	e := int64(b.N)
	if err := ctx.CheckIntBits(float64(bitLen(a)-1)*float64(e) + 1); err != nil {
		return Value{}, err
	}
	if a.K != BigKind {
		// Square-and-multiply in int64 while it fits.
		base, r, n := int64(a.N), int64(1), e
		ok := true
		for n > 0 && ok {
			if n&1 == 1 {
				r, ok = mul64(r, base)
			}
			n >>= 1
			if n > 0 && ok {
				base, ok = mul64(base, base)
			}
		}
		if ok {
			return Int(r), nil
		}
	}
	return bigVal(new(big.Int).Exp(BigOf(a), big.NewInt(e), nil)), nil
}
