package pylib

import (
	"math"
	"math/big"

	"chaoslab/internal/formula/pyval"
)

// Value and friends are shortened here: the package is mostly glue code.
type (
	value   = pyval.Value
	context = pyval.Context
	keyword = pyval.Keyword
)

// callFn is the general signature of a builtin.
type callFn = func(ctx *context, args []value, kw []keyword) (value, error)

// builtin wraps f as a builtin function value.
func builtin(name string, f callFn) value {
	return pyval.NewFunc(&pyval.Func{Name: name, Fn: f})
}

// builtin1 wraps a one-argument function; the F1 fast path avoids the
// argument slice.
func builtin1(name string, f func(ctx *context, a value) (value, error)) value {
	return pyval.NewFunc(&pyval.Func{
		Name: name,
		F1:   f,
		Fn: func(ctx *context, args []value, kw []keyword) (value, error) {
			if len(kw) > 0 {
				return value{}, pyval.Errorf("TypeError", "%s() takes no keyword arguments", name)
			}
			if len(args) != 1 {
				return value{}, pyval.Errorf("TypeError", "%s() takes exactly one argument (%d given)", name, len(args))
			}
			return f(ctx, args[0])
		},
	})
}

// builtin2 wraps a two-argument positional-only function.
func builtin2(name string, f func(ctx *context, a, b value) (value, error)) value {
	return pyval.NewFunc(&pyval.Func{
		Name: name,
		F2:   f,
		Fn: func(ctx *context, args []value, kw []keyword) (value, error) {
			if len(kw) > 0 {
				return value{}, pyval.Errorf("TypeError", "%s() takes no keyword arguments", name)
			}
			if len(args) != 2 {
				return value{}, pyval.Errorf("TypeError", "%s expected 2 arguments, got %d", name, len(args))
			}
			return f(ctx, args[0], args[1])
		},
	})
}

// params binds CPython-style arguments: names lists the parameters in order,
// the first npos of them may be passed positionally (the rest are
// keyword-only), and the first nreq are required. Unbound optional slots are
// left Undefined.
type params struct {
	fn    string   // function name for messages
	names []string // parameter names
	npos  int      // positional-capable parameters
	nreq  int      // required parameters
	kwOK  bool     // keywords accepted for positional-capable parameters
	noPos bool     // "missing required argument 'x'" without "(pos N)"
}

func (p *params) bind(args []value, kw []keyword, out []value) error {
	// CPython's argument parser reports, in this order: too many
	// arguments, a missing required one, an unexpected or duplicate keyword.
	if len(args) > p.npos {
		if p.npos == p.nreq {
			if p.npos == 1 {
				return pyval.Errorf("TypeError", "%s() takes exactly one argument (%d given)", p.fn, len(args))
			}
			return pyval.Errorf("TypeError", "%s() takes exactly %d arguments (%d given)", p.fn, p.npos, len(args))
		}
		return pyval.Errorf("TypeError", "%s() takes at most %d argument%s (%d given)", p.fn, p.npos, plural(p.npos), len(args))
	}
	if p.kwOK && len(p.names) == p.npos && len(args)+len(kw) > p.npos {
		return pyval.Errorf("TypeError", "%s() takes at most %d argument%s (%d given)", p.fn, p.npos, plural(p.npos), len(args)+len(kw))
	}
	copy(out, args)
	var bad *keyword
	for ki := range kw {
		k := &kw[ki]
		i := -1
		for j, n := range p.names {
			if n == k.Name {
				i = j
				break
			}
		}
		if i < 0 || (!p.kwOK && i < p.npos) || !out[i].IsUndefined() {
			if bad == nil {
				bad = k
			}
			continue
		}
		out[i] = k.Value
	}
	for i := 0; i < p.nreq; i++ {
		if out[i].IsUndefined() {
			if p.noPos {
				return pyval.Errorf("TypeError", "%s() missing required argument '%s'", p.fn, p.names[i])
			}
			return pyval.Errorf("TypeError", "%s() missing required argument '%s' (pos %d)", p.fn, p.names[i], i+1)
		}
	}
	if bad != nil {
		for j, n := range p.names {
			if n == bad.Name && j < len(args) && (p.kwOK || j >= p.npos) {
				return pyval.Errorf("TypeError", "argument for %s() given by name ('%s') and position (%d)", p.fn, bad.Name, j+1)
			}
		}
		if len(p.names) == p.npos && !p.kwOK {
			return pyval.Errorf("TypeError", "%s() takes no keyword arguments", p.fn)
		}
		return pyval.Errorf("TypeError", "'%s' is an invalid keyword argument for %s()", bad.Name, p.fn)
	}
	return nil
}

// noKw rejects keyword arguments.
func noKw(name string, kw []keyword) error {
	if len(kw) > 0 {
		return pyval.Errorf("TypeError", "%s() takes no keyword arguments", name)
	}
	return nil
}

// arity checks a positional argument count in the "f expected at most N
// arguments, got M" style CPython uses for most builtins.
func arity(name string, args []value, min, max int) error {
	n := len(args)
	if n >= min && n <= max {
		return nil
	}
	if min == max {
		if min == 1 {
			return pyval.Errorf("TypeError", "%s() takes exactly one argument (%d given)", name, n)
		}
		return pyval.Errorf("TypeError", "%s expected %d arguments, got %d", name, min, n)
	}
	if n < min {
		if min == 1 {
			return pyval.Errorf("TypeError", "%s expected at least 1 argument, got %d", name, n)
		}
		return pyval.Errorf("TypeError", "%s expected at least %d arguments, got %d", name, min, n)
	}
	if max == 1 {
		return pyval.Errorf("TypeError", "%s expected at most 1 argument, got %d", name, n)
	}
	return pyval.Errorf("TypeError", "%s expected at most %d arguments, got %d", name, max, n)
}

func isNone(v value) bool { return v.K == pyval.NoneKind }

// isInt reports whether v is an int (bool included).
func isInt(v value) bool {
	return v.K == pyval.IntKind || v.K == pyval.BoolKind || v.K == pyval.BigKind
}

// isNumber reports whether v is an int, bool or float.
func isNumber(v value) bool { return isInt(v) || v.K == pyval.FloatKind }

// toFloat converts an int, bool or float to float64; big ints that do not
// fit raise OverflowError like CPython's PyFloat_AsDouble.
func toFloat(v value) (float64, bool, error) {
	switch v.K {
	case pyval.FloatKind:
		return v.Float64(), true, nil
	case pyval.IntKind, pyval.BoolKind:
		return float64(v.Int64()), true, nil
	case pyval.BigKind:
		f, err := bigToFloat(v.O.(*big.Int))
		return f, true, err
	}
	return 0, false, nil
}

// realArg is toFloat with CPython's "must be real number, not str" error.
func realArg(v value) (float64, error) {
	f, ok, err := toFloat(v)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, pyval.Errorf("TypeError", "must be real number, not %s", pyval.TypeName(v))
	}
	return f, nil
}

// bigToFloat rounds b to the nearest float64 (ties to even), as int.__float__.
func bigToFloat(b *big.Int) (float64, error) {
	f, _ := new(big.Float).SetInt(b).Float64()
	if math.IsInf(f, 0) {
		return 0, pyval.Errorf("OverflowError", "int too large to convert to float")
	}
	return f, nil
}

// bigOf returns an int value as *big.Int (fresh for small ints).
func bigOf(v value) *big.Int {
	switch v.K {
	case pyval.IntKind, pyval.BoolKind:
		return big.NewInt(v.Int64())
	case pyval.BigKind:
		return v.O.(*big.Int)
	}
	return nil
}

// indexArg requires an int (an object with __index__): CPython's
// "'float' object cannot be interpreted as an integer".
func indexArg(v value) (*big.Int, error) {
	if b := bigOf(v); b != nil {
		return b, nil
	}
	return nil, pyval.Errorf("TypeError", "'%s' object cannot be interpreted as an integer", pyval.TypeName(v))
}

// smallIndex is indexArg limited to int64 (sizes, counts): larger values
// raise OverflowError as Py_ssize_t conversion does.
func smallIndex(v value) (int64, error) {
	switch v.K {
	case pyval.IntKind, pyval.BoolKind:
		return v.Int64(), nil
	case pyval.BigKind:
		return 0, pyval.Errorf("OverflowError", "Python int too large to convert to C ssize_t")
	}
	return 0, pyval.Errorf("TypeError", "'%s' object cannot be interpreted as an integer", pyval.TypeName(v))
}

// intResult returns b as an int value, normalizing to IntKind.
func intResult(b *big.Int) value { return pyval.BigInt(b) }

// collect materializes an iterable into a slice, charging steps through
// pyval.Iterate and checking the size as it grows.
func collect(ctx *context, x value) ([]value, error) {
	switch x.K {
	case pyval.ListKind:
		items := x.O.(*pyval.List).Items
		if err := ctx.Step(int64(len(items))); err != nil {
			return nil, err
		}
		return append([]value(nil), items...), nil
	case pyval.TupleKind:
		items := x.O.(*pyval.Tuple).Items
		if err := ctx.Step(int64(len(items))); err != nil {
			return nil, err
		}
		return append([]value(nil), items...), nil
	}
	if err := checkIterable(x); err != nil {
		return nil, err
	}
	var out []value
	err := pyval.Iterate(ctx, x, func(v value) error {
		if len(out)&1023 == 1023 {
			if err := ctx.CheckSize(len(out) + 1); err != nil {
				return err
			}
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// seqItems returns the items of a list or tuple without copying, else nil.
func seqItems(x value) ([]value, bool) {
	switch x.K {
	case pyval.ListKind:
		return x.O.(*pyval.List).Items, true
	case pyval.TupleKind:
		return x.O.(*pyval.Tuple).Items, true
	}
	return nil, false
}

// checkIterable gives CPython's "'int' object is not iterable" for values
// that can never be iterated, so that message does not depend on pyval.
func checkIterable(x value) error {
	switch x.K {
	case pyval.NoneKind, pyval.BoolKind, pyval.IntKind, pyval.BigKind, pyval.FloatKind, pyval.FuncKind:
		return pyval.Errorf("TypeError", "'%s' object is not iterable", pyval.TypeName(x))
	}
	return nil
}

// newList builds a list value after checking its size.
func newList(ctx *context, items []value) (value, error) {
	if err := ctx.CheckSize(len(items)); err != nil {
		return value{}, err
	}
	return pyval.NewList(items), nil
}

// typeErr is a shortcut for TypeError.
func typeErr(format string, args ...any) error { return pyval.Errorf("TypeError", format, args...) }

// valueErr is a shortcut for ValueError.
func valueErr(format string, args ...any) error { return pyval.Errorf("ValueError", format, args...) }
