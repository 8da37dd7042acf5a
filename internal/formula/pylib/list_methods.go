package pylib

import (
	"math"

	"chaoslab/internal/formula/pyval"
)

// Methods of list and tuple.

func installList() {
	L := pyval.ListKind
	reg(L, "append", lAppend)
	reg(L, "clear", lClear)
	reg(L, "copy", lCopy)
	reg(L, "count", seqCount)
	reg(L, "extend", lExtend)
	reg(L, "index", seqIndex)
	reg(L, "insert", lInsert)
	reg(L, "pop", lPop)
	reg(L, "remove", lRemove)
	reg(L, "reverse", lReverse)
	reg(L, "sort", lSort)
	T := pyval.TupleKind
	reg(T, "count", seqCount)
	reg(T, "index", seqIndex)
}

func listOf(v value) *pyval.List { return v.O.(*pyval.List) }

func lAppend(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("append", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, typeErr("list.append() takes exactly one argument (%d given)", len(args))
	}
	l := listOf(self)
	if err := ctx.CheckSize(len(l.Items) + 1); err != nil {
		return value{}, err
	}
	l.Items = append(l.Items, args[0])
	return pyval.None, nil
}

func lClear(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noArgsOf(self, "clear", args, kw); err != nil {
		return value{}, err
	}
	listOf(self).Items = nil
	return pyval.None, nil
}

func lCopy(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noArgsOf(self, "copy", args, kw); err != nil {
		return value{}, err
	}
	items := listOf(self).Items
	if err := ctx.Step(int64(len(items))); err != nil {
		return value{}, err
	}
	return pyval.NewList(append([]value(nil), items...)), nil
}

func lExtend(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("extend", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, typeErr("list.extend() takes exactly one argument (%d given)", len(args))
	}
	items, err := collect(ctx, args[0])
	if err != nil {
		return value{}, err
	}
	l := listOf(self)
	if err := ctx.CheckSize(len(l.Items) + len(items)); err != nil {
		return value{}, err
	}
	l.Items = append(l.Items, items...)
	return pyval.None, nil
}

// seqEqual is the comparison list.count/index/remove use: identity first
// (so a NaN finds itself), then ==.
func seqEqual(ctx *context, a, b value) (bool, error) {
	if a.K == pyval.FloatKind && b.K == pyval.FloatKind && a.N == b.N {
		return true, nil
	}
	return pyval.Equal(ctx, a, b)
}

func seqCount(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("count", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, typeErr("%s.count() takes exactly one argument (%d given)", pyval.TypeName(self), len(args))
	}
	items, _ := seqItems(self)
	if err := ctx.Step(int64(len(items))); err != nil {
		return value{}, err
	}
	n := int64(0)
	for _, it := range items {
		eq, err := seqEqual(ctx, it, args[0])
		if err != nil {
			return value{}, err
		}
		if eq {
			n++
		}
	}
	return pyval.Int(n), nil
}

func seqIndex(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("index", kw); err != nil {
		return value{}, err
	}
	if len(args) < 1 || len(args) > 3 {
		return value{}, arity("index", args, 1, 3)
	}
	items, _ := seqItems(self)
	n := len(items)
	lo, hi := 0, n
	clamp := func(v value) (int, error) {
		if !isInt(v) {
			return 0, typeErr("slice indices must be integers or have an __index__ method")
		}
		var x int64
		if v.K == pyval.BigKind {
			if bigOf(v).Sign() > 0 {
				x = math.MaxInt64
			} else {
				x = -math.MaxInt64
			}
		} else {
			x = v.Int64()
		}
		if x < 0 {
			x += int64(n)
			if x < 0 {
				x = 0
			}
		}
		if x > int64(n) {
			x = int64(n)
		}
		return int(x), nil
	}
	var err error
	if len(args) > 1 {
		if lo, err = clamp(args[1]); err != nil {
			return value{}, err
		}
	}
	if len(args) > 2 {
		if hi, err = clamp(args[2]); err != nil {
			return value{}, err
		}
	}
	for i := lo; i < hi && i < len(items); i++ {
		if err := ctx.Step(1); err != nil {
			return value{}, err
		}
		eq, err := seqEqual(ctx, items[i], args[0])
		if err != nil {
			return value{}, err
		}
		if eq {
			return pyval.Int(int64(i)), nil
		}
	}
	if self.K == pyval.TupleKind {
		return value{}, valueErr("tuple.index(x): x not in tuple")
	}
	r, err := pyval.Repr(ctx, args[0])
	if err != nil {
		return value{}, err
	}
	return value{}, valueErr("%s is not in list", r)
}

func lInsert(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("insert", kw); err != nil {
		return value{}, err
	}
	if len(args) != 2 {
		return value{}, typeErr("insert expected 2 arguments, got %d", len(args))
	}
	if !isInt(args[0]) {
		return value{}, typeErr("'%s' object cannot be interpreted as an integer", pyval.TypeName(args[0]))
	}
	l := listOf(self)
	n := int64(len(l.Items))
	var i int64
	if args[0].K == pyval.BigKind {
		if bigOf(args[0]).Sign() > 0 {
			i = n
		}
	} else {
		i = args[0].Int64()
	}
	if i < 0 {
		i += n
		if i < 0 {
			i = 0
		}
	}
	if i > n {
		i = n
	}
	if err := ctx.CheckSize(int(n) + 1); err != nil {
		return value{}, err
	}
	if err := ctx.Step(n - i + 1); err != nil {
		return value{}, err
	}
	l.Items = append(l.Items, value{})
	copy(l.Items[i+1:], l.Items[i:])
	l.Items[i] = args[1]
	return pyval.None, nil
}

func lPop(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("pop", kw); err != nil {
		return value{}, err
	}
	if len(args) > 1 {
		return value{}, typeErr("pop expected at most 1 argument, got %d", len(args))
	}
	l := listOf(self)
	n := int64(len(l.Items))
	i := n - 1
	if len(args) == 1 {
		if !isInt(args[0]) {
			return value{}, typeErr("'%s' object cannot be interpreted as an integer", pyval.TypeName(args[0]))
		}
		if args[0].K == pyval.BigKind {
			return value{}, pyval.Errorf("IndexError", "pop index out of range")
		}
		i = args[0].Int64()
		if i < 0 {
			i += n
		}
	}
	if n == 0 {
		return value{}, pyval.Errorf("IndexError", "pop from empty list")
	}
	if i < 0 || i >= n {
		return value{}, pyval.Errorf("IndexError", "pop index out of range")
	}
	v := l.Items[i]
	copy(l.Items[i:], l.Items[i+1:])
	l.Items[n-1] = value{}
	l.Items = l.Items[:n-1]
	return v, nil
}

func lRemove(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("remove", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, typeErr("list.remove() takes exactly one argument (%d given)", len(args))
	}
	l := listOf(self)
	for i := 0; i < len(l.Items); i++ {
		if err := ctx.Step(1); err != nil {
			return value{}, err
		}
		eq, err := seqEqual(ctx, l.Items[i], args[0])
		if err != nil {
			return value{}, err
		}
		if eq {
			copy(l.Items[i:], l.Items[i+1:])
			l.Items[len(l.Items)-1] = value{}
			l.Items = l.Items[:len(l.Items)-1]
			return pyval.None, nil
		}
	}
	return value{}, valueErr("list.remove(x): x not in list")
}

func lReverse(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noArgsOf(self, "reverse", args, kw); err != nil {
		return value{}, err
	}
	items := listOf(self).Items
	if err := ctx.Step(int64(len(items))); err != nil {
		return value{}, err
	}
	for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
		items[i], items[j] = items[j], items[i]
	}
	return pyval.None, nil
}

func lSort(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if len(args) > 0 {
		if ctx.Py2 && len(args) <= 3 {
			// Python 2: sort(cmp=None, key=None, reverse=False) positionally.
			names := []string{"cmp", "key", "reverse"}
			for i, a := range args {
				kw = append(kw, keyword{Name: names[i], Value: a})
			}
		} else {
			return value{}, typeErr("sort() takes no positional arguments")
		}
	}
	l := listOf(self)
	// Sort a copy and publish it, so a failing sort leaves a permutation
	// of the items (as CPython does) and a key function that looks at the
	// list sees it empty, as in CPython.
	items := l.Items
	l.Items = nil
	err := sortValues(ctx, items, "sort", kw)
	l.Items = items
	if err != nil {
		return value{}, err
	}
	return pyval.None, nil
}
