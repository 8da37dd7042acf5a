package pylib

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"

	"chaoslab/internal/formula/pyval"
)

// Methods of int (also serving bool and big ints) and float.

func installNum() {
	I := pyval.IntKind
	reg(I, "bit_length", func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, "bit_length", args, kw); err != nil {
			return value{}, err
		}
		return pyval.Int(int64(new(big.Int).Abs(bigOf(self)).BitLen())), nil
	})
	reg(I, "bit_count", func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, "bit_count", args, kw); err != nil {
			return value{}, err
		}
		n := 0
		for _, w := range new(big.Int).Abs(bigOf(self)).Bits() {
			n += bits.OnesCount64(uint64(w))
		}
		return pyval.Int(int64(n)), nil
	})
	reg(I, "conjugate", func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, "conjugate", args, kw); err != nil {
			return value{}, err
		}
		return intResult(new(big.Int).Set(bigOf(self))), nil
	})
	reg(I, "as_integer_ratio", func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, "as_integer_ratio", args, kw); err != nil {
			return value{}, err
		}
		return pyval.NewTuple([]value{intResult(new(big.Int).Set(bigOf(self))), pyval.Int(1)}), nil
	})
	reg(I, "to_bytes", iToBytes)
	F := pyval.FloatKind
	reg(F, "is_integer", func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, "is_integer", args, kw); err != nil {
			return value{}, err
		}
		f := self.Float64()
		return pyval.Bool(!math.IsInf(f, 0) && f == math.Trunc(f)), nil
	})
	reg(F, "conjugate", func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, "conjugate", args, kw); err != nil {
			return value{}, err
		}
		return self, nil
	})
	reg(F, "as_integer_ratio", fAsIntegerRatio)
	reg(F, "hex", fHex)
}

func iToBytes(ctx *context, self value, args []value, kw []keyword) (value, error) {
	var a [3]value
	p := params{fn: "to_bytes", names: []string{"length", "byteorder", "signed"}, npos: 2, nreq: 0, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	length := int64(1)
	if !a[0].IsUndefined() {
		n, err := smallIndex(a[0])
		if err != nil {
			return value{}, err
		}
		if n < 0 {
			return value{}, valueErr("length argument must be non-negative")
		}
		length = n
	}
	order := "big"
	if !a[1].IsUndefined() {
		s, err := strArg("to_bytes", a[1], 2)
		if err != nil {
			return value{}, err
		}
		order = s
	}
	if order != "big" && order != "little" {
		return value{}, valueErr("byteorder must be either 'little' or 'big'")
	}
	signed := !a[2].IsUndefined() && pyval.Truth(a[2])
	if err := ctx.CheckSize(int(min(length, math.MaxInt32))); err != nil {
		return value{}, err
	}
	x := bigOf(self)
	if x.Sign() < 0 && !signed {
		return value{}, pyval.Errorf("OverflowError", "can't convert negative int to unsigned")
	}
	v := new(big.Int).Set(x)
	if x.Sign() < 0 {
		// Two's complement in length bytes.
		v.Add(v, new(big.Int).Lsh(big.NewInt(1), uint(8*length)))
	}
	limitBits := 8 * length
	if signed {
		limitBits--
	}
	if (x.Sign() >= 0 && int64(x.BitLen()) > limitBits) || (x.Sign() < 0 && (v.Sign() < 0 || int64(new(big.Int).Not(x).BitLen()) > limitBits)) {
		return value{}, pyval.Errorf("OverflowError", "int too big to convert")
	}
	buf := v.FillBytes(make([]byte, length))
	if order == "little" {
		for i, j := 0, len(buf)-1; i < j; i, j = i+1, j-1 {
			buf[i], buf[j] = buf[j], buf[i]
		}
	}
	return value{K: pyval.BytesKind, O: string(buf)}, nil
}

func fAsIntegerRatio(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noArgsOf(self, "as_integer_ratio", args, kw); err != nil {
		return value{}, err
	}
	f := self.Float64()
	if math.IsInf(f, 0) {
		return value{}, pyval.Errorf("OverflowError", "cannot convert Infinity to integer ratio")
	}
	if math.IsNaN(f) {
		return value{}, valueErr("cannot convert NaN to integer ratio")
	}
	r := new(big.Rat).SetFloat64(f)
	return pyval.NewTuple([]value{intResult(new(big.Int).Set(r.Num())), intResult(new(big.Int).Set(r.Denom()))}), nil
}

// fHex is float.hex(): "0x1.8000000000000p+1" (13 hex digits, like C's %a
// with CPython's normalization).
func fHex(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noArgsOf(self, "hex", args, kw); err != nil {
		return value{}, err
	}
	f := self.Float64()
	switch {
	case math.IsNaN(f):
		return pyval.Str("nan"), nil
	case math.IsInf(f, 1):
		return pyval.Str("inf"), nil
	case math.IsInf(f, -1):
		return pyval.Str("-inf"), nil
	}
	sign := ""
	if math.Signbit(f) {
		sign = "-"
		f = -f
	}
	if f == 0 {
		return pyval.Str(sign + "0x0.0p+0"), nil
	}
	b := math.Float64bits(f)
	exp := int((b >> 52) & 0x7ff)
	mant := b & (1<<52 - 1)
	lead := "1"
	if exp == 0 {
		// Subnormal: CPython prints 0x0.xxxp-1022.
		lead = "0"
		exp = -1022
	} else {
		exp -= 1023
	}
	m := strconv.FormatUint(mant, 16)
	m = strings.Repeat("0", 13-len(m)) + m
	es := strconv.Itoa(exp)
	if exp >= 0 {
		es = "+" + es
	}
	return pyval.Str(sign + "0x" + lead + "." + m + "p" + es), nil
}

func bigFromBytes(b []byte) *big.Int { return new(big.Int).SetBytes(b) }

func bigOne() *big.Int { return big.NewInt(1) }
