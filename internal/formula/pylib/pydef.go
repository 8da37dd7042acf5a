package pylib

import (
	"strings"

	"chaoslab/internal/formula/pyval"
)

// pydef binds the arguments of a function written in Python (`def f(a,
// b=1)`, like SimulatorDS's Signals.py functions), whose argument errors
// differ from a builtin's: "sin() missing 1 required positional argument:
// 't'" in Python 3, "sin() takes at least 1 argument (0 given)" in Python 2.
type pydef struct {
	name  string
	names []string // parameters, all positional-or-keyword
	nreq  int      // the first nreq have no default
	// class, when set, makes this a bound method of a module-level
	// instance (random's functions are Random methods): Python 3 names it
	// "Random.randint()", and both count self among the arguments.
	class string
}

// bind fills out (len(names)) from args and kw; unbound optional slots stay
// Undefined. The checks run in the interpreter's order for the mode.
func (d *pydef) bind(ctx *context, args []value, kw []keyword, out []value) error {
	if ctx != nil && ctx.Py2 {
		return d.bind2(args, kw, out)
	}
	n := len(d.names)
	self := 0
	if d.class != "" {
		self = 1
	}
	copy(out, args)
	// CPython 3.11 (initialize_locals): keywords first, then too many
	// positionals, then missing ones.
	for _, k := range kw {
		i := d.index(k.Name)
		if i < 0 {
			return pyval.Errorf("TypeError", "%s() got an unexpected keyword argument '%s'", d.qualName(), k.Name)
		}
		if !out[i].IsUndefined() || i < len(args) {
			return pyval.Errorf("TypeError", "%s() got multiple values for argument '%s'", d.qualName(), k.Name)
		}
		out[i] = k.Value
	}
	if len(args) > n {
		if d.nreq == n {
			return pyval.Errorf("TypeError", "%s() takes %d positional argument%s but %d were given", d.qualName(), n+self, plural(n+self), len(args)+self)
		}
		return pyval.Errorf("TypeError", "%s() takes from %d to %d positional arguments but %d were given", d.qualName(), d.nreq+self, n+self, len(args)+self)
	}
	var missing []string
	for i := 0; i < d.nreq; i++ {
		if out[i].IsUndefined() {
			missing = append(missing, "'"+d.names[i]+"'")
		}
	}
	if len(missing) > 0 {
		return pyval.Errorf("TypeError", "%s() missing %d required positional argument%s: %s", d.qualName(), len(missing), plural(len(missing)), joinNames(missing))
	}
	return nil
}

// bind2 is Python 2.7's PyEval_EvalCodeEx order and wording.
func (d *pydef) bind2(args []value, kw []keyword, out []value) error {
	n := len(d.names)
	self := 0
	if d.class != "" {
		self = 1
	}
	quant := "at most"
	if d.nreq == n {
		quant = "exactly"
	}
	if len(args) > n {
		given := len(args) + len(kw) + self
		return pyval.Errorf("TypeError", "%s() takes %s %d argument%s (%d given)", d.name, quant, n+self, plural(n+self), given)
	}
	copy(out, args)
	for _, k := range kw {
		i := d.index(k.Name)
		if i < 0 {
			return pyval.Errorf("TypeError", "%s() got an unexpected keyword argument '%s'", d.name, k.Name)
		}
		if !out[i].IsUndefined() {
			return pyval.Errorf("TypeError", "%s() got multiple values for keyword argument '%s'", d.name, k.Name)
		}
		out[i] = k.Value
	}
	for i := 0; i < d.nreq; i++ {
		if out[i].IsUndefined() {
			given := self
			for _, v := range out {
				if !v.IsUndefined() {
					given++
				}
			}
			q := "at least"
			if d.nreq == n {
				q = "exactly"
			}
			return pyval.Errorf("TypeError", "%s() takes %s %d argument%s (%d given)", d.name, q, d.nreq+self, plural(d.nreq+self), given)
		}
	}
	return nil
}

// qualName is the name Python 3 gives the function in its messages.
func (d *pydef) qualName() string {
	if d.class != "" {
		return d.class + "." + d.name
	}
	return d.name
}

func (d *pydef) index(name string) int {
	for i, n := range d.names {
		if n == name {
			return i
		}
	}
	return -1
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// joinNames lists names as CPython's format_missing does: 'a', 'a' and 'b',
// 'a', 'b', and 'c'.
func joinNames(s []string) string {
	switch len(s) {
	case 1:
		return s[0]
	case 2:
		return s[0] + " and " + s[1]
	}
	return strings.Join(s[:len(s)-1], ", ") + ", and " + s[len(s)-1]
}

// pyFunc makes a value that behaves like a Python-level function: repr
// "<function name at 0x...>", type 'function'.
func pyFunc(name string, f1 func(ctx *context, a value) (value, error), fn callFn) value {
	return pyval.NewFunc(&pyval.Func{Name: name, Lambda: true, F1: f1, Fn: fn})
}
