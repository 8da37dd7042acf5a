package pylib

import (
	"chaoslab/internal/formula/pyval"
)

// range's index and count (Python 3; Python 2's range is a list and its
// xrange has neither).
func installRange() {
	reg(pyval.RangeKind, "count", rangeCount)
	reg(pyval.RangeKind, "index", rangeIndex)
}

func rangeCount(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if ctx.Py2 {
		return value{}, xrangeHasNo("count")
	}
	x, err := oneArg("range.count", args, kw)
	if err != nil {
		return value{}, err
	}
	// A range holds each value once: count is membership (by ==, so 3.0
	// and True count too).
	in, err := pyval.Contains(ctx, self, x)
	if err != nil {
		return value{}, err
	}
	if in {
		return pyval.Int(1), nil
	}
	return pyval.Int(0), nil
}

func rangeIndex(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if ctx.Py2 {
		return value{}, xrangeHasNo("index")
	}
	x, err := oneArg("range.index", args, kw)
	if err != nil {
		return value{}, err
	}
	r := self.O.(*pyval.Range)
	if x.K == pyval.IntKind {
		if i, ok := r.Index(x.Int64()); ok {
			return pyval.Int(i), nil
		}
		return value{}, valueErr("%d is not in range", x.Int64())
	}
	if x.K == pyval.BigKind {
		rep, err := pyval.Repr(ctx, x)
		if err != nil {
			return value{}, err
		}
		return value{}, valueErr("%s is not in range", rep)
	}
	// Any other value: a search by == over the items, as CPython's
	// _PySequence_IterSearch.
	n := r.Len()
	for i := int64(0); i < n; i++ {
		if err := ctx.Step(1); err != nil {
			return value{}, err
		}
		eq, err := pyval.Compare(ctx, pyval.CmpEq, pyval.Int(r.At(i)), x)
		if err != nil {
			return value{}, err
		}
		if eq {
			return pyval.Int(i), nil
		}
	}
	return value{}, valueErr("sequence.index(x): x not in sequence")
}

// oneArg is the argument of a method of exactly one positional argument.
func oneArg(name string, args []value, kw []keyword) (value, error) {
	if err := noKw(name, kw); err != nil {
		return value{}, err
	}
	if err := arity(name, args, 1, 1); err != nil {
		return value{}, err
	}
	return args[0], nil
}

func xrangeHasNo(name string) error {
	return pyval.Errorf("AttributeError", "'xrange' object has no attribute '%s'", name)
}
