package formula

import (
	"math"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// Operators. When both operands are floats, or both ints that cannot
// overflow, the arithmetic and comparisons run inline; everything else goes
// through pyval, which owns the full semantics. Operations on constants are
// folded at compile time when they succeed (a failing one, such as 1/0,
// stays and fails at run time, as in CPython).

// foldable reports whether v may be shared between evaluations.
func foldable(v pyval.Value) bool {
	switch v.K {
	case pyval.NoneKind, pyval.BoolKind, pyval.IntKind, pyval.BigKind, pyval.FloatKind, pyval.StrKind, pyval.BytesKind:
		return true
	case pyval.TupleKind:
		for _, it := range v.O.(*pyval.Tuple).Items {
			if !foldable(it) {
				return false
			}
		}
		return true
	}
	return false
}

func (c *compiler) unary(e *syntax.UnaryOp, s *scope) (*cx, error) {
	x, err := c.expr(e.X, s)
	if err != nil {
		return nil, err
	}
	op, pos := pyval.UnOp(e.Op), e.Pos()
	if op == pyval.UnNot {
		if x.konst {
			return konst(pyval.Bool(!truth(x.val))), nil
		}
		return fuseNot(x, dyn(func(f *frame) (pyval.Value, error) {
			v, ok := x.fast(f)
			if !ok {
				var err error
				if v, err = x.fn(f); err != nil {
					return v, err
				}
			}
			if v.K == pyval.BoolKind {
				return pyval.Bool(v.N == 0), nil
			}
			return pyval.Bool(!truth(v)), nil
		})), nil
	}
	if x.konst && foldable(x.val) {
		if v, err := pyval.Unary(c.fold, op, x.val); err == nil && foldable(v) {
			return konst(v), nil
		}
	}
	if op == pyval.UnNeg {
		return fuseNeg(x, dyn(func(f *frame) (pyval.Value, error) {
			v, err := x.fn(f)
			if err != nil {
				return v, err
			}
			switch {
			case v.K == pyval.FloatKind:
				return pyval.Float(-v.Float64()), nil
			case v.K == pyval.IntKind && int64(v.N) != math.MinInt64:
				return pyval.Int(-int64(v.N)), nil
			}
			r, err := pyval.Unary(f.env.Ctx, op, v)
			if err != nil {
				return r, errAt(err, pos)
			}
			return r, nil
		})), nil
	}
	return dyn(func(f *frame) (pyval.Value, error) {
		v, err := x.fn(f)
		if err != nil {
			return v, err
		}
		r, err := pyval.Unary(f.env.Ctx, op, v)
		if err != nil {
			return r, errAt(err, pos)
		}
		return r, nil
	}), nil
}

func (c *compiler) binop(e *syntax.BinOp, s *scope) (*cx, error) {
	x, err := c.expr(e.X, s)
	if err != nil {
		return nil, err
	}
	y, err := c.expr(e.Y, s)
	if err != nil {
		return nil, err
	}
	r := c.binopOf(e, x, y)
	if r.konst {
		return r, nil
	}
	return fuseBin(pyval.Op(e.Op), x, y, r), nil
}

// binopOf builds x op y from compiled operands.
func (c *compiler) binopOf(e *syntax.BinOp, x, y *cx) *cx {
	op, pos := pyval.Op(e.Op), e.Pos()
	if x.konst && y.konst && foldable(x.val) && foldable(y.val) {
		if v, err := pyval.Binary(c.fold, op, x.val, y.val); err == nil && foldable(v) {
			return konst(v)
		}
	}
	slow := func(f *frame, a, b pyval.Value) (pyval.Value, error) {
		r, err := pyval.Binary(f.env.Ctx, op, a, b)
		if err != nil {
			return r, errAt(err, pos)
		}
		return r, nil
	}
	// Specialized closures for the common operators with a constant float
	// on one side (1e-7*x, x*2.0, t/60.) and in general.
	switch op {
	case pyval.OpAdd:
		return arith(op, x, y, slow)
	case pyval.OpSub:
		return arith(op, x, y, slow)
	case pyval.OpMul:
		if x.konst && x.val.K == pyval.FloatKind {
			k := x.val.Float64()
			return dyn(func(f *frame) (pyval.Value, error) {
				b, ok := y.fast(f)
				if !ok {
					var err error
					if b, err = y.fn(f); err != nil {
						return b, err
					}
				}
				if b.K == pyval.FloatKind {
					return pyval.Float(k * b.Float64()), nil
				}
				return slow(f, x.val, b)
			})
		}
		if y.konst && y.val.K == pyval.FloatKind {
			k := y.val.Float64()
			return dyn(func(f *frame) (pyval.Value, error) {
				a, ok := x.fast(f)
				if !ok {
					var err error
					if a, err = x.fn(f); err != nil {
						return a, err
					}
				}
				if a.K == pyval.FloatKind {
					return pyval.Float(a.Float64() * k), nil
				}
				return slow(f, a, y.val)
			})
		}
		return arith(op, x, y, slow)
	case pyval.OpDiv:
		return arith(op, x, y, slow)
	}
	xf, yf := x.fn, y.fn
	return dyn(func(f *frame) (pyval.Value, error) {
		a, err := xf(f)
		if err != nil {
			return a, err
		}
		b, err := yf(f)
		if err != nil {
			return b, err
		}
		return slow(f, a, b)
	})
}

// arith builds + - * / with float/float and int/int fast paths (no call:
// the switch on the captured operator is perfectly predicted). Ints that
// would overflow, division by zero and every other kind pair take the slow
// path, where pyval owns the semantics.
func arith(op pyval.Op, x, y *cx, slow func(*frame, pyval.Value, pyval.Value) (pyval.Value, error)) *cx {
	return dyn(func(f *frame) (pyval.Value, error) {
		a, ok := x.fast(f)
		if !ok {
			var err error
			if a, err = x.fn(f); err != nil {
				return a, err
			}
		}
		b, ok := y.fast(f)
		if !ok {
			var err error
			if b, err = y.fn(f); err != nil {
				return b, err
			}
		}
		if a.K == pyval.FloatKind && b.K == pyval.FloatKind {
			u, v := a.Float64(), b.Float64()
			switch op {
			case pyval.OpAdd:
				return pyval.Float(u + v), nil
			case pyval.OpSub:
				return pyval.Float(u - v), nil
			case pyval.OpMul:
				return pyval.Float(u * v), nil
			default:
				if v != 0 {
					return pyval.Float(u / v), nil
				}
			}
		} else if a.K == pyval.IntKind && b.K == pyval.IntKind {
			u, v := int64(a.N), int64(b.N)
			switch op {
			case pyval.OpAdd:
				if r := u + v; (r^u)&(r^v) >= 0 {
					return pyval.Int(r), nil
				}
			case pyval.OpSub:
				if r := u - v; (u^v)&(r^u) >= 0 {
					return pyval.Int(r), nil
				}
			case pyval.OpMul:
				const lim = 1 << 31
				if u > -lim && u < lim && v > -lim && v < lim {
					return pyval.Int(u * v), nil
				}
			}
		}
		return slow(f, a, b)
	})
}

func (c *compiler) boolop(e *syntax.BoolOp, s *scope) (*cx, error) {
	r, vals, err := c.boolop0(e, s)
	if err != nil {
		return nil, err
	}
	return fuseBool(e.Op == syntax.And, vals, r), nil
}

func (c *compiler) boolop0(e *syntax.BoolOp, s *scope) (*cx, []*cx, error) {
	vals := make([]*cx, len(e.Values))
	for i, v := range e.Values {
		x, err := c.expr(v, s)
		if err != nil {
			return nil, nil, err
		}
		vals[i] = x
	}
	and := e.Op == syntax.And
	if len(vals) == 2 {
		a, b := vals[0], vals[1]
		if and {
			return dyn(func(f *frame) (pyval.Value, error) {
				v, ok := a.fast(f)
				if !ok {
					var err error
					if v, err = a.fn(f); err != nil {
						return v, err
					}
				}
				if !truth(v) {
					return v, nil
				}
				if w, ok := b.fast(f); ok {
					return w, nil
				}
				return b.fn(f)
			}), vals, nil
		}
		return dyn(func(f *frame) (pyval.Value, error) {
			v, ok := a.fast(f)
			if !ok {
				var err error
				if v, err = a.fn(f); err != nil {
					return v, err
				}
			}
			if truth(v) {
				return v, nil
			}
			if w, ok := b.fast(f); ok {
				return w, nil
			}
			return b.fn(f)
		}), vals, nil
	}
	last := len(vals) - 1
	return dyn(func(f *frame) (pyval.Value, error) {
		for i, x := range vals {
			v, err := x.get(f)
			if err != nil || i == last || truth(v) != and {
				return v, err
			}
		}
		panic("unreachable")
	}), vals, nil
}

// cmp compares two values with the int and float fast paths inline.
func cmp(ctx *pyval.Context, op pyval.CmpOp, a, b pyval.Value) (bool, error) {
	if a.K == b.K && op <= pyval.CmpGe {
		switch a.K {
		case pyval.FloatKind:
			x, y := a.Float64(), b.Float64()
			switch op {
			case pyval.CmpEq:
				return x == y, nil
			case pyval.CmpNe:
				return x != y, nil
			case pyval.CmpLt:
				return x < y, nil
			case pyval.CmpLe:
				return x <= y, nil
			case pyval.CmpGt:
				return x > y, nil
			default:
				return x >= y, nil
			}
		case pyval.IntKind, pyval.BoolKind:
			x, y := int64(a.N), int64(b.N)
			switch op {
			case pyval.CmpEq:
				return x == y, nil
			case pyval.CmpNe:
				return x != y, nil
			case pyval.CmpLt:
				return x < y, nil
			case pyval.CmpLe:
				return x <= y, nil
			case pyval.CmpGt:
				return x > y, nil
			default:
				return x >= y, nil
			}
		}
	}
	if op <= pyval.CmpGe && a.K <= pyval.FloatKind && b.K <= pyval.FloatKind && a.K >= pyval.IntKind && b.K >= pyval.IntKind &&
		a.K != pyval.BigKind && b.K != pyval.BigKind {
		// int against float: exact when the int has at most 53 bits.
		var x, y float64
		if a.K == pyval.IntKind {
			i := int64(a.N)
			if i > 1<<53 || i < -(1<<53) {
				return pyval.Compare(ctx, op, a, b)
			}
			x, y = float64(i), b.Float64()
		} else {
			i := int64(b.N)
			if i > 1<<53 || i < -(1<<53) {
				return pyval.Compare(ctx, op, a, b)
			}
			x, y = a.Float64(), float64(i)
		}
		switch op {
		case pyval.CmpEq:
			return x == y, nil
		case pyval.CmpNe:
			return x != y, nil
		case pyval.CmpLt:
			return x < y, nil
		case pyval.CmpLe:
			return x <= y, nil
		case pyval.CmpGt:
			return x > y, nil
		default:
			return x >= y, nil
		}
	}
	return pyval.Compare(ctx, op, a, b)
}

func (c *compiler) compare(e *syntax.Compare, s *scope) (*cx, error) {
	r, ops, opnds, err := c.compare0(e, s)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		if op == pyval.CmpIn || op == pyval.CmpNotIn {
			return r, nil // `in` may consume an iterator: never evaluate it twice
		}
	}
	return fuseCompare(ops, opnds, r), nil
}

func (c *compiler) compare0(e *syntax.Compare, s *scope) (*cx, []pyval.CmpOp, []*cx, error) {
	left, err := c.expr(e.Left, s)
	if err != nil {
		return nil, nil, nil, err
	}
	n := len(e.Ops)
	ops := make([]pyval.CmpOp, n)
	rights := make([]*cx, n)
	for i, r := range e.Comparators {
		x, err := c.expr(r, s)
		if err != nil {
			return nil, nil, nil, err
		}
		ops[i] = pyval.CmpOp(e.Ops[i])
		rights[i] = x
	}
	pos := e.Pos()
	lf := left
	if n == 1 {
		op, rf := ops[0], rights[0]
		return dyn(func(f *frame) (pyval.Value, error) {
			a, ok := lf.fast(f)
			if !ok {
				var err error
				if a, err = lf.fn(f); err != nil {
					return a, err
				}
			}
			b, ok := rf.fast(f)
			if !ok {
				var err error
				if b, err = rf.fn(f); err != nil {
					return b, err
				}
			}
			var r bool
			switch {
			case op > pyval.CmpGe:
				var err error
				if r, err = cmp(f.env.Ctx, op, a, b); err != nil {
					return pyval.Value{}, errAt(err, pos)
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
					return pyval.Value{}, errAt(err, pos)
				}
			}
			return pyval.Bool(r), nil
		}), ops, append([]*cx{left}, rights...), nil
	}
	if n == 2 {
		op0, op1, r0, r1 := ops[0], ops[1], rights[0], rights[1]
		return dyn(func(f *frame) (pyval.Value, error) {
			a, ok := lf.fast(f)
			if !ok {
				var err error
				if a, err = lf.fn(f); err != nil {
					return a, err
				}
			}
			b, ok := r0.fast(f)
			if !ok {
				var err error
				if b, err = r0.fn(f); err != nil {
					return b, err
				}
			}
			var r bool
			switch {
			case op0 > pyval.CmpGe:
				var err error
				if r, err = cmp(f.env.Ctx, op0, a, b); err != nil {
					return pyval.Value{}, errAt(err, pos)
				}
			case a.K == pyval.FloatKind && b.K == pyval.FloatKind:
				r = fcmp(op0, a.Float64(), b.Float64())
			case a.K == pyval.IntKind && b.K == pyval.FloatKind && a.N+(1<<53) <= 1<<54:
				r = fcmp(op0, float64(int64(a.N)), b.Float64())
			case a.K == pyval.FloatKind && b.K == pyval.IntKind && b.N+(1<<53) <= 1<<54:
				r = fcmp(op0, a.Float64(), float64(int64(b.N)))
			default:
				var err error
				if r, err = cmp(f.env.Ctx, op0, a, b); err != nil {
					return pyval.Value{}, errAt(err, pos)
				}
			}
			if !r {
				return pyval.False, nil
			}
			c, ok := r1.fast(f)
			if !ok {
				var err error
				if c, err = r1.fn(f); err != nil {
					return c, err
				}
			}
			switch {
			case op1 > pyval.CmpGe:
				var err error
				if r, err = cmp(f.env.Ctx, op1, b, c); err != nil {
					return pyval.Value{}, errAt(err, pos)
				}
			case b.K == pyval.FloatKind && c.K == pyval.FloatKind:
				r = fcmp(op1, b.Float64(), c.Float64())
			case b.K == pyval.IntKind && c.K == pyval.FloatKind && b.N+(1<<53) <= 1<<54:
				r = fcmp(op1, float64(int64(b.N)), c.Float64())
			case b.K == pyval.FloatKind && c.K == pyval.IntKind && c.N+(1<<53) <= 1<<54:
				r = fcmp(op1, b.Float64(), float64(int64(c.N)))
			default:
				var err error
				if r, err = cmp(f.env.Ctx, op1, b, c); err != nil {
					return pyval.Value{}, errAt(err, pos)
				}
			}
			return pyval.Bool(r), nil
		}), ops, append([]*cx{left}, rights...), nil
	}
	return dyn(func(f *frame) (pyval.Value, error) {
		a, ok := lf.fast(f)
		if !ok {
			var err error
			if a, err = lf.fn(f); err != nil {
				return a, err
			}
		}
		for i, op := range ops {
			b, ok := rights[i].fast(f)
			if !ok {
				var err error
				if b, err = rights[i].fn(f); err != nil {
					return b, err
				}
			}
			var r bool
			switch {
			case op > pyval.CmpGe:
				var err error
				if r, err = cmp(f.env.Ctx, op, a, b); err != nil {
					return pyval.Value{}, errAt(err, pos)
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
					return pyval.Value{}, errAt(err, pos)
				}
			}
			if !r {
				return pyval.False, nil
			}
			a = b
		}
		return pyval.True, nil
	}), ops, append([]*cx{left}, rights...), nil
}

func fcmp(op pyval.CmpOp, x, y float64) bool {
	switch op {
	case pyval.CmpEq:
		return x == y
	case pyval.CmpNe:
		return x != y
	case pyval.CmpLt:
		return x < y
	case pyval.CmpLe:
		return x <= y
	case pyval.CmpGt:
		return x > y
	}
	return x >= y
}
