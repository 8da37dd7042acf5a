package formula

import (
	"fmt"
	"math"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

// evalFast is Program.Eval. A fused root calling no host function (fastF,
// fastB, affine) cannot panic, reads no budget and no mode: when the Env
// is ready for a top-level evaluation it runs here, without run's guard
// and bookkeeping (this small frame without a defer is, besides the
// formula itself, the whole cost of evaluating `PRef + 1e-7*sin(PI*t)`).
// Everything else, and a fused root that gives up, goes to run.
func (p *Program) evalFast(env *Env) (pyval.Value, error) {
	ctx := env.Ctx
	if !p.fastOK || ctx == nil || ctx.Depth != 0 || env.MaxSteps < 0 || len(env.Vars) < len(p.names) {
		return p.run(env)
	}
	// Eval documents that it sets the budget; a fused root uses none.
	steps := env.MaxSteps
	if steps == 0 {
		steps = pyval.DefaultSteps
	}
	ctx.Steps = steps
	if p.nlits > 0 {
		// bindLits without its error (run reports it)
		l := env.Lits
		if l == nil {
			l = p.lits
		}
		if len(l.Values) != p.nlits {
			return p.run(env)
		}
		env.consts, env.cur = l.Values, l
	}
	if a := p.affine; a != nil {
		// p + c*g(k*b) inline (affineCall.compile's closure, one call
		// less): any other kind of operand, or a call that would raise,
		// takes run. p is read after the call: fewer values to keep
		// across it.
		b := env.Vars[a.bSlot]
		if b.K != pyval.FloatKind {
			return p.run(env)
		}
		var r float64
		ok := false
		if a.sig != pylib.TrigNone {
			r, ok = pylib.RoundTrig(a.sig.DD(a.k.v * math.Float64frombits(b.N)))
		}
		if !ok {
			if r, ok = a.call.ff(a.k.v * math.Float64frombits(env.Vars[a.bSlot].N)); !ok {
				return p.run(env)
			}
		}
		pv := a.p.v
		if a.pSlot >= 0 {
			v := env.Vars[a.pSlot]
			if v.K != pyval.FloatKind {
				return p.run(env)
			}
			pv = a.pSign * math.Float64frombits(v.N)
		}
		return pyval.Float(pv + float64(a.c.v*r)), nil
	}
	f := &env.top
	if f.env != env {
		f.env = env
	}
	// The fused root, as in run (written out twice: a shared function
	// would not be inlined, and the call costs F2 a sixth of its time).
	f.fail = false
	if p.fastF != nil {
		if r := p.fastF(f); !f.fail {
			return pyval.Float(r), nil
		}
	} else if r := p.fastB(f); !f.fail {
		return pyval.Bool(r), nil
	}
	f.fail = false
	return p.run(env)
}

// run is Program.eval: budget, mode and depth bookkeeping around the
// compiled tree, and the last line of defence against panics. The common
// case (a top-level evaluation with a ready Env) takes the short path.
func (p *Program) run(env *Env) (v pyval.Value, err error) {
	ctx := env.Ctx
	if ctx == nil || ctx.Depth != 0 || env.MaxSteps < 0 || p.ntop != 0 || len(env.Vars) < len(p.names) || ctx.Py2 != (p.mode == Py2) {
		return p.runNested(env)
	}
	if p.nlits > 0 {
		if err := p.bindLits(env); err != nil {
			return pyval.Value{}, err
		}
	}
	ctx.Steps = env.MaxSteps
	if ctx.Steps == 0 {
		ctx.Steps = pyval.DefaultSteps
	}
	env.top.env = env
	if p.fastF != nil || p.fastB != nil {
		// A fused root calling no host function cannot panic, reads no
		// budget and no mode: no guard, no bookkeeping.
		f := &env.top
		f.fail = false
		if p.fastF != nil {
			if r := p.fastF(f); !f.fail {
				return pyval.Float(r), nil
			}
		} else if r := p.fastB(f); !f.fail {
			return pyval.Bool(r), nil
		}
		f.fail = false
	}
	env.stack, env.kstack = env.stack[:0], env.kstack[:0] // a panic may have left arguments behind
	ctx.Depth = 1
	done := false
	defer guard(ctx, 0, ctx.Py2, &v, &err, &done)
	v, err = p.root(&env.top)
	done = true
	if err != nil {
		p.place(env, err)
	} else if v.K == pyval.Undefined {
		err = internalError("undefined result")
	}
	return v, err
}

// runNested handles everything else: a missing Context, an evaluation
// nested in another through a host function (it shares the outer budget),
// a host-managed budget, top-level locals, a mode switch.
func (p *Program) runNested(env *Env) (v pyval.Value, err error) {
	ctx := env.Ctx
	if ctx == nil {
		ctx = &pyval.Context{}
		env.Ctx = ctx
	}
	if ctx.Depth == 0 && env.MaxSteps >= 0 {
		ctx.Steps = env.MaxSteps
		if ctx.Steps == 0 {
			ctx.Steps = pyval.DefaultSteps
		}
	}
	max := ctx.MaxDepth
	if max <= 0 {
		max = pyval.DefaultMaxDepth
	}
	if ctx.Depth >= max {
		return pyval.Value{}, &RuntimeError{Err: &pyval.Exception{Type: "RecursionError", Msg: "maximum recursion depth exceeded"}, Line: 1, Col: 1}
	}
	if len(env.Vars) < len(p.names) {
		vars := make([]pyval.Value, len(p.names))
		copy(vars, env.Vars)
		env.Vars = vars
	}
	f := &env.top
	saved := *f // an Env re-entered through a host function keeps its outer frame
	savedConsts, savedCur := env.consts, env.cur
	if p.nlits > 0 {
		if err := p.bindLits(env); err != nil {
			return pyval.Value{}, err
		}
	}
	f.env = env
	f.vars = make([]pyval.Value, p.ntop)
	defer func() { *f = saved; env.consts, env.cur = savedConsts, savedCur }()
	done := false
	defer guard(ctx, ctx.Depth, ctx.Py2, &v, &err, &done)
	ctx.Py2 = p.mode == Py2
	ctx.Depth++
	v, err = p.root(f)
	done = true
	if err != nil {
		p.place(env, err)
	} else if v.K == pyval.Undefined {
		err = internalError("undefined result")
	}
	return v, err
}

// guard restores the context after an evaluation and turns a panic into a
// SystemError. It is deferred directly so that recover works; recover is
// only called when the evaluation did not finish (a panic is unwinding),
// which keeps the normal path cheap.
func guard(ctx *pyval.Context, depth int, py2 bool, v *pyval.Value, err *error, done *bool) {
	ctx.Depth = depth
	ctx.Py2 = py2
	if *done {
		return
	}
	if r := recover(); r != nil {
		*v, *err = pyval.Value{}, internalError(fmt.Sprint(r))
	}
}

func internalError(msg string) error {
	return &RuntimeError{Err: &pyval.Exception{Type: "SystemError", Msg: "internal error: " + msg}, Line: 1, Col: 1}
}
