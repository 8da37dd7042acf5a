// Package formula compiles DynamicDS / SimulatorDS / PyAlarm formulas — Python
// expressions — into fast evaluators with CPython semantics (or Python 2's,
// in Py2 mode).
//
// A Program is compiled once per formula text and shared by every device that
// uses the same text: everything device-specific reaches it at evaluation time
// through an Env (variable values, a persistent namespace, and Context.Host
// for host functions such as VAR or ATTR). Compiled with Options.Lift, it is
// shared by every text of the same shape (Shape: texts that differ only in
// number and string literals), each Env carrying its text's Literals.
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

	// Pure names Globals functions without side effects whose one-argument
	// form maps a float to a float (casts such as DevDouble, host math).
	// Calls of them may take part in the fused numeric fast paths, which
	// evaluate speculatively and fall back; the default math and signal
	// functions are always treated as pure. A pure function that also sets
	// pyval.Func.Float is called unboxed, and a formula whose fused root
	// calls only such functions is evaluated without Eval's panic guard:
	// Float must not panic.
	Pure map[string]bool

	// Borrow names Globals functions that do not keep their argument
	// slices after they return (most host functions: they read their
	// arguments and return). Calls of them with plain arguments borrow the
	// slices from a per-Env stack instead of allocating them. The math,
	// signal and random functions and max, min, abs, round ... always
	// borrow.
	Borrow map[string]bool

	// Lift compiles with the number and string literals lifted (see
	// Shape): the Program reads them from Env.Lits, so one Program serves
	// every text of the same shape. Constant folding skips lifted
	// literals; everything else folds as usual.
	Lift bool
}

// Program is a compiled formula. It is immutable and safe for concurrent use
// by evaluations with distinct Envs.
type Program struct {
	src string
	// compiled form: set by the compiler.
	slots map[string]int
	names []string

	mode Mode
	root node // the compiled expression
	// fastF, fastB: the root's compiled fused tree when it calls no host
	// function (Eval tries it first, without the panic guard).
	fastF fnode
	fastB bnode
	// affine: the root is p + c*g(k*b) (affine.go), which evalFast
	// evaluates without a closure call; nil otherwise.
	affine *affineCall
	// fastOK: fastF or fastB is set and the program has no top-level
	// locals (evalFast's compile-time conditions).
	fastOK bool
	ntop   int      // locals of the top scope (walrus targets, leaked Python 2 comprehension variables)
	free   []string // static free names (FreeNames)

	lits  *Literals // Lift: the literals of src (the default table)
	nlits int       // Lift: how many literals the program reads

	litCall *LitCall // the formula is one call with literal arguments (LiteralCall)
}

// Env is the per-evaluation state: one per (device, program), reused across
// evaluations. It is not safe for concurrent use.
type Env struct {
	// Vars holds the values of the program's free names, indexed by
	// Program.Slot. An Undefined entry falls back to Namespace.
	Vars []pyval.Value
	// Namespace is the persistent per-device namespace (DynamicDS's locals
	// dict): consulted for unset Vars, written by Python 2 comprehension
	// variables that leak, returned by locals() (after
	// LocalsHost.SyncLocals). May be nil.
	Namespace *pyval.Dict
	// Ctx is the evaluation context (mode, budget, random source, host).
	// Nil makes Eval create a default one (no random source, no host).
	Ctx *pyval.Context
	// MaxSteps is the step budget of one top-level evaluation: Eval sets
	// Ctx.Steps to it before evaluating, unless Ctx.Depth > 0 (an
	// evaluation nested inside another one through a host function shares
	// the outer budget). 0 means pyval.DefaultSteps; a negative value
	// leaves Ctx.Steps alone (the host manages the budget itself).
	MaxSteps int64

	// Lits is the literal table of the text being evaluated, for a
	// Program compiled with Options.Lift: the Literals that Shape returned
	// for that text. Nil means the Program's own text. Runtime errors are
	// positioned in Lits.Src.
	Lits *Literals

	top    frame         // the top-level frame, reused across evaluations
	consts []pyval.Value // the literal values of the evaluation in progress
	cur    *Literals     // the table consts come from
	stack  []pyval.Value // borrowed call arguments (see borrowCall)
	kstack []pyval.Keyword
}

// Source returns the formula text (with Options.Lift: the text compiled,
// the first of its shape).
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
	env := &Env{Vars: make([]pyval.Value, len(p.names)), Ctx: ctx}
	env.top.vars = make([]pyval.Value, p.ntop)
	return env
}

// Eval runs the program. Runtime errors are *RuntimeError values whose
// Error() reads like Python's ("ZeroDivisionError: float division by zero").
//
// Each top-level evaluation gets a fresh step budget (Env.MaxSteps); Eval
// sets Ctx.Py2 to the program's mode for its duration and counts itself in
// Ctx.Depth, so host functions that evaluate other formulas are bounded by
// the same budget and by Ctx.MaxDepth.
func (p *Program) Eval(env *Env) (pyval.Value, error) { return p.evalFast(env) }

// FreeNames returns the program's static free names: every name the
// formula reads that is not bound inside it (lambda parameters,
// comprehension variables, walrus targets), builtins included, in order of
// first appearance.
func (p *Program) FreeNames() []string { return p.free }

// LocalsHost is implemented by a Context.Host whose namespace holds values
// it keeps elsewhere (DynamicDS's locals dict holds every kept attribute's
// last value): locals() calls SyncLocals before it returns Env.Namespace.
type LocalsHost interface {
	SyncLocals()
}
