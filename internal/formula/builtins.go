package formula

import (
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
		for _, src := range []map[string]pyval.Value{pylib.Builtins(py2), pylib.MathNames(), pylib.RandomNames(), pylib.SignalNames()} {
			for k, v := range src {
				out[k] = v
			}
		}
		for _, k := range blocked {
			delete(out, k)
		}
		d.m = out
	})
	return d.m
}
