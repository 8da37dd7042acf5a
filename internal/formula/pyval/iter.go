package pyval

// Iterator is a lazy, single-pass iterator: map/filter/zip/enumerate/
// reversed objects and generator expressions. Once exhausted (or failed) it
// stays exhausted.
type Iterator struct {
	// Name is the Python type name shown by type() and repr: "map",
	// "generator", "list_iterator" ...
	Name string
	next func(ctx *Context) (Value, bool, error)
	done bool
}

// NewIter returns an iterator named name whose items come from next, which
// reports false when there are no more items.
func NewIter(name string, next func(ctx *Context) (Value, bool, error)) *Iterator {
	return &Iterator{Name: name, next: next}
}

// NewIterator wraps it as a Value.
func NewIterator(it *Iterator) Value { return Value{K: IterKind, O: it} }

// Next returns the next item, or false when the iterator is exhausted.
func (it *Iterator) Next(ctx *Context) (Value, bool, error) {
	if it.done || it.next == nil {
		return Value{}, false, nil
	}
	v, ok, err := it.next(ctx)
	if err != nil || !ok {
		it.done = true
		it.next = nil
	}
	return v, ok, err
}

// Iter returns an iterator over any iterable value (iter(x)). Lists are
// read live, as CPython's list_iterator does.
func Iter(ctx *Context, x Value) (*Iterator, error) {
	switch x.K {
	case IterKind:
		return x.O.(*Iterator), nil
	case ListKind:
		l := x.O.(*List)
		i := 0
		return NewIter("list_iterator", func(ctx *Context) (Value, bool, error) {
			if i >= len(l.Items) {
				return Value{}, false, nil
			}
			i++
			return l.Items[i-1], true, nil
		}), nil
	case RangeKind:
		r := x.O.(*Range)
		n, i := r.Len(), int64(0)
		return NewIter("range_iterator", func(ctx *Context) (Value, bool, error) {
			if i >= n {
				return Value{}, false, nil
			}
			i++
			return Int(r.At(i - 1)), true, nil
		}), nil
	}
	items, err := snapshot(ctx, x)
	if err != nil {
		return nil, err
	}
	i := 0
	return NewIter(iterName(x), func(ctx *Context) (Value, bool, error) {
		if i >= len(items) {
			return Value{}, false, nil
		}
		i++
		return items[i-1], true, nil
	}), nil
}

func iterName(x Value) string {
	switch x.K {
	case StrKind:
		return "str_ascii_iterator"
	case BytesKind:
		return "bytes_iterator"
	case TupleKind:
		return "tuple_iterator"
	case DictKind:
		return "dict_keyiterator"
	case SetKind:
		return "set_iterator"
	}
	return "iterator"
}

// snapshot returns the items of a finite iterable.
func snapshot(ctx *Context, x Value) ([]Value, error) {
	switch x.K {
	case TupleKind:
		return x.O.(*Tuple).Items, nil
	case ListKind:
		return x.O.(*List).Items, nil
	case SetKind:
		return x.O.(*Set).Items(), nil
	case DictKind:
		return x.O.(*Dict).Keys(), nil
	}
	var items []Value
	err := Iterate(ctx, x, func(v Value) error {
		items = append(items, v)
		return nil
	})
	return items, err
}

// Items returns the items of any finite iterable as a slice (list(x)), with
// step and size accounting. The slice may be shared with a tuple or list:
// do not modify it.
func Items(ctx *Context, x Value) ([]Value, error) {
	switch x.K {
	case TupleKind, ListKind:
		items := seqItems(x)
		return items, ctx.Step(int64(len(items)))
	}
	var items []Value
	err := Iterate(ctx, x, func(v Value) error {
		if len(items) >= ctx.maxSize() {
			return ctx.CheckSize(len(items) + 1)
		}
		items = append(items, v)
		return nil
	})
	return items, err
}
