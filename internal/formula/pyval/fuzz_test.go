package pyval

import (
	"math"
	"math/big"
	"testing"
)

// fuzzValues is the operand pool of FuzzBinary, indexed by fuzz bytes.
func fuzzValues() []Value {
	l := &List{}
	self := Value{K: ListKind, O: l}
	l.Items = []Value{Int(1), self}
	d, dv := NewDict()
	d.Set(nil, Str("a"), Int(1))
	s, sv := NewSet(false)
	s.Add(nil, Int(3))
	s.Add(nil, Float(0.5))
	fs, fsv := NewSet(true)
	fs.Add(nil, Int(3))
	r, _ := NewRange(-3, 10, 2)
	huge := BigInt(new(big.Int).Lsh(big.NewInt(1), 200))
	return []Value{
		None, True, False, Int(0), Int(1), Int(-1), Int(2), Int(-7), Int(63), Int(64), Int(math.MaxInt64), Int(math.MinInt64),
		huge, BigInt(new(big.Int).Neg(huge.O.(*big.Int))), Float(0), Float(math.Copysign(0, -1)), Float(0.1), Float(-2.5),
		Float(1e308), Float(math.Inf(1)), Float(math.NaN()), Float(5e-324), Str(""), Str("abc"), Str("%s %d"), Str("%(a)s"),
		Str("é€"), Bytes("\x00\xff"), Bytes("%s"), NewList(nil), NewList([]Value{Int(1), Str("x")}), self,
		NewTuple(nil), NewTuple([]Value{Int(1), Float(2)}), dv, sv, fsv, r, Value{},
	}
}

// FuzzBinary applies every operator to random operands: it must never
// panic, and a failure must be an *Exception.
func FuzzBinary(f *testing.F) {
	f.Add(byte(0), byte(3), byte(4), int64(5))
	f.Add(byte(7), byte(12), byte(2), int64(-1))
	f.Add(byte(5), byte(23), byte(33), int64(1<<40))
	vals := fuzzValues()
	f.Fuzz(func(t *testing.T, op, ai, bi byte, n int64) {
		ctx := &Context{Steps: 100000, MaxSize: 100000}
		a, b := vals[int(ai)%len(vals)], vals[int(bi)%len(vals)]
		if bi%7 == 0 {
			b = Int(n)
		}
		if ai%11 == 0 {
			a = Float(math.Float64frombits(uint64(n)))
		}
		check := func(err error) {
			if err != nil {
				if _, ok := err.(*Exception); !ok {
					t.Fatalf("non-Exception error %T %v", err, err)
				}
			}
		}
		v, err := Binary(ctx, Op(op%13), a, b)
		check(err)
		if err == nil {
			_, err = Repr(ctx, v)
			check(err)
		}
		_, err = Compare(ctx, CmpOp(op%10), a, b)
		check(err)
		_, err = Unary(ctx, UnOp(op%4), a)
		check(err)
		_, err = GetItem(ctx, a, b)
		check(err)
		_, err = GetSlice(ctx, a, b, Int(n), vals[int(op)%len(vals)])
		check(err)
		_, err = Hash(a)
		check(err)
		_, err = ToStr(ctx, a)
		check(err)
		_, err = Len(ctx, a)
		check(err)
		_, err = ToInt(ctx, a, int(op%40)-1)
		check(err)
		_, err = ToFloat(ctx, a)
		check(err)
		_, err = GetAttr(ctx, a, "x")
		check(err)
		_, err = Call(ctx, a, []Value{b}, nil)
		check(err)
	})
}

// FuzzFormat runs the % formatter and the format-spec parser on random
// format strings and specs: no panic, bounded output.
func FuzzFormat(f *testing.F) {
	f.Add("%s=%.3f", "+08.2f", int64(42), 3.25)
	f.Add("%(a)s %*d %-#5x %c", "_^10,", int64(-1), math.Inf(-1))
	f.Add("%.*e %% %r", "z#o", int64(1<<62), math.NaN())
	f.Add("%\xff%5.2%", "\x00=+099.9e", int64(0), -0.0)
	f.Fuzz(func(t *testing.T, format, spec string, n int64, x float64) {
		ctx := &Context{Steps: 100000, MaxSize: 100000}
		d, dv := NewDict()
		d.Set(ctx, Str("a"), Float(x))
		args := []Value{
			NewTuple([]Value{Int(n), Float(x), Str(spec)}),
			NewTuple([]Value{Int(n % 50), Float(x)}),
			dv, Int(n), Float(x), Str(format), NewList(nil),
		}
		for _, a := range args {
			s, err := PercentFormat(ctx, format, a, false)
			if err == nil && len(s) > 4*ctx.MaxSize {
				t.Fatalf("output of %d bytes", len(s))
			}
			PercentFormat(ctx, format, a, true)
		}
		for _, v := range []Value{Int(n), Float(x), Str(format), True, None, BigInt(new(big.Int).Lsh(big.NewInt(n), 80))} {
			s, err := FormatValue(ctx, v, spec)
			if err == nil && len(s) > 4*ctx.MaxSize {
				t.Fatalf("output of %d bytes", len(s))
			}
			if err != nil {
				if _, ok := err.(*Exception); !ok {
					t.Fatalf("non-Exception error %v", err)
				}
			}
		}
	})
}
