package formula

import (
	"math"

	"chaoslab/internal/formula/pyval"
)

// Closure compilation of the fused trees. Walking an fexpr/bexpr costs a
// switch and a (float64, bool) return per node; here each node becomes a
// closure specialised for its operation and for constant and free-slot
// operands, returning a bare float64 or bool. A node that meets a value of
// the wrong kind, or an operation that would raise, sets frame.fail and
// returns anything: the entry point (fastFloat/fastBool) then discards the
// result and evaluates the general closures instead, exactly as the tree
// walkers do.

// fnode is a compiled fexpr.
type fnode func(f *frame) float64

// bnode is a compiled bexpr.
type bnode func(f *frame) bool

// loadF reads a free slot that must hold a float.
func loadF(f *frame, s int) float64 {
	v := f.env.Vars[s]
	if v.K != pyval.FloatKind {
		f.fail = true
	}
	return math.Float64frombits(v.N)
}

// compile returns e as a closure tree. trusted is false when the tree
// calls a host function through F1 (the caller then keeps the panic guard).
func (e *fexpr) compile() (fn fnode, trusted bool) {
	if a, ok := e.matchAffineCall(); ok {
		return a.compile(trigKinds()[a.call.fn]), true
	}
	switch e.kind {
	case fConst:
		k := e.k
		return func(*frame) float64 { return k }, true
	case fSlot:
		s := e.slot
		return func(f *frame) float64 { return loadF(f, s) }, true
	case fLocal:
		s := e.slot
		return func(f *frame) float64 {
			v := f.vars[s]
			if v.K != pyval.FloatKind {
				f.fail = true
			}
			return math.Float64frombits(v.N)
		}, true
	case fLit:
		s := e.slot
		return func(f *frame) float64 {
			v := f.env.consts[s]
			if v.K != pyval.FloatKind {
				f.fail = true
			}
			return math.Float64frombits(v.N)
		}, true
	case fLitInt:
		s := e.slot
		return func(f *frame) float64 {
			v := f.env.consts[s]
			i := int64(v.N)
			if v.K != pyval.IntKind || i < -(1<<53) || i > 1<<53 {
				f.fail = true
			}
			return float64(i)
		}, true
	case fNeg:
		x, tr := e.x.compile()
		return func(f *frame) float64 { return -x(f) }, tr
	case fCall:
		x, tr := e.x.compile()
		if k, s, ok := e.x.constTimesSlot(); ok && e.ff != nil {
			// sin(PI*t): the argument inline.
			ff := e.ff
			return func(f *frame) float64 {
				r, ok := ff(k * loadF(f, s))
				if !ok {
					f.fail = true
				}
				return r
			}, true
		}
		if ff := e.ff; ff != nil {
			return func(f *frame) float64 {
				r, ok := ff(x(f))
				if !ok {
					f.fail = true
				}
				return r
			}, tr
		}
		f1 := e.f1
		return func(f *frame) float64 {
			a := x(f)
			if f.fail {
				return 0
			}
			r, err := f1(f.env.Ctx, pyval.Float(a))
			if err != nil || r.K != pyval.FloatKind {
				f.fail = true
			}
			return r.Float64()
		}, false
	}
	return e.compileBin()
}

// compileBin specialises x op y for a constant or free-slot operand, the
// shapes of `k*x`, `x + PRef`, `PI*t`.
func (e *fexpr) compileBin() (fnode, bool) {
	op := e.op
	if e.x.kind == fSlot && e.y.kind == fBin && e.y.op == pyval.OpMul && (op == pyval.OpAdd || op == pyval.OpSub) {
		// `PRef + k*x`: one closure. The explicit float64() rounds the
		// product, so no platform fuses it into an FMA (Python rounds it).
		var k float64
		var z fnode
		var tr bool
		switch {
		case e.y.x.kind == fConst:
			k = e.y.x.k
			z, tr = e.y.y.compile()
		case e.y.y.kind == fConst:
			k = e.y.y.k
			z, tr = e.y.x.compile()
		}
		if z != nil {
			s := e.x.slot
			if op == pyval.OpAdd {
				return func(f *frame) float64 { return loadF(f, s) + float64(k*z(f)) }, tr
			}
			return func(f *frame) float64 { return loadF(f, s) - float64(k*z(f)) }, tr
		}
	}
	switch {
	case e.y.kind == fConst:
		x, tr := e.x.compile()
		k := e.y.k
		switch op {
		case pyval.OpAdd:
			return func(f *frame) float64 { return x(f) + k }, tr
		case pyval.OpSub:
			return func(f *frame) float64 { return x(f) - k }, tr
		case pyval.OpMul:
			if e.x.kind == fSlot {
				s := e.x.slot
				return func(f *frame) float64 { return loadF(f, s) * k }, tr
			}
			return func(f *frame) float64 { return x(f) * k }, tr
		}
		if k == 0 {
			return func(f *frame) float64 { f.fail = true; return 0 }, tr
		}
		return func(f *frame) float64 { return x(f) / k }, tr
	case e.x.kind == fConst:
		y, tr := e.y.compile()
		k := e.x.k
		switch op {
		case pyval.OpAdd:
			return func(f *frame) float64 { return k + y(f) }, tr
		case pyval.OpSub:
			return func(f *frame) float64 { return k - y(f) }, tr
		case pyval.OpMul:
			if e.y.kind == fSlot {
				s := e.y.slot
				return func(f *frame) float64 { return k * loadF(f, s) }, tr
			}
			return func(f *frame) float64 { return k * y(f) }, tr
		}
		return func(f *frame) float64 { return divF(f, k, y(f)) }, tr
	case e.x.kind == fSlot:
		s := e.x.slot
		y, tr := e.y.compile()
		switch op {
		case pyval.OpAdd:
			return func(f *frame) float64 { return loadF(f, s) + y(f) }, tr
		case pyval.OpSub:
			return func(f *frame) float64 { return loadF(f, s) - y(f) }, tr
		case pyval.OpMul:
			return func(f *frame) float64 { return loadF(f, s) * y(f) }, tr
		}
		return func(f *frame) float64 { return divF(f, loadF(f, s), y(f)) }, tr
	}
	x, trx := e.x.compile()
	y, try := e.y.compile()
	tr := trx && try
	switch op {
	case pyval.OpAdd:
		return func(f *frame) float64 { return x(f) + y(f) }, tr
	case pyval.OpSub:
		return func(f *frame) float64 { return x(f) - y(f) }, tr
	case pyval.OpMul:
		return func(f *frame) float64 { return x(f) * y(f) }, tr
	}
	return func(f *frame) float64 { return divF(f, x(f), y(f)) }, tr
}

// constTimesSlot reports whether e is k*slot or slot*k.
func (e *fexpr) constTimesSlot() (k float64, slot int, ok bool) {
	if e.kind != fBin || e.op != pyval.OpMul {
		return 0, 0, false
	}
	switch {
	case e.x.kind == fConst && e.y.kind == fSlot:
		return e.x.k, e.y.slot, true
	case e.y.kind == fConst && e.x.kind == fSlot:
		return e.y.k, e.x.slot, true
	}
	return 0, 0, false
}

// divF is a / b, failing (ZeroDivisionError on the general path) for b == 0.
func divF(f *frame, a, b float64) float64 {
	if b == 0 {
		f.fail = true
		return 0
	}
	return a / b
}

// numOf converts a number to float64 when the conversion is exact (bools,
// ints up to 2^53, floats), so that comparing the float64s compares the
// Python values.
func numOf(v pyval.Value) (float64, bool) {
	switch v.K {
	case pyval.FloatKind:
		return math.Float64frombits(v.N), true
	case pyval.IntKind, pyval.BoolKind:
		i := int64(v.N)
		return float64(i), i >= -(1<<53) && i <= 1<<53
	}
	return 0, false
}

// numOperand compiles a comparison operand that is a float tree, a free
// slot, or a numeric constant into a loader; nil when it is none of these.
func numOperand(x *cx) (load func(f *frame) (float64, bool), k float64, isK bool, slot int, trusted bool) {
	slot = -1
	switch {
	case x.fx != nil:
		fn, tr := x.fx.compile()
		return func(f *frame) (float64, bool) {
			prev := f.fail
			f.fail = false
			r := fn(f)
			bad := f.fail
			f.fail = prev
			return r, !bad
		}, 0, false, -1, tr
	case x.slot >= 0:
		s := x.slot
		return func(f *frame) (float64, bool) { return numOf(f.env.Vars[s]) }, 0, false, s, true
	case x.konst:
		if r, ok := numOf(x.val); ok {
			return nil, r, true, -1, true
		}
	}
	return nil, 0, false, -1, false
}

// compile returns e as a closure tree (see fexpr.compile).
func (e *bexpr) compile() (bnode, bool) {
	switch e.kind {
	case bNot:
		if e.leaf != nil {
			leaf := e.leaf
			if s := leaf.slot; s >= 0 {
				return func(f *frame) bool {
					v := f.env.Vars[s]
					if v.K == pyval.BoolKind {
						return v.N == 0
					}
					return notScalar(f, v)
				}, true
			}
			return func(f *frame) bool {
				v, _ := leaf.fast(f)
				return notScalar(f, v)
			}, true
		}
		x, tr := e.x.compile()
		return func(f *frame) bool { return !x(f) }, tr
	case bAnd, bOr:
		x, trx := e.x.compile()
		y, try := e.y.compile()
		if e.kind == bAnd {
			return func(f *frame) bool { return x(f) && y(f) }, trx && try
		}
		return func(f *frame) bool { return x(f) || y(f) }, trx && try
	}
	return e.compileCmp()
}

// notScalar is `not v` for the kinds whose truth needs no call (bool,
// int, float, None); anything else, unset slots included, gives up.
func notScalar(f *frame, v pyval.Value) bool {
	switch v.K {
	case pyval.BoolKind, pyval.IntKind:
		return v.N == 0
	case pyval.FloatKind:
		return math.Float64frombits(v.N) == 0
	case pyval.NoneKind:
		return true
	}
	f.fail = true
	return false
}

// slowB evaluates e with the tree walker (comparisons of other kinds:
// strings, None, big ints, `is`, `in`).
func (e *bexpr) slowB(f *frame) bool {
	r, ok := e.eval(f)
	if !ok {
		f.fail = true
	}
	return r
}

// compileCmp compiles a (chained) comparison. Numeric operands are compared
// as exact float64s inline; any other kind of value gives up (the general
// closures then compare through pyval, which may call host objects: a
// trusted tree never does). Comparisons with a constant that is not a
// number, `is` and `in` use the tree walker and are not trusted.
func (e *bexpr) compileCmp() (bnode, bool) {
	for _, op := range e.ops {
		if op > pyval.CmpGe {
			return e.slowB, false
		}
	}
	n := len(e.opnds)
	loads := make([]func(*frame) (float64, bool), n)
	ks := make([]float64, n)
	isK := make([]bool, n)
	slots := make([]int, n)
	trusted := true
	for i, o := range e.opnds {
		l, k, c, s, tr := numOperand(o)
		if l == nil && !c {
			return e.slowB, false // a constant string, None ...: the walker is as good
		}
		loads[i], ks[i], isK[i], slots[i] = l, k, c, s
		trusted = trusted && tr
	}
	// `k0 op0 x op1 k2` with x a free slot: `0 < Current < 20`.
	if n == 3 && isK[0] && isK[2] && slots[1] >= 0 {
		k0, k2, s := ks[0], ks[2], slots[1]
		op0, op1 := e.ops[0], e.ops[1]
		if op0 == pyval.CmpLt && op1 == pyval.CmpLt {
			return func(f *frame) bool {
				x, ok := numOf(f.env.Vars[s])
				if !ok {
					f.fail = true // not a number that converts exactly: the general path
					return false
				}
				return k0 < x && x < k2
			}, true
		}
		return func(f *frame) bool {
			x, ok := numOf(f.env.Vars[s])
			if !ok {
				f.fail = true
				return false
			}
			return fcmp(op0, k0, x) && fcmp(op1, x, k2)
		}, true
	}
	// `x op k` / `k op x` with x a free slot.
	if n == 2 && (isK[0] || isK[1]) && (slots[0] >= 0 || slots[1] >= 0) {
		op := e.ops[0]
		if isK[1] {
			s, k := slots[0], ks[1]
			return func(f *frame) bool {
				x, ok := numOf(f.env.Vars[s])
				if !ok {
					f.fail = true // not a number that converts exactly: the general path
					return false
				}
				return fcmp(op, x, k)
			}, true
		}
		s, k := slots[1], ks[0]
		return func(f *frame) bool {
			x, ok := numOf(f.env.Vars[s])
			if !ok {
				f.fail = true
				return false
			}
			return fcmp(op, k, x)
		}, true
	}
	get := func(f *frame, i int) (float64, bool) {
		if isK[i] {
			return ks[i], true
		}
		return loads[i](f)
	}
	ops := e.ops
	return func(f *frame) bool {
		a, ok := get(f, 0)
		if !ok {
			f.fail = true
			return false
		}
		for i, op := range ops {
			b, ok := get(f, i+1)
			if !ok {
				f.fail = true
				return false
			}
			if !fcmp(op, a, b) {
				return false
			}
			a = b
		}
		return true
	}, trusted
}
