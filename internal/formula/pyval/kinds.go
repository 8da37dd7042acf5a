package pyval

import "strconv"

// TypeName returns the Python type name of v: "int", "float", "NoneType" ...
func TypeName(v Value) string { return typeName(nil, v) }

// TypeNameCtx is TypeName in the language mode of ctx (Python 2 calls big
// ints "long" and ranges "xrange").
func TypeNameCtx(ctx *Context, v Value) string { return typeName(ctx, v) }

func typeName(ctx *Context, v Value) string {
	switch v.K {
	case NoneKind:
		return "NoneType"
	case BoolKind:
		return "bool"
	case IntKind:
		return "int"
	case BigKind:
		if ctx.py2() {
			return "long"
		}
		return "int"
	case FloatKind:
		return "float"
	case StrKind:
		return "str"
	case BytesKind:
		return "bytes"
	case TupleKind:
		return "tuple"
	case ListKind:
		return "list"
	case DictKind:
		return "dict"
	case SetKind:
		if v.O.(*Set).frozen {
			return "frozenset"
		}
		return "set"
	case RangeKind:
		if ctx.py2() {
			return "xrange"
		}
		return "range"
	case FuncKind:
		f := v.O.(*Func)
		switch {
		case f.Class != "":
			return "type"
		case f.Lambda:
			return "function"
		}
		return "builtin_function_or_method"
	case IterKind:
		if n := v.O.(*Iterator).Name; n != "" {
			return n
		}
		return "iterator"
	case ObjectKind:
		return v.O.(Object).TypeName()
	}
	return "undefined"
}

// Truth is Python's truth value test (bool(v)).
func Truth(v Value) bool {
	switch v.K {
	case BoolKind, IntKind, FloatKind:
		// Float: only +0.0 and -0.0 are false; NaN is true.
		if v.K == FloatKind {
			return v.N<<1 != 0
		}
		return v.N != 0
	case NoneKind, Undefined:
		return false
	case BigKind:
		return true
	case StrKind, BytesKind:
		return v.String() != ""
	case TupleKind:
		return len(v.O.(*Tuple).Items) > 0
	case ListKind:
		return len(v.O.(*List).Items) > 0
	case DictKind:
		return v.O.(*Dict).Len() > 0
	case SetKind:
		return v.O.(*Set).Len() > 0
	case RangeKind:
		return v.O.(*Range).Len() > 0
	case ObjectKind:
		if t, ok := v.O.(interface{ Truth() bool }); ok {
			return t.Truth()
		}
	}
	return true
}

// NewList returns a list holding items (not copied).
func NewList(items []Value) Value { return Value{K: ListKind, O: &List{Items: items}} }

// NewTuple returns a tuple holding items (not copied).
func NewTuple(items []Value) Value { return Value{K: TupleKind, O: &Tuple{Items: items}} }

// Bytes returns a bytes value.
func Bytes(s string) Value { return Value{K: BytesKind, O: s} }

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
