package pyval

import (
	"math"
	"math/big"
	"strings"
)

var cmpSymbols = [...]string{
	CmpEq: "==", CmpNe: "!=", CmpLt: "<", CmpLe: "<=", CmpGt: ">", CmpGe: ">=",
	CmpIs: "is", CmpIsNot: "is not", CmpIn: "in", CmpNotIn: "not in",
}

// String returns the operator as Python writes it.
func (op CmpOp) String() string {
	if int(op) < len(cmpSymbols) {
		return cmpSymbols[op]
	}
	return "?"
}

// Compare evaluates a <op> b. Ordering between unrelated types is a
// TypeError in Python 3; in Python 2 mode everything is ordered (None first,
// then numbers, then other types by type name).
func Compare(ctx *Context, op CmpOp, a, b Value) (bool, error) {
	if a.K == IntKind && b.K == IntKind && op <= CmpGe {
		return cmpResult(op, cmp3(int64(a.N), int64(b.N)))
	}
	if a.K == FloatKind && b.K == FloatKind {
		x, y := math.Float64frombits(a.N), math.Float64frombits(b.N)
		switch op {
		case CmpEq:
			return x == y, nil
		case CmpNe:
			return x != y, nil
		case CmpLt:
			return x < y, nil
		case CmpLe:
			return x <= y, nil
		case CmpGt:
			return x > y, nil
		case CmpGe:
			return x >= y, nil
		}
	}
	switch op {
	case CmpEq:
		return Equal(ctx, a, b)
	case CmpNe:
		eq, err := Equal(ctx, a, b)
		return !eq, err
	case CmpIs:
		return sameObject(a, b), nil
	case CmpIsNot:
		return !sameObject(a, b), nil
	case CmpIn:
		return Contains(ctx, b, a)
	case CmpNotIn:
		in, err := Contains(ctx, b, a)
		return !in, err
	}
	return order(ctx, op, a, b)
}

func cmp3[T int64 | int | string](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// cmpResult turns a three-way result into the answer for op.
func cmpResult(op CmpOp, c int) (bool, error) {
	switch op {
	case CmpEq:
		return c == 0, nil
	case CmpNe:
		return c != 0, nil
	case CmpLt:
		return c < 0, nil
	case CmpLe:
		return c <= 0, nil
	case CmpGt:
		return c > 0, nil
	case CmpGe:
		return c >= 0, nil
	}
	return false, nil
}

// numCmp compares two numbers exactly; ok is false when either is NaN.
func numCmp(a, b Value) (c int, ok bool) {
	if a.K != FloatKind && b.K != FloatKind {
		if a.K != BigKind && b.K != BigKind {
			return cmp3(int64(a.N), int64(b.N)), true
		}
		return BigOf(a).Cmp(BigOf(b)), true
	}
	if a.K == FloatKind && b.K == FloatKind {
		x, y := a.Float64(), b.Float64()
		if x != x || y != y {
			return 0, false
		}
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	}
	if a.K == FloatKind {
		c, ok := intFloatCmp(b, a.Float64())
		return -c, ok
	}
	return intFloatCmp(a, b.Float64())
}

// intFloatCmp compares int i with float f exactly (no rounding of i).
func intFloatCmp(i Value, f float64) (int, bool) {
	if f != f {
		return 0, false
	}
	if math.IsInf(f, 0) {
		if f > 0 {
			return -1, true
		}
		return 1, true
	}
	if i.K != BigKind {
		x := int64(i.N)
		if x >= -1<<53 && x <= 1<<53 {
			fx := float64(x)
			switch {
			case fx < f:
				return -1, true
			case fx > f:
				return 1, true
			}
			return 0, true
		}
	}
	bf := new(big.Float).SetInt(BigOf(i))
	return bf.Cmp(new(big.Float).SetFloat64(f)), true
}

// Equal is a == b.
func Equal(ctx *Context, a, b Value) (bool, error) {
	if isNumber(a) && isNumber(b) {
		c, ok := numCmp(a, b)
		return ok && c == 0, nil
	}
	if a.K != b.K {
		if a.K == ObjectKind || b.K == ObjectKind {
			return objectEqual(ctx, a, b)
		}
		return false, nil
	}
	switch a.K {
	case NoneKind, Undefined:
		return true, nil
	case StrKind, BytesKind:
		return a.String() == b.String(), nil
	case TupleKind, ListKind:
		x, y := seqItems(a), seqItems(b)
		if len(x) != len(y) {
			return false, nil
		}
		if len(x) > 0 && &x[0] == &y[0] {
			return true, nil
		}
		if err := ctx.enter(); err != nil {
			return false, err
		}
		defer ctx.leave()
		for i := range x {
			eq, err := itemEqual(ctx, x[i], y[i])
			if err != nil || !eq {
				return false, err
			}
		}
		return true, nil
	case DictKind:
		return dictEqual(ctx, a.O.(*Dict), b.O.(*Dict))
	case SetKind:
		x, y := a.O.(*Set), b.O.(*Set)
		if x.Len() != y.Len() {
			return false, nil
		}
		return isSubset(ctx, x, y)
	case RangeKind:
		return rangeEqual(a.O.(*Range), b.O.(*Range)), nil
	case ObjectKind:
		return objectEqual(ctx, a, b)
	}
	return sameObject(a, b), nil
}

// itemEqual is PyObject_RichCompareBool(==): identity implies equality.
func itemEqual(ctx *Context, a, b Value) (bool, error) {
	if a.K == b.K && a.O != nil && a.K >= TupleKind && addrOf(a.O) != 0 && addrOf(a.O) == addrOf(b.O) {
		return true, nil
	}
	return Equal(ctx, a, b)
}

func objectEqual(ctx *Context, a, b Value) (bool, error) {
	type equaler interface {
		Equal(ctx *Context, other Value) (bool, error)
	}
	if a.K == ObjectKind {
		if e, ok := a.O.(equaler); ok {
			return e.Equal(ctx, b)
		}
	}
	if b.K == ObjectKind {
		if e, ok := b.O.(equaler); ok {
			return e.Equal(ctx, a)
		}
	}
	return sameObject(a, b), nil
}

func dictEqual(ctx *Context, x, y *Dict) (bool, error) {
	if x.Len() != y.Len() {
		return false, nil
	}
	if err := ctx.enter(); err != nil {
		return false, err
	}
	defer ctx.leave()
	for _, e := range x.entries {
		if e.dead {
			continue
		}
		ix, _, err := y.lookup(ctx, e.key, e.hash)
		if err != nil || ix < 0 {
			return false, err
		}
		eq, err := itemEqual(ctx, e.val, y.entries[ix].val)
		if err != nil || !eq {
			return false, err
		}
	}
	return true, nil
}

// isSubset reports whether every element of x is in y.
func isSubset(ctx *Context, x, y *Set) (bool, error) {
	if x.Len() > y.Len() {
		return false, nil
	}
	for i := range x.table {
		e := x.table[i]
		if e.state != slotActive {
			continue
		}
		j, err := y.find(ctx, e.key, e.hash)
		if err != nil || j < 0 {
			return false, err
		}
	}
	return true, nil
}

// order evaluates < <= > >=.
func order(ctx *Context, op CmpOp, a, b Value) (bool, error) {
	if isNumber(a) && isNumber(b) {
		c, ok := numCmp(a, b)
		if !ok {
			return false, nil
		}
		return cmpResult(op, c)
	}
	if a.K == b.K {
		switch a.K {
		case StrKind, BytesKind:
			return cmpResult(op, strings.Compare(a.String(), b.String()))
		case TupleKind, ListKind:
			return seqOrder(ctx, op, seqItems(a), seqItems(b))
		case SetKind:
			x, y := a.O.(*Set), b.O.(*Set)
			switch op {
			case CmpLt:
				if x.Len() >= y.Len() {
					return false, nil
				}
				return isSubset(ctx, x, y)
			case CmpLe:
				return isSubset(ctx, x, y)
			case CmpGt:
				if x.Len() <= y.Len() {
					return false, nil
				}
				return isSubset(ctx, y, x)
			case CmpGe:
				return isSubset(ctx, y, x)
			}
		}
	}
	if ctx.py2() {
		c, err := py2Cmp(ctx, a, b)
		if err != nil {
			return false, err
		}
		return cmpResult(op, c)
	}
	if a.K == ObjectKind || b.K == ObjectKind {
		type orderer interface {
			Compare(ctx *Context, op CmpOp, other Value) (bool, bool, error)
		}
		if o, ok := a.O.(orderer); ok && a.K == ObjectKind {
			if r, handled, err := o.Compare(ctx, op, b); handled || err != nil {
				return r, err
			}
		}
	}
	return false, typeError("'" + op.String() + "' not supported between instances of '" + typeName(ctx, a) + "' and '" + typeName(ctx, b) + "'")
}

// seqOrder compares sequences lexicographically.
func seqOrder(ctx *Context, op CmpOp, x, y []Value) (bool, error) {
	if err := ctx.enter(); err != nil {
		return false, err
	}
	defer ctx.leave()
	for i := 0; i < len(x) && i < len(y); i++ {
		eq, err := itemEqual(ctx, x[i], y[i])
		if err != nil {
			return false, err
		}
		if !eq {
			return Compare(ctx, op, x[i], y[i])
		}
	}
	return cmpResult(op, cmp3(len(x), len(y)))
}

// py2Cmp is Python 2's default three-way comparison for values that have
// no natural order between them.
func py2Cmp(ctx *Context, a, b Value) (int, error) {
	if a.K == NoneKind || b.K == NoneKind {
		return cmp3(btoi(a.K != NoneKind), btoi(b.K != NoneKind)), nil
	}
	if isNumber(a) || isNumber(b) {
		if isNumber(a) && isNumber(b) {
			c, _ := numCmp(a, b)
			return c, nil
		}
		return cmp3(btoi(!isNumber(a)), btoi(!isNumber(b))), nil
	}
	ta, tb := typeName(ctx, a), typeName(ctx, b)
	if ta != tb {
		return cmp3(ta, tb), nil
	}
	switch a.K {
	case DictKind:
		return py2DictCmp(ctx, a.O.(*Dict), b.O.(*Dict))
	case SetKind:
		return cmp3(a.O.(*Set).Len(), b.O.(*Set).Len()), nil
	}
	if eq, err := Equal(ctx, a, b); err != nil || eq {
		return 0, err
	}
	return cmp3(int64(addrOf(a.O)), int64(addrOf(b.O))), nil
}

func btoi(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// py2DictCmp is Python 2's dict_compare: shorter dicts are smaller; else
// the smallest key of each whose value differs in the other decides, then
// the values under those keys.
func py2DictCmp(ctx *Context, a, b *Dict) (int, error) {
	if c := cmp3(a.Len(), b.Len()); c != 0 {
		return c, nil
	}
	akey, aval, ok, err := py2Characterize(ctx, a, b)
	if err != nil || !ok {
		return 0, err
	}
	bkey, bval, ok, err := py2Characterize(ctx, b, a)
	if err != nil || !ok {
		return 0, err
	}
	c, err := py2Compare(ctx, akey, bkey)
	if err != nil || c != 0 {
		return c, err
	}
	return py2Compare(ctx, aval, bval)
}

// py2Characterize is dictobject.c's characterize: the smallest key of a
// whose value is missing from or different in b, and its value.
func py2Characterize(ctx *Context, a, b *Dict) (key, val Value, found bool, err error) {
	err = a.Items(func(k, v Value) error {
		if found {
			lt, err := Compare(ctx, CmpLt, key, k)
			if err != nil || lt {
				return err
			}
		}
		bv, ok, err := b.Get(ctx, k)
		if err != nil {
			return err
		}
		eq := false
		if ok {
			if eq, err = itemEqual(ctx, v, bv); err != nil {
				return err
			}
		}
		if !eq {
			key, val, found = k, v, true
		}
		return nil
	})
	return key, val, found, err
}

// py2Compare is Python 2's cmp(a, b).
func py2Compare(ctx *Context, a, b Value) (int, error) {
	if eq, err := Equal(ctx, a, b); err != nil || eq {
		return 0, err
	}
	lt, err := Compare(ctx, CmpLt, a, b)
	if err != nil || lt {
		return -1, err
	}
	return 1, nil
}
