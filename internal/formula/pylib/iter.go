package pylib

import (
	"errors"
	"unicode/utf8"

	"chaoslab/internal/formula/pyval"
)

// errStop ends a pyval.Iterate early (any, all, next-style consumers).
var errStop = errors.New("stop iteration")

// nextFn pulls the next item of an iteration; ok is false at the end.
type nextFn = func(ctx *context) (v value, ok bool, err error)

// pull returns a pull-style iterator over x. Lists, tuples, strings and
// ranges are walked in place (a list iterator sees appends, as CPython's
// does); iterator objects are advanced lazily; anything else is
// materialized through pyval.Iterate first.
func pull(ctx *context, x value) (nextFn, error) {
	switch x.K {
	case pyval.ListKind:
		l := x.O.(*pyval.List)
		i := 0
		return func(ctx *context) (value, bool, error) {
			if i >= len(l.Items) {
				return value{}, false, nil
			}
			if err := ctx.Step(1); err != nil {
				return value{}, false, err
			}
			i++
			return l.Items[i-1], true, nil
		}, nil
	case pyval.TupleKind:
		items := x.O.(*pyval.Tuple).Items
		i := 0
		return func(ctx *context) (value, bool, error) {
			if i >= len(items) {
				return value{}, false, nil
			}
			if err := ctx.Step(1); err != nil {
				return value{}, false, err
			}
			i++
			return items[i-1], true, nil
		}, nil
	case pyval.StrKind:
		s := x.String()
		return func(ctx *context) (value, bool, error) {
			if len(s) == 0 {
				return value{}, false, nil
			}
			if err := ctx.Step(1); err != nil {
				return value{}, false, err
			}
			_, n := utf8.DecodeRuneInString(s)
			c := s[:n]
			s = s[n:]
			return pyval.Str(c), true, nil
		}, nil
	case pyval.RangeKind:
		r := x.O.(*pyval.Range)
		cur := r.Start
		return func(ctx *context) (value, bool, error) {
			if (r.Step > 0 && cur >= r.Stop) || (r.Step < 0 && cur <= r.Stop) {
				return value{}, false, nil
			}
			if err := ctx.Step(1); err != nil {
				return value{}, false, err
			}
			v := cur
			cur += r.Step
			return pyval.Int(v), true, nil
		}, nil
	case pyval.IterKind:
		it := x.O.(*pyval.Iterator)
		return func(ctx *context) (value, bool, error) { return it.Next(ctx) }, nil
	}
	items, err := collect(ctx, x)
	if err != nil {
		return nil, err
	}
	return pull(ctx, pyval.NewTuple(items))
}

// drain collects everything next yields.
func drain(ctx *context, next nextFn) ([]value, error) {
	var out []value
	for {
		v, ok, err := next(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		if len(out)&1023 == 1023 {
			if err := ctx.CheckSize(len(out) + 1); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
}

// forEach calls f for every item of x; f may return errStop to end early.
func forEach(ctx *context, x value, f func(v value) error) error {
	if items, ok := seqItems(x); ok {
		for i := 0; i < len(items); i++ {
			if err := ctx.Step(1); err != nil {
				return err
			}
			if err := f(items[i]); err != nil {
				if err == errStop {
					return nil
				}
				return err
			}
		}
		return nil
	}
	if err := checkIterable(x); err != nil {
		return err
	}
	err := pyval.Iterate(ctx, x, f)
	if err == errStop {
		return nil
	}
	return err
}
