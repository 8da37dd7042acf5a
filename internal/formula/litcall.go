package formula

import (
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// LitCall describes a formula that is a single call of a global function
// with only literal arguments, such as `VAR('A', default=0, WRITE=True)`:
// a host that owns the function can run it without evaluating the
// formula (the sim does so for VAR, the most common attribute formula).
// The name resolves to Options.Globals[Name] (it is no host name), so
// calling the function's Go code with the arguments is the evaluation.
type LitCall struct {
	Name string
	// Args are the positional arguments, then the keyword arguments
	// named by Keywords (len(Keywords) <= len(Args)).
	Args     []LitArg
	Keywords []string
}

// LitArg is one literal argument: a lifted literal (Lit >= 0, an index
// into the Literals of the text being evaluated) or a constant.
type LitArg struct {
	Lit   int
	Value pyval.Value // the constant, when Lit < 0
}

// Arg returns the argument's value for the literals lits (nil: p's own).
func (a LitArg) Arg(p *Program, lits *Literals) pyval.Value {
	if a.Lit < 0 {
		return a.Value
	}
	if lits == nil {
		lits = p.lits
	}
	return lits.Values[a.Lit]
}

// LiteralCall returns the program's LitCall, or nil when the formula is
// anything else.
func (p *Program) LiteralCall() *LitCall { return p.litCall }

// literalCall recognises a root call of a global with literal arguments.
func (c *compiler) literalCall(e syntax.Expr) *LitCall {
	call, ok := e.(*syntax.Call)
	if !ok {
		return nil
	}
	fn, ok := call.Func.(*syntax.Name)
	if !ok || c.host[fn.Id] {
		return nil
	}
	if _, ok := c.globals[fn.Id]; !ok {
		return nil
	}
	lc := &LitCall{Name: fn.Id}
	arg := func(e syntax.Expr) bool {
		if i, ok := c.lifted[e]; ok {
			lc.Args = append(lc.Args, LitArg{Lit: i})
			return true
		}
		k, ok := e.(*syntax.Constant)
		if !ok {
			return false
		}
		x, err := c.constant(k)
		if err != nil || !x.konst {
			return false
		}
		lc.Args = append(lc.Args, LitArg{Lit: -1, Value: x.val})
		return true
	}
	for _, a := range call.Args {
		if !arg(a) {
			return nil
		}
	}
	for _, k := range call.Keywords {
		if k.Name == "" || !arg(k.Value) {
			return nil
		}
		lc.Keywords = append(lc.Keywords, k.Name)
	}
	return lc
}
