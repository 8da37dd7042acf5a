package pyval

import (
	"math"
	"strings"
	"unicode/utf8"
)

// Sequence and container protocol: indexing, slicing, len, `in` and
// iteration for every kind.

// Index converts v to a Python index (operator.index / __index__): ints and
// bools only. Ints beyond int64 report ok=false with a nil error, so callers
// choose between clamping and CPython's "cannot fit 'int' into an
// index-sized integer".
func Index(v Value) (i int64, ok bool, err error) {
	switch v.K {
	case IntKind, BoolKind:
		return int64(v.N), true, nil
	case BigKind:
		return 0, false, nil
	}
	return 0, false, typeError("'" + TypeName(v) + "' object cannot be interpreted as an integer")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// strLen is len(str): the number of code points.
func strLen(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return utf8.RuneCountInString(s)
}

// GetItem is x[index].
func GetItem(ctx *Context, x, index Value) (Value, error) {
	switch x.K {
	case ListKind, TupleKind:
		items := seqItems(x)
		i, err := seqIndex(ctx, x, index, len(items))
		if err != nil {
			return Value{}, err
		}
		return items[i], nil
	case StrKind:
		s := x.String()
		if !isInt(index) {
			if ctx.py2() {
				return Value{}, typeError("string indices must be integers, not " + typeName(ctx, index))
			}
			return Value{}, typeError("string indices must be integers, not '" + typeName(ctx, index) + "'")
		}
		if isASCII(s) {
			i, err := seqIndex(ctx, x, index, len(s))
			if err != nil {
				return Value{}, err
			}
			return Str(s[i : i+1]), nil
		}
		rs := []rune(s)
		i, err := seqIndex(ctx, x, index, len(rs))
		if err != nil {
			return Value{}, err
		}
		return Str(string(rs[i])), nil
	case BytesKind:
		s := x.String()
		i, err := seqIndex(ctx, x, index, len(s))
		if err != nil {
			return Value{}, err
		}
		return Int(int64(s[i])), nil
	case RangeKind:
		r := x.O.(*Range)
		n := r.Len()
		if !isInt(index) {
			return Value{}, typeError("range indices must be integers or slices, not " + typeName(ctx, index))
		}
		if index.K == BigKind {
			return Value{}, indexError("range object index out of range")
		}
		i := int64(index.N)
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			return Value{}, indexError("range object index out of range")
		}
		return Int(r.At(i)), nil
	case DictKind:
		v, ok, err := x.O.(*Dict).Get(ctx, index)
		if err != nil {
			return Value{}, err
		}
		if !ok {
			msg, err := Repr(ctx, index)
			if err != nil {
				return Value{}, err
			}
			return Value{}, &Exception{Type: "KeyError", Msg: msg}
		}
		return v, nil
	case ObjectKind:
		if g, ok := x.O.(interface {
			GetItem(*Context, Value) (Value, error)
		}); ok {
			return g.GetItem(ctx, index)
		}
	}
	if ctx.py2() {
		if x.K == SetKind && isInt(index) {
			// Python 2 sets have a sequence slot without an item function:
			// the index is converted (and may overflow) before the refusal.
			if index.K == BigKind {
				return Value{}, &Exception{Type: "IndexError", Msg: "cannot fit 'long' into an index-sized integer"}
			}
			return Value{}, typeError("'" + typeName(ctx, x) + "' object does not support indexing")
		}
		return Value{}, typeError("'" + typeName(ctx, x) + "' object has no attribute '__getitem__'")
	}
	if x.K == FuncKind {
		if f := x.O.(*Func); f.Class != "" {
			return Value{}, typeError("type '" + f.Class + "' is not subscriptable")
		}
	}
	return Value{}, typeError("'" + typeName(ctx, x) + "' object is not subscriptable")
}

// seqIndex checks and normalizes an index into a sequence of length n.
func seqIndex(ctx *Context, x, index Value, n int) (int, error) {
	name := typeName(ctx, x)
	if !isInt(index) {
		if ctx.py2() {
			return 0, typeError(name + " indices must be integers, not " + typeName(ctx, index))
		}
		if x.K == BytesKind {
			name = "byte"
		}
		return 0, typeError(name + " indices must be integers or slices, not " + typeName(ctx, index))
	}
	if index.K == BigKind {
		return 0, indexError("cannot fit 'int' into an index-sized integer")
	}
	i := int64(index.N)
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		switch x.K {
		case StrKind:
			name = "string"
		case BytesKind:
			return 0, indexError("index out of range")
		}
		return 0, indexError(name + " index out of range")
	}
	return int(i), nil
}

// sliceIndex converts one slice bound; ok is false for None.
func sliceIndex(v Value) (int64, bool, error) {
	switch v.K {
	case NoneKind, Undefined:
		return 0, false, nil
	case IntKind, BoolKind:
		return int64(v.N), true, nil
	case BigKind:
		if intSign(v) < 0 {
			return math.MinInt64 + 1, true, nil
		}
		return math.MaxInt64, true, nil
	}
	return 0, false, typeError("slice indices must be integers or None or have an __index__ method")
}

// SliceIndices resolves a slice's start, stop and step against a sequence
// of length n, exactly like PySlice_Unpack + PySlice_AdjustIndices, and
// returns the resulting length too.
func SliceIndices(lo, hi, step Value, n int64) (start, stop, st, count int64, err error) {
	st, ok, err := sliceIndex(step)
	if err != nil {
		return
	}
	if !ok {
		st = 1
	}
	if st == 0 {
		err = valueError("slice step cannot be zero")
		return
	}
	if st < -math.MaxInt64 {
		st = -math.MaxInt64
	}
	start, ok, err = sliceIndex(lo)
	if err != nil {
		return
	}
	if !ok {
		if st < 0 {
			start = math.MaxInt64
		} else {
			start = 0
		}
	}
	stop, ok, err = sliceIndex(hi)
	if err != nil {
		return
	}
	if !ok {
		if st < 0 {
			stop = math.MinInt64
		} else {
			stop = math.MaxInt64
		}
	}
	adjust := func(i int64) int64 {
		if i < 0 {
			i += n
			if i < 0 {
				if st < 0 {
					return -1
				}
				return 0
			}
		} else if i >= n {
			if st < 0 {
				return n - 1
			}
			return n
		}
		return i
	}
	start, stop = adjust(start), adjust(stop)
	if st < 0 {
		if stop < start {
			count = (start-stop-1)/(-st) + 1
		}
	} else if start < stop {
		count = (stop-start-1)/st + 1
	}
	return
}

// GetSlice is x[lo:hi:step]; absent parts are None.
func GetSlice(ctx *Context, x, lo, hi, step Value) (Value, error) {
	var n int64
	var runes []rune
	switch x.K {
	case ListKind, TupleKind:
		n = int64(len(seqItems(x)))
	case StrKind:
		s := x.String()
		if isASCII(s) {
			n = int64(len(s))
		} else {
			runes = []rune(s)
			n = int64(len(runes))
		}
	case BytesKind:
		n = int64(len(x.String()))
	case RangeKind:
		n = x.O.(*Range).Len()
	case ObjectKind:
		if g, ok := x.O.(interface {
			GetSlice(ctx *Context, lo, hi, step Value) (Value, error)
		}); ok {
			return g.GetSlice(ctx, lo, hi, step)
		}
		fallthrough
	default:
		if x.K == DictKind {
			return Value{}, typeError("unhashable type: 'slice'")
		}
		return Value{}, typeError("'" + typeName(ctx, x) + "' object is not subscriptable")
	}
	start, stop, st, count, err := SliceIndices(lo, hi, step, n)
	if err != nil {
		return Value{}, err
	}
	if err := ctx.Step(count); err != nil {
		return Value{}, err
	}
	switch x.K {
	case ListKind, TupleKind:
		src := seqItems(x)
		items := make([]Value, count)
		for i := int64(0); i < count; i++ {
			items[i] = src[start+i*st]
		}
		if x.K == ListKind {
			return NewList(items), nil
		}
		return NewTuple(items), nil
	case StrKind, BytesKind:
		s := x.String()
		if runes == nil {
			if st == 1 {
				return Value{K: x.K, O: s[start : start+count]}, nil
			}
			b := make([]byte, count)
			for i := int64(0); i < count; i++ {
				b[i] = s[start+i*st]
			}
			return Value{K: x.K, O: string(b)}, nil
		}
		var sb strings.Builder
		for i := int64(0); i < count; i++ {
			sb.WriteRune(runes[start+i*st])
		}
		return Str(sb.String()), nil
	}
	return Value{K: RangeKind, O: x.O.(*Range).slice(start, stop, st, count)}, nil
}

// Len is len(x).
func Len(ctx *Context, x Value) (int, error) {
	switch x.K {
	case StrKind:
		return strLen(x.String()), nil
	case BytesKind:
		return len(x.String()), nil
	case ListKind, TupleKind:
		return len(seqItems(x)), nil
	case DictKind:
		return x.O.(*Dict).Len(), nil
	case SetKind:
		return x.O.(*Set).Len(), nil
	case RangeKind:
		n := x.O.(*Range).Len()
		if n > math.MaxInt {
			return 0, overflowError("Python int too large to convert to C ssize_t")
		}
		return int(n), nil
	case ObjectKind:
		if l, ok := x.O.(interface{ Len() int }); ok {
			return l.Len(), nil
		}
	}
	return 0, typeError("object of type '" + typeName(ctx, x) + "' has no len()")
}

// Contains is `item in container`.
func Contains(ctx *Context, container, item Value) (bool, error) {
	switch container.K {
	case StrKind:
		if item.K != StrKind {
			if ctx.py2() {
				return false, typeError("'in <string>' requires string as left operand, not " + typeName(ctx, item))
			}
			return false, typeError("'in <string>' requires string as left operand, not " + typeName(ctx, item))
		}
		return strings.Contains(container.String(), item.String()), nil
	case BytesKind:
		switch {
		case item.K == BytesKind:
			return strings.Contains(container.String(), item.String()), nil
		case isInt(item):
			if item.K == BigKind || int64(item.N) < 0 || int64(item.N) > 255 {
				return false, valueError("byte must be in range(0, 256)")
			}
			return strings.IndexByte(container.String(), byte(item.N)) >= 0, nil
		}
		return false, typeError("a bytes-like object is required, not '" + typeName(ctx, item) + "'")
	case ListKind, TupleKind:
		items := seqItems(container)
		for i := 0; i < len(items); i++ {
			if err := ctx.Step(1); err != nil {
				return false, err
			}
			eq, err := itemEqual(ctx, items[i], item)
			if err != nil || eq {
				return eq, err
			}
			items = seqItems(container) // a list may change under us
		}
		return false, nil
	case DictKind:
		_, ok, err := container.O.(*Dict).Get(ctx, item)
		return ok, err
	case SetKind:
		ok, err := container.O.(*Set).Has(ctx, item)
		if err != nil && item.K == SetKind {
			// CPython retries a set key as a frozenset.
			fs, _ := item.O.(*Set).Copy(true)
			return container.O.(*Set).Has(ctx, Value{K: SetKind, O: fs})
		}
		return ok, err
	case RangeKind:
		r := container.O.(*Range)
		if item.K == IntKind || item.K == BoolKind {
			return r.contains(int64(item.N)), nil
		}
		if item.K == BigKind {
			return false, nil
		}
	case ObjectKind:
		if c, ok := container.O.(interface {
			Contains(*Context, Value) (bool, error)
		}); ok {
			return c.Contains(ctx, item)
		}
	}
	found := false
	err := Iterate(ctx, container, func(v Value) error {
		eq, err := itemEqual(ctx, v, item)
		if err != nil {
			return err
		}
		if eq {
			found = true
			return errStopIteration
		}
		return nil
	})
	if err == errStopIteration {
		return true, nil
	}
	if err != nil && IsException(err, "TypeError") && !isIterable(container) {
		return false, typeError("argument of type '" + typeName(ctx, container) + "' is not iterable")
	}
	return found, err
}

// errStopIteration ends an Iterate early; Iterate's callers never see it.
var errStopIteration = &Exception{Type: "StopIteration"}

// ErrStop may be returned by an Iterate callback to stop the iteration
// early; Iterate then returns it unchanged.
var ErrStop error = errStopIteration

func isIterable(v Value) bool {
	switch v.K {
	case StrKind, BytesKind, ListKind, TupleKind, DictKind, SetKind, RangeKind, IterKind:
		return true
	case ObjectKind:
		_, ok := v.O.(interface {
			Iterate(*Context, func(Value) error) error
		})
		return ok
	}
	return false
}

// Iterate calls yield for each item of x, charging one step per item.
func Iterate(ctx *Context, x Value, yield func(Value) error) error {
	switch x.K {
	case StrKind:
		s := x.String()
		for i := 0; i < len(s); {
			if err := ctx.Step(1); err != nil {
				return err
			}
			size := 1
			if s[i] >= utf8.RuneSelf {
				_, size = utf8.DecodeRuneInString(s[i:])
			}
			if err := yield(Str(s[i : i+size])); err != nil {
				return err
			}
			i += size
		}
		return nil
	case BytesKind:
		s := x.String()
		for i := 0; i < len(s); i++ {
			if err := ctx.Step(1); err != nil {
				return err
			}
			if err := yield(Int(int64(s[i]))); err != nil {
				return err
			}
		}
		return nil
	case ListKind:
		l := x.O.(*List)
		for i := 0; i < len(l.Items); i++ {
			if err := ctx.Step(1); err != nil {
				return err
			}
			if err := yield(l.Items[i]); err != nil {
				return err
			}
		}
		return nil
	case TupleKind, SetKind, DictKind:
		items, _ := snapshot(ctx, x)
		for _, it := range items {
			if err := ctx.Step(1); err != nil {
				return err
			}
			if err := yield(it); err != nil {
				return err
			}
		}
		return nil
	case RangeKind:
		r := x.O.(*Range)
		n := r.Len()
		for i := int64(0); i < n; i++ {
			if err := ctx.Step(1); err != nil {
				return err
			}
			if err := yield(Int(r.At(i))); err != nil {
				return err
			}
		}
		return nil
	case IterKind:
		it := x.O.(*Iterator)
		for {
			if err := ctx.Step(1); err != nil {
				return err
			}
			v, ok, err := it.Next(ctx)
			if err != nil || !ok {
				return err
			}
			if err := yield(v); err != nil {
				return err
			}
		}
	case ObjectKind:
		if it, ok := x.O.(interface {
			Iterate(*Context, func(Value) error) error
		}); ok {
			return it.Iterate(ctx, yield)
		}
	}
	return typeError("'" + typeName(ctx, x) + "' object is not iterable")
}
