package pylib

import (
	"sort"

	"chaoslab/internal/formula/pyval"
)

// Module is a module object (math, random): a namespace of functions and
// constants reached by attribute access. A module with Fn set is also
// callable, so `random()` and `random.random()` both work (see RandomNames).
type Module struct {
	Name  string
	Attrs map[string]value
	Fn    callFn
}

// TypeName returns "module".
func (m *Module) TypeName() string { return "module" }

// GetAttr returns the named member or raises AttributeError.
func (m *Module) GetAttr(ctx *pyval.Context, name string) (value, error) {
	if v, ok := m.Attrs[name]; ok {
		return v, nil
	}
	if name == "__name__" {
		return pyval.Str(m.Name), nil
	}
	return value{}, pyval.Errorf("AttributeError", "module '%s' has no attribute '%s'", m.Name, name)
}

// Repr is "<module 'math' (built-in)>".
func (m *Module) Repr() string { return "<module '" + m.Name + "' (built-in)>" }

// Call calls the module when it is callable (the random module), else
// raises TypeError like CPython.
func (m *Module) Call(ctx *pyval.Context, args []value, kw []keyword) (value, error) {
	if m.Fn == nil {
		return value{}, typeErr("'module' object is not callable")
	}
	return m.Fn(ctx, args, kw)
}

// Names returns the member names, sorted (dir(module)).
func (m *Module) Names() []string {
	out := make([]string, 0, len(m.Attrs))
	for k := range m.Attrs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
