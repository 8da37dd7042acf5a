package formula

import (
	"sync"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// Fused fast paths. Every closure call is an indirect call, and those
// dominate the cost of small formulas. So the pure numeric and boolean
// parts of a formula — arithmetic on floats, calls of math functions,
// comparisons, not/and/or of comparisons — are also compiled into small
// trees (fexpr, bexpr), which fastpath.go compiles into closures over bare
// float64/bool. When a value turns out not to be a float (or an operation
// would raise), the tree gives up and the ordinary closures evaluate the
// expression from the start; that is invisible because everything a tree
// evaluates is pure. The eval methods walk the trees directly: the
// fallback for comparisons of other kinds, and the reference in tests.

// fuseEnabled switches the fused paths off in tests, which compare both.
var fuseEnabled = true

type fkind uint8

const (
	fConst fkind = iota
	fSlot
	fLocal
	fBin
	fNeg
	fCall
	fLit    // a lifted float literal
	fLitInt // a lifted int literal (only usable next to a float)
)

// fexpr is a float-valued pure expression.
type fexpr struct {
	kind  fkind
	isInt bool // fConst from an int literal: only usable next to a float
	k     float64
	slot  int
	op    pyval.Op
	x, y  *fexpr
	f1    func(*pyval.Context, pyval.Value) (pyval.Value, error)
	ff    func(float64) (float64, bool) // fCall: the callee's unboxed form (pyval.Func.Float), or nil
	fn    *pyval.Func                   // fCall: the callee
}

func (e *fexpr) eval(f *frame) (float64, bool) {
	switch e.kind {
	case fSlot:
		v := f.env.Vars[e.slot]
		return v.Float64(), v.K == pyval.FloatKind
	case fConst:
		return e.k, true
	case fLocal:
		v := f.vars[e.slot]
		return v.Float64(), v.K == pyval.FloatKind
	case fBin:
		a, ok := e.x.eval(f)
		if !ok {
			return 0, false
		}
		b, ok := e.y.eval(f)
		if !ok {
			return 0, false
		}
		switch e.op {
		case pyval.OpAdd:
			return a + b, true
		case pyval.OpSub:
			return a - b, true
		case pyval.OpMul:
			return a * b, true
		}
		return a / b, b != 0
	case fNeg:
		a, ok := e.x.eval(f)
		return -a, ok
	case fLit:
		v := f.env.consts[e.slot]
		return v.Float64(), v.K == pyval.FloatKind
	case fLitInt:
		v := f.env.consts[e.slot]
		i := int64(v.N)
		return float64(i), v.K == pyval.IntKind && i >= -(1<<53) && i <= 1<<53
	}
	a, ok := e.x.eval(f)
	if !ok {
		return 0, false
	}
	r, err := e.f1(f.env.Ctx, pyval.Float(a))
	return r.Float64(), err == nil && r.K == pyval.FloatKind
}

// leafF returns the fexpr of a constant or free-slot operand, or nil.
func leafF(x *cx) *fexpr {
	if x.fx != nil {
		return x.fx
	}
	if x.slot >= 0 {
		return &fexpr{kind: fSlot, slot: x.slot}
	}
	if x.local > 0 {
		return &fexpr{kind: fLocal, slot: x.local - 1}
	}
	if x.lit > 0 {
		switch x.litKind {
		case syntax.ConstFloat:
			return &fexpr{kind: fLit, slot: x.lit - 1}
		case syntax.ConstInt:
			return &fexpr{kind: fLitInt, slot: x.lit - 1, isInt: true}
		}
		return nil
	}
	if x.konst {
		switch x.val.K {
		case pyval.FloatKind:
			return &fexpr{kind: fConst, k: x.val.Float64()}
		case pyval.IntKind:
			if i := x.val.Int64(); i >= -(1<<53) && i <= 1<<53 {
				return &fexpr{kind: fConst, k: float64(i), isInt: true}
			}
		}
	}
	return nil
}

// withFloat attaches fx to c and makes c's closure try it first.
func withFloat(c *cx, fx *fexpr) *cx {
	if !fuseEnabled {
		return c
	}
	gen := c.fn
	c.fx = fx
	fn, trusted := fx.compile()
	c.ffn, c.trusted = fn, trusted
	c.fn = func(f *frame) (pyval.Value, error) {
		prev := f.fail
		f.fail = false
		r := fn(f)
		bad := f.fail
		f.fail = prev
		if !bad {
			return pyval.Float(r), nil
		}
		return gen(f)
	}
	return c
}

// fuseBin tries to build the float tree of x op y.
func fuseBin(op pyval.Op, x, y *cx, c *cx) *cx {
	if op != pyval.OpAdd && op != pyval.OpSub && op != pyval.OpMul && op != pyval.OpDiv {
		return c
	}
	fx, fy := leafF(x), leafF(y)
	if fx == nil || fy == nil || (fx.isInt && fy.isInt) {
		return c
	}
	if op == pyval.OpDiv && (fx.isInt || fy.isInt) {
		return c // int/float division is fine, but keep Python 2's int/int rules out of the tree
	}
	return withFloat(c, &fexpr{kind: fBin, op: op, x: fx, y: fy})
}

func fuseNeg(x *cx, c *cx) *cx {
	fx := leafF(x)
	if fx == nil || fx.isInt || fx.kind == fConst {
		return c
	}
	return withFloat(c, &fexpr{kind: fNeg, x: fx})
}

func fuseCall(fn pyval.Value, arg *cx, c *cx, pure map[*pyval.Func]bool) *cx {
	g, ok := fn.O.(*pyval.Func)
	if !ok || fn.K != pyval.FuncKind || g.F1 == nil || !pure[g] {
		return c
	}
	fa := leafF(arg)
	if fa == nil || fa.isInt {
		return c
	}
	return withFloat(c, &fexpr{kind: fCall, x: fa, f1: g.F1, ff: g.Float, fn: g})
}

var pureOnce [2]struct {
	once sync.Once
	set  map[*pyval.Func]bool
}

// pureFuncs are the default math and signal functions: pure, so a fused
// tree may call them and still fall back.
func pureFuncs(m Mode, builtins map[string]pyval.Value) map[*pyval.Func]bool {
	def := DefaultBuiltins(m)
	p := &pureOnce[m&1]
	p.once.Do(func() {
		p.set = map[*pyval.Func]bool{}
		for _, src := range []map[string]pyval.Value{pylib.MathNames(), pylib.SignalNames()} {
			for name := range src {
				if name == "ripple" {
					continue // reads the host clock
				}
				if v, ok := def[name]; ok && v.K == pyval.FuncKind {
					p.set[v.O.(*pyval.Func)] = true
				}
			}
		}
		if v, ok := def["abs"]; ok && v.K == pyval.FuncKind {
			p.set[v.O.(*pyval.Func)] = true
		}
	})
	return p.set
}

var borrowOnce [2]struct {
	once sync.Once
	set  map[*pyval.Func]bool
}

// borrowNames are default builtins that read their arguments and return
// (no argument slice is kept in the result): calls of them borrow.
var borrowNames = []string{"max", "min", "abs", "round", "int", "float", "str", "bool", "len", "pow", "divmod",
	"isinstance", "hash", "repr", "hex", "oct", "bin", "chr", "ord", "format"}

// borrowFuncs are the default functions whose calls may borrow argument
// slices: the math, signal and random functions and borrowNames.
func borrowFuncs(m Mode) map[*pyval.Func]bool {
	p := &borrowOnce[m&1]
	p.once.Do(func() {
		def := DefaultBuiltins(m)
		p.set = map[*pyval.Func]bool{}
		add := func(name string) {
			if v, ok := def[name]; ok && v.K == pyval.FuncKind {
				p.set[v.O.(*pyval.Func)] = true
			}
		}
		for _, src := range []map[string]pyval.Value{pylib.MathNames(), pylib.SignalNames(), pylib.RandomNames()} {
			for name := range src {
				add(name)
			}
		}
		for _, name := range borrowNames {
			add(name)
		}
	})
	return p.set
}

type bkind uint8

const (
	bCmp bkind = iota
	bNot
	bAnd
	bOr
)

// bexpr is a bool-valued pure expression.
type bexpr struct {
	kind  bkind
	ops   []pyval.CmpOp
	opnds []*cx // bCmp: leaves or float trees
	x, y  *bexpr
	leaf  *cx // bNot of a leaf
}

// operand evaluates a comparison operand without closure calls.
func operand(x *cx, f *frame) (pyval.Value, bool) {
	if x.fx != nil {
		r, ok := x.fx.eval(f)
		return pyval.Float(r), ok
	}
	return x.fast(f)
}

func (e *bexpr) eval(f *frame) (bool, bool) {
	switch e.kind {
	case bCmp:
		a, ok := operand(e.opnds[0], f)
		if !ok {
			return false, false
		}
		for i, op := range e.ops {
			b, ok := operand(e.opnds[i+1], f)
			if !ok {
				return false, false
			}
			var r bool
			switch {
			case op > pyval.CmpGe:
				var err error
				if r, err = cmp(f.env.Ctx, op, a, b); err != nil {
					return false, false
				}
			case a.K == pyval.FloatKind && b.K == pyval.FloatKind:
				r = fcmp(op, a.Float64(), b.Float64())
			case a.K == pyval.IntKind && b.K == pyval.FloatKind && a.N+(1<<53) <= 1<<54:
				r = fcmp(op, float64(int64(a.N)), b.Float64())
			case a.K == pyval.FloatKind && b.K == pyval.IntKind && b.N+(1<<53) <= 1<<54:
				r = fcmp(op, a.Float64(), float64(int64(b.N)))
			default:
				var err error
				if r, err = cmp(f.env.Ctx, op, a, b); err != nil {
					return false, false
				}
			}
			if !r {
				return false, true
			}
			a = b
		}
		return true, true
	case bNot:
		if e.leaf != nil {
			v, ok := e.leaf.fast(f)
			return !truth(v), ok
		}
		r, ok := e.x.eval(f)
		return !r, ok
	case bAnd:
		r, ok := e.x.eval(f)
		if !ok || !r {
			return false, ok
		}
		return e.y.eval(f)
	}
	r, ok := e.x.eval(f)
	if !ok || r {
		return r, ok
	}
	return e.y.eval(f)
}

// withBool attaches bx to c and makes c's closure try it first.
func withBool(c *cx, bx *bexpr) *cx {
	if !fuseEnabled {
		return c
	}
	gen := c.fn
	c.bx = bx
	fn, trusted := bx.compile()
	c.bfn, c.trusted = fn, trusted
	c.fn = func(f *frame) (pyval.Value, error) {
		prev := f.fail
		f.fail = false
		r := fn(f)
		bad := f.fail
		f.fail = prev
		if !bad {
			return pyval.Bool(r), nil
		}
		return gen(f)
	}
	return c
}

// isOperand reports whether x can be a fused comparison operand.
func isOperand(x *cx) bool { return x.fx != nil || x.slot >= 0 || x.local > 0 || x.lit > 0 || x.konst }

func fuseCompare(ops []pyval.CmpOp, opnds []*cx, c *cx) *cx {
	for _, o := range opnds {
		if !isOperand(o) {
			return c
		}
	}
	return withBool(c, &bexpr{kind: bCmp, ops: ops, opnds: opnds})
}

func fuseNot(x *cx, c *cx) *cx {
	switch {
	case x.bx != nil:
		return withBool(c, &bexpr{kind: bNot, x: x.bx})
	case x.slot >= 0 || x.local > 0:
		return withBool(c, &bexpr{kind: bNot, leaf: x})
	}
	return c
}

// fuseBool fuses `a and b` / `a or b` when both sides are boolean trees
// (then the operand returned is a bool either way).
func fuseBool(and bool, vals []*cx, c *cx) *cx {
	for _, v := range vals {
		if v.bx == nil {
			return c
		}
	}
	kind := bOr
	if and {
		kind = bAnd
	}
	t := vals[len(vals)-1].bx
	for i := len(vals) - 2; i >= 0; i-- {
		t = &bexpr{kind: kind, x: vals[i].bx, y: t}
	}
	return withBool(c, t)
}
