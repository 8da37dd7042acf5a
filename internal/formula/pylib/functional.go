package pylib

import (
	"math/big"

	"chaoslab/internal/formula/pyval"
)

// lazyOrList returns the iteration as a lazy iterator (Python 3) or a list
// (Python 2's map, filter, zip).
func lazyOrList(ctx *context, name string, next nextFn) (value, error) {
	if ctx.Py2 {
		items, err := drain(ctx, next)
		if err != nil {
			return value{}, err
		}
		return newList(ctx, items)
	}
	return makeIter(ctx, name, next)
}

func bEnumerate(ctx *context, args []value, kw []keyword) (value, error) {
	var a [2]value
	p := params{fn: "enumerate", names: []string{"iterable", "start"}, npos: 2, nreq: 1, kwOK: true, noPos: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	var n *big.Int
	i := int64(0)
	if !a[1].IsUndefined() {
		if !isInt(a[1]) {
			return value{}, typeErr("'%s' object cannot be interpreted as an integer", pyval.TypeName(a[1]))
		}
		if a[1].K == pyval.BigKind {
			n = new(big.Int).Set(a[1].O.(*big.Int))
		} else {
			i = a[1].Int64()
		}
	}
	if err := checkIterable(a[0]); err != nil {
		return value{}, err
	}
	src, err := pull(ctx, a[0])
	if err != nil {
		return value{}, err
	}
	next := func(ctx *context) (value, bool, error) {
		v, ok, err := src(ctx)
		if !ok || err != nil {
			return value{}, false, err
		}
		var idx value
		if n != nil {
			idx = intResult(new(big.Int).Set(n))
			n.Add(n, big.NewInt(1))
		} else {
			idx = pyval.Int(i)
			if i == 1<<63-1 {
				n = new(big.Int).Add(big.NewInt(i), big.NewInt(1))
			}
			i++
		}
		return pyval.NewTuple([]value{idx, v}), true, nil
	}
	// enumerate is lazy in Python 2 as well.
	return makeIter(ctx, "enumerate", next)
}

func bFilter(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("filter", kw); err != nil {
		return value{}, err
	}
	if len(args) != 2 {
		return value{}, typeErr("filter expected 2 arguments, got %d", len(args))
	}
	fn := args[0]
	if err := checkIterable(args[1]); err != nil {
		return value{}, err
	}
	if ctx.Py2 && (args[1].K == pyval.StrKind || args[1].K == pyval.TupleKind) {
		// Python 2 filter keeps the type of str and tuple arguments.
		items, err := filterItems(ctx, fn, args[1])
		if err != nil {
			return value{}, err
		}
		if args[1].K == pyval.TupleKind {
			return pyval.NewTuple(items), nil
		}
		buf := make([]byte, 0, len(items))
		for _, it := range items {
			buf = append(buf, it.String()...)
		}
		return pyval.Str(string(buf)), nil
	}
	src, err := pull(ctx, args[1])
	if err != nil {
		return value{}, err
	}
	var arg [1]value
	next := func(ctx *context) (value, bool, error) {
		for {
			v, ok, err := src(ctx)
			if !ok || err != nil {
				return value{}, false, err
			}
			keep := v
			if !isNone(fn) {
				arg[0] = v
				keep, err = pyval.Call(ctx, fn, arg[:], nil)
				if err != nil {
					return value{}, false, err
				}
			}
			if pyval.Truth(keep) {
				return v, true, nil
			}
		}
	}
	return lazyOrList(ctx, "filter", next)
}

func filterItems(ctx *context, fn, x value) ([]value, error) {
	src, err := pull(ctx, x)
	if err != nil {
		return nil, err
	}
	var out []value
	var arg [1]value
	for {
		v, ok, err := src(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		keep := v
		if !isNone(fn) {
			arg[0] = v
			if keep, err = pyval.Call(ctx, fn, arg[:], nil); err != nil {
				return nil, err
			}
		}
		if pyval.Truth(keep) {
			out = append(out, v)
		}
	}
}

func bMap(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("map", kw); err != nil {
		return value{}, err
	}
	if len(args) < 2 {
		return value{}, typeErr("map() must have at least two arguments.")
	}
	fn := args[0]
	srcs := make([]nextFn, len(args)-1)
	for i, x := range args[1:] {
		if err := checkIterable(x); err != nil {
			return value{}, err
		}
		s, err := pull(ctx, x)
		if err != nil {
			return value{}, err
		}
		srcs[i] = s
	}
	py2 := ctx.Py2
	next := func(ctx *context) (value, bool, error) {
		call := make([]value, len(srcs))
		any := false
		for i, s := range srcs {
			v, ok, err := s(ctx)
			if err != nil {
				return value{}, false, err
			}
			if !ok {
				if !py2 {
					return value{}, false, nil
				}
				v = pyval.None // Python 2 pads shorter iterables with None
			} else {
				any = true
			}
			call[i] = v
		}
		if !any {
			return value{}, false, nil
		}
		if py2 && isNone(fn) {
			if len(call) == 1 {
				return call[0], true, nil
			}
			return pyval.NewTuple(call), true, nil
		}
		r, err := pyval.Call(ctx, fn, call, nil)
		if err != nil {
			return value{}, false, err
		}
		return r, true, nil
	}
	return lazyOrList(ctx, "map", next)
}

func bZip(ctx *context, args []value, kw []keyword) (value, error) {
	strict := false
	for _, k := range kw {
		if k.Name != "strict" || ctx.Py2 {
			if ctx.Py2 {
				return value{}, typeErr("zip() does not take keyword arguments")
			}
			return value{}, typeErr("'%s' is an invalid keyword argument for zip()", k.Name)
		}
		strict = pyval.Truth(k.Value)
	}
	srcs := make([]nextFn, len(args))
	for i, x := range args {
		if err := checkIterable(x); err != nil {
			if ctx.Py2 {
				return value{}, typeErr("zip argument #%d must support iteration", i+1)
			}
			return value{}, err
		}
		s, err := pull(ctx, x)
		if err != nil {
			return value{}, err
		}
		srcs[i] = s
	}
	done := len(srcs) == 0
	next := func(ctx *context) (value, bool, error) {
		if done {
			return value{}, false, nil
		}
		items := make([]value, len(srcs))
		for i, s := range srcs {
			v, ok, err := s(ctx)
			if err != nil {
				return value{}, false, err
			}
			if !ok {
				done = true
				if strict {
					if i > 0 {
						return value{}, false, valueErr("zip() argument %d is shorter than argument%s%d", i+1, zipPlural(i), i)
					}
					for j := 1; j < len(srcs); j++ {
						_, ok, err := srcs[j](ctx)
						if err != nil {
							return value{}, false, err
						}
						if ok {
							return value{}, false, valueErr("zip() argument %d is longer than argument%s%d", j+1, zipPlural(j), j)
						}
					}
				}
				return value{}, false, nil
			}
			items[i] = v
		}
		return pyval.NewTuple(items), true, nil
	}
	return lazyOrList(ctx, "zip", next)
}

func bReversed(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("reversed", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, typeErr("reversed expected 1 argument, got %d", len(args))
	}
	x := args[0]
	var items []value
	switch x.K {
	case pyval.ListKind, pyval.TupleKind, pyval.StrKind, pyval.RangeKind, pyval.BytesKind:
		all, err := collect(ctx, x)
		if err != nil {
			return value{}, err
		}
		items = all
	case pyval.DictKind:
		if ctx.Py2 {
			return value{}, typeErr("argument to reversed() must be a sequence")
		}
		items = x.O.(*pyval.Dict).Keys()
	default:
		return value{}, typeErr("'%s' object is not reversible", pyval.TypeName(x))
	}
	i := len(items)
	next := func(ctx *context) (value, bool, error) {
		if i == 0 {
			return value{}, false, nil
		}
		i--
		return items[i], true, nil
	}
	name := "reversed"
	switch x.K {
	case pyval.ListKind:
		name = "list_reverseiterator"
	case pyval.RangeKind:
		name = "range_iterator"
	case pyval.DictKind:
		name = "dict_reversekeyiterator"
	}
	return makeIter(ctx, name, next)
}

func bSorted(ctx *context, args []value, kw []keyword) (value, error) {
	if ctx.Py2 && len(args) > 1 && len(args) <= 4 {
		// Python 2: sorted(iterable, cmp=None, key=None, reverse=False).
		names := []string{"cmp", "key", "reverse"}
		extra := make([]keyword, 0, len(args)-1+len(kw))
		for i, a := range args[1:] {
			extra = append(extra, keyword{Name: names[i], Value: a})
		}
		kw = append(extra, kw...)
		args = args[:1]
	}
	if len(args) != 1 {
		return value{}, typeErr("sorted expected 1 argument, got %d", len(args))
	}
	items, err := collect(ctx, args[0])
	if err != nil {
		return value{}, err
	}
	if err := sortValues(ctx, items, "sort", kw); err != nil {
		return value{}, err
	}
	return pyval.NewList(items), nil
}

// zipPlural is CPython's " " / "s 1-" in zip(strict=True) messages.
func zipPlural(i int) string {
	if i == 1 {
		return " "
	}
	return "s 1-"
}
