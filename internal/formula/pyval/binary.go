package pyval

import (
	"math"
	"math/big"
	"strings"
)

var opSymbols = [...]string{
	OpAdd: "+", OpSub: "-", OpMul: "*", OpMatMul: "@", OpDiv: "/", OpFloorDiv: "//",
	OpMod: "%", OpPow: "** or pow()", OpLShift: "<<", OpRShift: ">>", OpOr: "|", OpXor: "^", OpAnd: "&",
}

// String returns the operator's symbol as Python error messages show it.
func (op Op) String() string {
	if int(op) < len(opSymbols) {
		return opSymbols[op]
	}
	return "?"
}

func unsupported(ctx *Context, op Op, a, b Value) error {
	return typeError("unsupported operand type(s) for " + op.String() + ": '" + typeName(ctx, a) + "' and '" + typeName(ctx, b) + "'")
}

// Binary applies a binary operator with CPython 3 semantics (Python 2
// semantics when ctx.Py2 is set).
func Binary(ctx *Context, op Op, a, b Value) (Value, error) {
	// Fast paths: float-float and int-int arithmetic never allocate.
	if a.K == FloatKind && b.K == FloatKind {
		x, y := math.Float64frombits(a.N), math.Float64frombits(b.N)
		switch op {
		case OpAdd:
			return Float(x + y), nil
		case OpSub:
			return Float(x - y), nil
		case OpMul:
			return Float(x * y), nil
		case OpDiv:
			if y != 0 {
				return Float(x / y), nil
			}
		}
		return floatBinary(ctx, op, x, y)
	}
	if isInt(a) && isInt(b) {
		return intBinary(ctx, op, a, b)
	}
	if isNumber(a) && isNumber(b) {
		switch op {
		case OpLShift, OpRShift, OpAnd, OpOr, OpXor, OpMatMul:
			return Value{}, unsupported(ctx, op, a, b)
		}
		x, err := toFloatNum(ctx, a)
		if err != nil {
			return Value{}, err
		}
		y, err := toFloatNum(ctx, b)
		if err != nil {
			return Value{}, err
		}
		return floatBinary(ctx, op, x, y)
	}
	return objBinary(ctx, op, a, b)
}

// toFloatNum converts an int, bool or float to float64.
func toFloatNum(ctx *Context, v Value) (float64, error) {
	if v.K == FloatKind {
		return v.Float64(), nil
	}
	return intToFloat(ctx, v)
}

// objBinary handles the non-numeric operand combinations.
func objBinary(ctx *Context, op Op, a, b Value) (Value, error) {
	switch op {
	case OpAdd:
		return concat(ctx, a, b)
	case OpMul:
		if isInt(b) && isSequence(a) {
			return repeat(ctx, a, b)
		}
		if isInt(a) && isSequence(b) {
			return repeat(ctx, b, a)
		}
		if isSequence(a) && b.K != ObjectKind {
			return Value{}, typeError("can't multiply sequence by non-int of type '" + typeName(ctx, b) + "'")
		}
		if isSequence(b) && a.K != ObjectKind {
			return Value{}, typeError("can't multiply sequence by non-int of type '" + typeName(ctx, a) + "'")
		}
	case OpMod:
		if a.K == StrKind || a.K == BytesKind {
			s, err := percentFormat(ctx, a.String(), b, a.K == BytesKind)
			if err != nil {
				return Value{}, err
			}
			return Value{K: a.K, O: s}, nil
		}
	case OpOr, OpAnd, OpSub, OpXor:
		if a.K == SetKind && b.K == SetKind {
			return setBinary(ctx, op, a.O.(*Set), b.O.(*Set))
		}
		if op == OpOr && a.K == DictKind && b.K == DictKind && !ctx.py2() {
			d, v := NewDict()
			if err := d.update(ctx, a.O.(*Dict)); err != nil {
				return Value{}, err
			}
			if err := d.update(ctx, b.O.(*Dict)); err != nil {
				return Value{}, err
			}
			return v, nil
		}
	}
	return Value{}, unsupported(ctx, op, a, b)
}

// isSequence reports whether v supports concatenation and repetition.
func isSequence(v Value) bool {
	switch v.K {
	case StrKind, BytesKind, ListKind, TupleKind:
		return true
	}
	return false
}

func concat(ctx *Context, a, b Value) (Value, error) {
	if a.K == b.K {
		switch a.K {
		case StrKind, BytesKind:
			x, y := a.String(), b.String()
			if err := ctx.CheckSize(len(x) + len(y)); err != nil {
				return Value{}, err
			}
			return Value{K: a.K, O: x + y}, nil
		case ListKind, TupleKind:
			x, y := seqItems(a), seqItems(b)
			if err := ctx.CheckSize(len(x) + len(y)); err != nil {
				return Value{}, err
			}
			items := make([]Value, 0, len(x)+len(y))
			items = append(append(items, x...), y...)
			if a.K == ListKind {
				return NewList(items), nil
			}
			return NewTuple(items), nil
		}
	}
	if isSequence(a) && b.K != ObjectKind {
		if ctx.py2() && a.K == StrKind {
			return Value{}, typeError("cannot concatenate 'str' and '" + typeName(ctx, b) + "' objects")
		}
		if a.K == BytesKind {
			return Value{}, typeError("can't concat " + typeName(ctx, b) + " to bytes")
		}
		return Value{}, typeError("can only concatenate " + typeName(ctx, a) + " (not \"" + typeName(ctx, b) + "\") to " + typeName(ctx, a))
	}
	return Value{}, unsupported(ctx, OpAdd, a, b)
}

// seqItems returns the items of a list or tuple.
func seqItems(v Value) []Value {
	switch v.K {
	case ListKind:
		return v.O.(*List).Items
	case TupleKind:
		return v.O.(*Tuple).Items
	}
	return nil
}

// repeatCount converts a repetition count, CPython-style.
func repeatCount(n Value) (int64, error) {
	if n.K == BigKind {
		return 0, errIndexSized
	}
	c := int64(n.N)
	if c < 0 {
		c = 0
	}
	return c, nil
}

func repeat(ctx *Context, seq, n Value) (Value, error) {
	c, err := repeatCount(n)
	if err != nil {
		return Value{}, err
	}
	var l int64
	switch seq.K {
	case StrKind, BytesKind:
		l = int64(len(seq.String()))
	default:
		l = int64(len(seqItems(seq)))
	}
	if l == 0 || c == 0 {
		c = 0
	} else if c > math.MaxInt64/l {
		// The size overflows Py_ssize_t: CPython's own errors.
		switch seq.K {
		case StrKind:
			return Value{}, overflowError("repeated string is too long")
		case BytesKind:
			return Value{}, overflowError("repeated bytes are too long")
		}
		return Value{}, &Exception{Type: "MemoryError"}
	}
	if err := ctx.checkSize64(l * c); err != nil {
		return Value{}, err
	}
	switch seq.K {
	case StrKind, BytesKind:
		return Value{K: seq.K, O: strings.Repeat(seq.String(), int(c))}, nil
	}
	src := seqItems(seq)
	items := make([]Value, 0, int(l*c))
	for i := int64(0); i < c; i++ {
		items = append(items, src...)
	}
	if seq.K == ListKind {
		return NewList(items), nil
	}
	return NewTuple(items), nil
}

var unarySymbols = [...]string{UnPos: "+", UnNeg: "-", UnInvert: "~", UnNot: "not"}

// Unary applies a unary operator.
func Unary(ctx *Context, op UnOp, a Value) (Value, error) {
	if op == UnNot {
		return Bool(!Truth(a)), nil
	}
	switch a.K {
	case FloatKind:
		switch op {
		case UnPos:
			return a, nil
		case UnNeg:
			return Float(-a.Float64()), nil
		}
	case IntKind, BoolKind:
		x := int64(a.N)
		switch op {
		case UnPos:
			return Int(x), nil
		case UnNeg:
			if x == math.MinInt64 {
				return bigVal(new(big.Int).Neg(BigOf(a))), nil
			}
			return Int(-x), nil
		case UnInvert:
			return Int(^x), nil
		}
	case BigKind:
		x := a.O.(*big.Int)
		switch op {
		case UnPos:
			return a, nil
		case UnNeg:
			return bigVal(new(big.Int).Neg(x)), nil
		case UnInvert:
			return bigVal(new(big.Int).Not(x)), nil
		}
	}
	sym := "?"
	if int(op) < len(unarySymbols) {
		sym = unarySymbols[op]
	}
	return Value{}, typeError("bad operand type for unary " + sym + ": '" + typeName(ctx, a) + "'")
}
