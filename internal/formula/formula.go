// Package formula compiles DynamicDS / SimulatorDS / PyAlarm formulas — Python
// expressions — into fast evaluators with CPython semantics (or Python 2's,
// in Py2 mode).
//
// A Program is compiled once per formula text and shared by every device that
// uses the same text: everything device-specific reaches it at evaluation time
// through an Env (variable values, a persistent namespace, and Context.Host
// for host functions such as VAR or ATTR).
//
//	prog, err := formula.Compile("PRef + 1e-7*sin(PI*t)", &formula.Options{Globals: g})
//	env := prog.NewEnv(ctx)        // one per (device, program); reused
//	env.Vars[prog.Slot("PRef")] = pyval.Float(1e-9)
//	env.Vars[prog.Slot("t")] = pyval.Float(12.5)
//	v, err := prog.Eval(env)
package formula

import (
	"chaoslab/internal/formula/pyval"
)

// Mode selects the language semantics.
type Mode uint8

const (
	Py3 Mode = iota // CPython 3 semantics
	Py2             // Python 2: classic int division, None orders first, list-returning builtins, 10L/0777/<>/`x` syntax
)

// Options configures compilation. The zero value compiles Python 3 with the
// default builtins.
type Options struct {
	Mode Mode

	// Builtins is the base namespace (Python builtins plus the math, random
	// and signal functions). Nil means DefaultBuiltins(Mode).
	Builtins map[string]pyval.Value

	// Globals are host-injected constants and functions (VAR, ATTR, PROPERTY,
	// DevDouble, ON/OFF, ...). They shadow Builtins. Host functions find
	// their device through Context.Host, so one Program can serve many devices.
	Globals map[string]pyval.Value

	// HostNames are names the host binds per evaluation (attribute values,
	// t, VALUE, WRITE ...). They shadow Globals and Builtins, as DynamicDS's
	// locals dict shadows everything. Any other free name also gets a slot,
	// looked up in Env.Namespace when the slot is unset, else NameError.
	HostNames map[string]bool
}

// Program is a compiled formula. It is immutable and safe for concurrent use
// by evaluations with distinct Envs.
type Program struct {
	src string
	// compiled form: set by the compiler.
	slots map[string]int
	names []string
	eval  func(env *Env) (pyval.Value, error)
}

// Env is the per-evaluation state: one per (device, program), reused across
// evaluations. It is not safe for concurrent use.
type Env struct {
	// Vars holds the values of the program's free names, indexed by
	// Program.Slot. An Undefined entry falls back to Namespace.
	Vars []pyval.Value
	// Namespace is the persistent per-device namespace (DynamicDS's locals
	// dict): consulted for unset Vars, written by Python 2 comprehension
	// variables that leak, returned by locals(). May be nil.
	Namespace *pyval.Dict
	// Ctx is the evaluation context (mode, budget, random source, host).
	Ctx *pyval.Context
}

// Source returns the formula text.
func (p *Program) Source() string { return p.src }

// Names returns the program's free names in slot order: the names looked up
// at evaluation time (not resolved to Globals or Builtins at compile time).
func (p *Program) Names() []string { return p.names }

// Slot returns the index of name in Env.Vars, or -1 when the program does
// not read that name.
func (p *Program) Slot(name string) int {
	if i, ok := p.slots[name]; ok {
		return i
	}
	return -1
}

// NewEnv returns an Env sized for the program.
func (p *Program) NewEnv(ctx *pyval.Context) *Env {
	return &Env{Vars: make([]pyval.Value, len(p.names)), Ctx: ctx}
}

// Eval runs the program. Runtime errors are *RuntimeError values whose
// Error() reads like Python's ("ZeroDivisionError: float division by zero").
func (p *Program) Eval(env *Env) (pyval.Value, error) { return p.eval(env) }

// The compiler provides, in this package:
//
//	func Compile(src string, opts *Options) (*Program, error)   // *SyntaxError or *CompileError on failure
//	func DefaultBuiltins(m Mode) map[string]pyval.Value          // memoized, read-only
//	func FreeNames(src string, m Mode) ([]string, error)         // static analysis: every free name, first-appearance order
//	type SyntaxError struct{ Line, Col int; Msg, Source string } // Error(): "SyntaxError: msg at line:col" + caret excerpt
//	type RuntimeError struct{ Err *pyval.Exception; Line, Col int } // Error() is Err.Error(); Unwrap() gives Err
