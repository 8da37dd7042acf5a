package formula

import (
	"math"
	"sync"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

// The affine-of-call shape p + c*g(k*b): `PRef + 1e-7*sin(PI*t)`,
// `2+1.5*sin(3*t)`, `sin(t)`, `offset - amp*cos(w*t)`, where g is a pure
// float function, b a free slot, p a free slot or a constant (absent:
// -0.0, the identity of +) and c, k constants (absent: 1); with
// Options.Lift the constants may be lifted literals. The general closures
// would make one call per tree node; this is one closure, calling g's
// unboxed form (or, for the default sin and cos, the fast path of the
// correctly rounded kernel inline), and at the root Program.Eval does the
// same without the closure (evalFast). Python's arithmetic is kept exactly:
// each operation is rounded once (float64() stops the compiler from
// fusing a multiply-add), x - y is x + (-y), and multiplying by 1 or
// adding -0.0 changes no double, NaN and signed zeros included.

// affineCall is a matched p + c*g(k*b).
type affineCall struct {
	pSlot int     // p is pSign times this free slot, or -1: the constant p
	pSign float64 // +1 or -1
	p     aconst
	c, k  aconst
	bSlot int
	call  *fexpr // the fCall node (ff != nil)
	// sig: g is the default sin or cos (set for Program.affine; compile
	// takes it as an argument)
	sig pylib.TrigKind
}

// aconst is a constant operand of the shape: a number known when
// compiling, or (Options.Lift) a literal of the text being evaluated.
type aconst struct {
	v   float64 // lit < 0: the value
	lit int     // the env.consts index of a lifted literal, or -1
	neg bool    // lit: negated (the p of c*g - p, the c of p - c*g)
}

func constOf(e *fexpr) (aconst, bool) {
	switch e.kind {
	case fConst:
		return aconst{v: e.k, lit: -1}, true
	case fLit:
		return aconst{lit: e.slot}, true
	case fLitInt:
		return aconst{lit: e.slot}, true
	}
	return aconst{}, false
}

func (a aconst) negate() aconst {
	if a.lit < 0 {
		a.v = -a.v
	} else {
		a.neg = !a.neg
	}
	return a
}

// load returns the operand's value, failing the fused tree when a lifted
// literal is not a number exact as a float (numOf: whatever its kind, a
// number that converts exactly combines with a float as that float does).
func (a aconst) load(f *frame) float64 {
	if a.lit < 0 {
		return a.v
	}
	r, ok := numOf(f.env.consts[a.lit])
	if !ok {
		f.fail = true
	}
	if a.neg {
		r = -r
	}
	return r
}

// lifted reports whether any constant of the shape is a lifted literal.
func (a *affineCall) lifted() bool { return a.p.lit >= 0 || a.c.lit >= 0 || a.k.lit >= 0 }

// callTerm matches c*g(k*b), g(k*b)*c and g(k*b).
func callTerm(e *fexpr) (c aconst, call *fexpr, ok bool) {
	isCall := func(e *fexpr) bool { return e.kind == fCall && e.ff != nil }
	switch {
	case isCall(e):
		c, call = aconst{v: 1, lit: -1}, e
	case e.kind == fBin && e.op == pyval.OpMul && isCall(e.y):
		c, ok = constOf(e.x)
		call = e.y
	case e.kind == fBin && e.op == pyval.OpMul && isCall(e.x):
		c, ok = constOf(e.y)
		call = e.x
	default:
		return c, nil, false
	}
	if call != e && !ok {
		return c, nil, false
	}
	return c, call, call.x.kind == fSlot || call.x.constTimesSlotLeaf()
}

// constTimesSlotLeaf reports whether e is k*slot or slot*k for a
// constant (or lifted literal) k.
func (e *fexpr) constTimesSlotLeaf() bool {
	_, _, ok := e.kTimesSlot()
	return ok
}

func (e *fexpr) kTimesSlot() (k aconst, slot int, ok bool) {
	if e.kind != fBin || e.op != pyval.OpMul {
		return k, 0, false
	}
	if k, ok = constOf(e.x); ok && e.y.kind == fSlot {
		return k, e.y.slot, true
	}
	if k, ok = constOf(e.y); ok && e.x.kind == fSlot {
		return k, e.x.slot, true
	}
	return k, 0, false
}

// matchAffineCall reports whether e has the shape p + c*g(k*b) (up to the
// order of operands and with - for +).
func (e *fexpr) matchAffineCall() (a affineCall, ok bool) {
	a = affineCall{pSlot: -1, pSign: 1, p: aconst{v: negZero, lit: -1}}
	switch {
	case e.kind == fBin && (e.op == pyval.OpAdd || e.op == pyval.OpSub):
		var leaf *fexpr
		isLeaf := func(e *fexpr) bool {
			_, c := constOf(e)
			return e.kind == fSlot || c
		}
		if c, g, ok := callTerm(e.y); ok && isLeaf(e.x) {
			leaf, a.c, a.call = e.x, c, g
			if e.op == pyval.OpSub {
				a.c = a.c.negate() // p - c*g = p + (-c)*g
			}
		} else if c, g, ok := callTerm(e.x); ok && isLeaf(e.y) {
			leaf, a.c, a.call = e.y, c, g
			if e.op == pyval.OpSub {
				a.pSign = -1 // c*g - p = c*g + (-p)
			}
		} else {
			return a, false
		}
		if leaf.kind == fSlot {
			a.pSlot = leaf.slot
		} else {
			a.p, _ = constOf(leaf)
			if a.pSign < 0 {
				a.p = a.p.negate()
			}
			a.pSign = 1
		}
	default:
		var g *fexpr
		if a.c, g, ok = callTerm(e); !ok {
			return a, false
		}
		a.call = g
	}
	if a.call.x.kind == fSlot {
		a.k, a.bSlot = aconst{v: 1, lit: -1}, a.call.x.slot
	} else {
		a.k, a.bSlot, _ = a.call.x.kTimesSlot()
	}
	return a, true
}

// negZero is -0.0, the p of a shape without one (-0.0 + y == y for every y).
var negZero = math.Copysign(0, -1)

// compile returns the shape's closure (for a root, evalFast does the same
// without the closure call).
func (a affineCall) compile(sig pylib.TrigKind) fnode {
	if a.lifted() {
		return a.compileLifted(sig)
	}
	c, k, bs, ff := a.c.v, a.k.v, a.bSlot, a.call.ff
	ps, sign, p := a.pSlot, a.pSign, a.p.v
	// The default sin and cos: the fast path inline around one call, ff
	// (the full function) when it cannot tell.
	switch {
	case sig != pylib.TrigNone && ps >= 0:
		return func(f *frame) float64 {
			t := k * loadF(f, bs)
			r, ok := pylib.RoundTrig(sig.DD(t))
			if !ok {
				r = callFF(f, ff, t)
			}
			return loadF(f, ps)*sign + float64(c*r)
		}
	case sig != pylib.TrigNone:
		return func(f *frame) float64 {
			t := k * loadF(f, bs)
			r, ok := pylib.RoundTrig(sig.DD(t))
			if !ok {
				r = callFF(f, ff, t)
			}
			return p + float64(c*r)
		}
	case ps >= 0:
		return func(f *frame) float64 {
			r := callFF(f, ff, k*loadF(f, bs))
			return loadF(f, ps)*sign + float64(c*r)
		}
	}
	return func(f *frame) float64 {
		r := callFF(f, ff, k*loadF(f, bs))
		return p + float64(c*r)
	}
}

// compileLifted is compile for a shape with lifted literals (a Program
// compiled with Options.Lift, shared by texts that differ in them): one
// closure reading them, with their kind checks. (Not inlined: the copy of
// a closure inlined with its maker would not get the kernel inlined.)
//
//go:noinline
func (a affineCall) compileLifted(sig pylib.TrigKind) fnode {
	pc, cc, kc, bs, ff := a.p, a.c, a.k, a.bSlot, a.call.ff
	ps, sign := a.pSlot, a.pSign
	return func(f *frame) float64 {
		t := kc.load(f) * loadF(f, bs)
		var r float64
		ok := false
		if sig != pylib.TrigNone {
			r, ok = pylib.RoundTrig(sig.DD(t))
		}
		if !ok {
			r = callFF(f, ff, t)
		}
		pv := pc.v
		if ps >= 0 {
			pv = loadF(f, ps) * sign
		} else if pc.lit >= 0 {
			pv = pc.load(f)
		}
		return pv + float64(cc.load(f)*r)
	}
}

// callFF is ff(t), failing the fused tree when the call would raise.
func callFF(f *frame, ff func(float64) (float64, bool), t float64) float64 {
	r, ok := ff(t)
	if !ok {
		f.fail = true
	}
	return r
}

// trigKinds maps the default sin and cos of both modes to their kinds.
var trigKinds = sync.OnceValue(func() map[*pyval.Func]pylib.TrigKind {
	kinds := map[*pyval.Func]pylib.TrigKind{}
	for _, m := range []Mode{Py3, Py2} {
		def := DefaultBuiltins(m)
		for name, k := range map[string]pylib.TrigKind{"sin": pylib.TrigSignalSin, "cos": pylib.TrigSignalCos} {
			if v, ok := def[name]; ok && v.K == pyval.FuncKind {
				kinds[v.O.(*pyval.Func)] = k
			}
		}
	}
	return kinds
})
