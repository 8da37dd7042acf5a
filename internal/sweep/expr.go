package sweep

import (
	"fmt"
	"strings"

	"chaoslab/internal/formula"
	"chaoslab/internal/formula/pyval"
)

// Expr is a compiled expression of the formula language (Python 3
// semantics, no eval): signal_count, signal conditions and ${...}
// substitutions in templates. Free names are bound per evaluation from the
// case's parameters, _i (the case number from 1), _repeat and the metrics.
type Expr struct {
	Src  string
	Pos  Pos
	prog *formula.Program
}

// CompileExpr compiles src; pos is where it sits in the matrix file.
func CompileExpr(src string, pos Pos) (*Expr, error) {
	prog, err := formula.Compile(src, &formula.Options{})
	if err != nil {
		return nil, &PosError{Pos: pos, Msg: fmt.Sprintf("expression %q: %s", src, firstLine(err.Error()))}
	}
	return &Expr{Src: src, Pos: pos, prog: prog}, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Names returns the names the expression reads that are not builtins.
func (e *Expr) Names() []string { return e.prog.Names() }

// Eval evaluates with vars bound; a name neither bound nor a builtin is an
// error naming it.
func (e *Expr) Eval(vars func(name string) (Value, bool)) (Value, error) {
	env := e.prog.NewEnv(nil)
	for i, n := range e.prog.Names() {
		v, ok := vars(n)
		if !ok {
			return nil, &PosError{Pos: e.Pos, Msg: fmt.Sprintf("expression %q: unknown name %q (not a parameter, metric or _i)", e.Src, n)}
		}
		env.Vars[i] = toPy(v)
	}
	r, err := e.prog.Eval(env)
	if err != nil {
		return nil, &PosError{Pos: e.Pos, Msg: fmt.Sprintf("expression %q: %v", e.Src, err)}
	}
	out, err := fromPy(r)
	if err != nil {
		return nil, &PosError{Pos: e.Pos, Msg: fmt.Sprintf("expression %q: %v", e.Src, err)}
	}
	return out, nil
}

// Bool evaluates the expression as a condition (Python truthiness).
func (e *Expr) Bool(vars func(string) (Value, bool)) (bool, error) {
	env := e.prog.NewEnv(nil)
	for i, n := range e.prog.Names() {
		v, ok := vars(n)
		if !ok {
			return false, &PosError{Pos: e.Pos, Msg: fmt.Sprintf("condition %q: unknown name %q (not a parameter, metric or _i)", e.Src, n)}
		}
		env.Vars[i] = toPy(v)
	}
	r, err := e.prog.Eval(env)
	if err != nil {
		return false, &PosError{Pos: e.Pos, Msg: fmt.Sprintf("condition %q: %v", e.Src, err)}
	}
	return pyval.Truth(r), nil
}

// Int evaluates the expression to an integer (signal_count).
func (e *Expr) Int(vars func(string) (Value, bool)) (int64, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case int64:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case float64:
		if x == float64(int64(x)) {
			return int64(x), nil
		}
	}
	return 0, &PosError{Pos: e.Pos, Msg: fmt.Sprintf("expression %q gave %v; expected an integer", e.Src, FormatValue(v))}
}

// Scope chains variable lookups: the first that knows a name wins.
func Scope(fs ...func(string) (Value, bool)) func(string) (Value, bool) {
	return func(n string) (Value, bool) {
		for _, f := range fs {
			if f == nil {
				continue
			}
			if v, ok := f(n); ok {
				return v, true
			}
		}
		return nil, false
	}
}

// MapScope looks names up in a map of values.
func MapScope(m map[string]Value) func(string) (Value, bool) {
	return func(n string) (Value, bool) { v, ok := m[n]; return v, ok }
}

// MetricScope looks names up in a metrics map.
func MetricScope(m map[string]float64) func(string) (Value, bool) {
	return func(n string) (Value, bool) { v, ok := m[n]; return v, ok }
}
