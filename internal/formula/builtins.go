package formula

import (
	"errors"
	"strings"
	"sync"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

// blocked names never reach a formula, whatever the builtin table holds:
// they would give access to files, processes, imports or the interpreter.
var blocked = []string{"__import__", "open", "eval", "exec", "compile", "input", "breakpoint", "help", "exit", "quit", "memoryview", "globals", "locals", "vars", "dir", "setattr", "delattr"}

var defaults [2]struct {
	once sync.Once
	m    map[string]pyval.Value
}

// DefaultBuiltins returns the default base namespace of a mode: the Python
// builtins, then the math, random and signal functions (later ones win, as
// in SimulatorDS: pow is math.pow, sin/cos take an optional period). The
// map is memoized and shared: do not modify it.
func DefaultBuiltins(m Mode) map[string]pyval.Value {
	d := &defaults[m&1]
	d.once.Do(func() {
		py2 := m == Py2
		out := map[string]pyval.Value{}
		for _, src := range []map[string]pyval.Value{pylib.Builtins(py2), pylib.MathNamesFor(py2), pylib.RandomNames(), pylib.SignalNames()} {
			for k, v := range src {
				out[k] = v
			}
		}
		for _, k := range blocked {
			delete(out, k)
		}
		for _, k := range []string{"getattr", "hasattr"} {
			if v, ok := out[k]; ok {
				out[k] = noDunder(v, k == "hasattr")
			}
		}
		d.m = out
	})
	return d.m
}

// noDunder wraps getattr/hasattr so that, like the attribute syntax, they
// cannot reach attribute names starting with "__" (getattr raises
// AttributeError, hasattr answers False).
var errNo = errors.New("no such attribute")

func noDunder(v pyval.Value, has bool) pyval.Value {
	f, ok := v.O.(*pyval.Func)
	if !ok || v.K != pyval.FuncKind {
		return v
	}
	g := *f
	check := func(args []pyval.Value) error {
		if len(args) >= 2 && args[1].K == pyval.StrKind && strings.HasPrefix(args[1].String(), "__") {
			if has {
				return errNo
			}
			return pyval.Errorf("AttributeError", "access to attribute '%s' is not allowed in formulas", args[1].String())
		}
		return nil
	}
	if f.Fn != nil {
		g.Fn = func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
			if err := check(args); err == errNo {
				return pyval.False, nil
			} else if err != nil {
				return pyval.Value{}, err
			}
			return f.Fn(ctx, args, kw)
		}
	}
	if f.F2 != nil {
		g.F2 = func(ctx *pyval.Context, a, b pyval.Value) (pyval.Value, error) {
			if err := check([]pyval.Value{a, b}); err == errNo {
				return pyval.False, nil
			} else if err != nil {
				return pyval.Value{}, err
			}
			return f.F2(ctx, a, b)
		}
	}
	return pyval.NewFunc(&g)
}
