package pylib

import (
	"math"

	"chaoslab/internal/formula/pyval"
)

// Clock is implemented by a Context.Host that can tell the time (epoch
// seconds). ripple(value, t=0) uses it as SimulatorDS uses time.time();
// without it t stays 0.
type Clock interface {
	Now() float64
}

// SignalNames returns SimulatorDS's Signals.py functions: sin and cos with a
// period (they override math's), square, triangle, ramp and ripple, plus
// PI (fandango) and pi.
//
// With the default period sin(t) and cos(t) are math.sin(t) and math.cos(t)
// exactly; with an explicit period they compute sin(2*pi*(t/period)) as
// Signals.py does.
func SignalNames() map[string]value {
	return map[string]value{
		"sin":      signalTrig("sin", crSin),
		"cos":      signalTrig("cos", crCos),
		"square":   builtin("square", sSquare),
		"triangle": builtin("triangle", sTriangle),
		"ramp":     builtin("ramp", sRamp),
		"ripple":   builtin("ripple", sRipple),
		"PI":       pyval.Float(math.Pi),
		"pi":       pyval.Float(math.Pi),
	}
}

const twoPi = 2 * math.Pi

// floatResult applies math_1's error rules to a trigonometric result.
func trigResult(x, r float64) (value, error) {
	if math.IsNaN(r) && !math.IsNaN(x) {
		return value{}, errDomain
	}
	return pyval.Float(r), nil
}

func signalTrig(name string, f func(float64) float64) value {
	one := func(ctx *context, a value) (value, error) {
		var x float64
		if a.K == pyval.FloatKind {
			x = a.Float64()
		} else {
			var err error
			if x, err = realArg(a); err != nil {
				return value{}, err
			}
		}
		return trigResult(x, f(x))
	}
	p := params{fn: name, names: []string{"t", "period"}, npos: 2, nreq: 1, kwOK: true}
	return pyval.NewFunc(&pyval.Func{
		Name: name,
		F1:   one,
		Fn: func(ctx *context, args []value, kw []keyword) (value, error) {
			var a [2]value
			if err := p.bind(args, kw, a[:]); err != nil {
				return value{}, err
			}
			if a[1].IsUndefined() {
				return one(ctx, a[0])
			}
			t, err := realArg(a[0])
			if err != nil {
				return value{}, err
			}
			period, err := realArg(a[1])
			if err != nil {
				return value{}, err
			}
			if period == 0 && isInt(a[0]) && isInt(a[1]) {
				return value{}, pyval.Errorf("ZeroDivisionError", "division by zero")
			}
			x, err := periodPhase(t, period)
			if err != nil {
				return value{}, err
			}
			return trigResult(x, f(x))
		},
	})
}

// periodPhase is 2*pi*(t/period).
func periodPhase(t, period float64) (float64, error) {
	if period == 0 {
		return 0, pyval.Errorf("ZeroDivisionError", "float division by zero")
	}
	return twoPi * (t / period), nil
}

// signalArgs binds (t, <extra...>, period) with float defaults.
func signalArgs(name string, args []value, kw []keyword, names []string, defs []float64) ([]float64, error) {
	a := make([]value, len(names))
	p := params{fn: name, names: names, npos: len(names), nreq: 1, kwOK: true}
	if err := p.bind(args, kw, a); err != nil {
		return nil, err
	}
	out := make([]float64, len(names))
	for i := range a {
		if a[i].IsUndefined() {
			out[i] = defs[i]
			continue
		}
		f, err := realArg(a[i])
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

func sSquare(ctx *context, args []value, kw []keyword) (value, error) {
	f, err := signalArgs("square", args, kw, []string{"t", "duty", "period"}, []float64{0, 0.5, twoPi})
	if err != nil {
		return value{}, err
	}
	t, err := mFmod(f[0], f[2])
	if err != nil {
		return value{}, err
	}
	if t <= f[1]*f[2] {
		return pyval.Float(1), nil
	}
	return pyval.Float(0), nil
}

func sTriangle(ctx *context, args []value, kw []keyword) (value, error) {
	f, err := signalArgs("triangle", args, kw, []string{"t", "period"}, []float64{0, twoPi})
	if err != nil {
		return value{}, err
	}
	period := f[1]
	t, err := mFmod(f[0], period)
	if err != nil {
		return value{}, err
	}
	q := .25 * period
	m, err := mFmod(t, q)
	if err != nil {
		return value{}, err
	}
	delta := m / q
	switch {
	case t <= q:
		return pyval.Float(delta), nil
	case t <= .5*period:
		return pyval.Float(1. - delta), nil
	case t <= .75*period:
		// Signals.py really drops to 0-delta here (a discontinuity at the
		// half period); reproduced, not fixed.
		return pyval.Float(0. - delta), nil
	}
	return pyval.Float(-1. + delta), nil
}

func sRamp(ctx *context, args []value, kw []keyword) (value, error) {
	f, err := signalArgs("ramp", args, kw, []string{"t", "duty", "period"}, []float64{0, 1, twoPi})
	if err != nil {
		return value{}, err
	}
	t, err := mFmod(f[0], f[2])
	if err != nil {
		return value{}, err
	}
	w := f[1] * f[2]
	if w == 0 {
		return value{}, pyval.Errorf("ZeroDivisionError", "float division by zero")
	}
	delta := t / w
	if t <= w {
		return pyval.Float(delta), nil
	}
	return pyval.Float(0), nil
}

// sRipple is ripple(value, amp=0., rel=0., t=0, period=2*pi): value plus a
// sine ripple of amplitude amp (or value*rel); sequences element-wise;
// anything that does not convert to float comes back unchanged.
func sRipple(ctx *context, args []value, kw []keyword) (value, error) {
	var a [5]value
	p := params{fn: "ripple", names: []string{"value", "amp", "rel", "t", "period"}, npos: 5, nreq: 1, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	return ripple(ctx, a[0], a[1], a[2], a[3], a[4])
}

func ripple(ctx *context, v, ampV, relV, tV, periodV value) (value, error) {
	if items, ok := seqItems(v); ok {
		if err := ctx.Step(int64(len(items))); err != nil {
			return value{}, err
		}
		out := make([]value, len(items))
		for i, it := range items {
			r, err := ripple(ctx, it, ampV, relV, tV, periodV)
			if err != nil {
				return value{}, err
			}
			out[i] = r
		}
		return pyval.NewList(out), nil
	}
	x, ok, err := toFloat(v)
	if v.K == pyval.StrKind {
		if f, good := parseFloat(v.String()); good {
			x, ok, err = f, true, nil
		}
	}
	if !ok || err != nil {
		return v, nil // Signals.py swallows the error and returns value
	}
	num := func(w value, def float64) (float64, bool) {
		if w.IsUndefined() {
			return def, true
		}
		f, ok, err := toFloat(w)
		return f, ok && err == nil
	}
	amp, ok1 := num(ampV, 0)
	rel, ok2 := num(relV, 0)
	t, ok3 := num(tV, 0)
	period, ok4 := num(periodV, twoPi)
	if !ok1 || !ok2 || !ok3 || !ok4 || period == 0 {
		return v, nil
	}
	if t == 0 {
		if c, ok := ctx.Host.(Clock); ok {
			t = c.Now()
		}
	}
	if rel != 0 {
		if x != 0 {
			amp = x * rel
		} else {
			amp = 1e-12
		}
	}
	s := crSin(twoPi * (t / period))
	if math.IsNaN(s) {
		return v, nil
	}
	return pyval.Float(x + amp*s), nil
}
