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
// They are Python functions in SimulatorDS, and behave as such here: repr
// "<function sin at 0x...>", Python-style argument errors, and sin(t) is
// math.sin(2*pi*(t/period)) with the default period too (not math.sin(t)),
// with Python's arithmetic for the division (Python 2 floors int/int).
func SignalNames() map[string]value {
	return map[string]value{
		"sin":      signalTrig("sin", crSin, signalSinF),
		"cos":      signalTrig("cos", crCos, signalCosF),
		"square":   pyFunc("square", nil, sSquare),
		"triangle": pyFunc("triangle", nil, sTriangle),
		"ramp":     pyFunc("ramp", nil, sRamp),
		"ripple":   pyFunc("ripple", nil, sRipple),
		"PI":       pyval.Float(math.Pi),
		"pi":       pyval.Float(math.Pi),
	}
}

const twoPi = 2 * math.Pi

// trigResult applies math_1's error rules to a trigonometric result.
func trigResult(x, r float64) (value, error) {
	if math.IsNaN(r) && !math.IsNaN(x) {
		return value{}, errDomain
	}
	return pyval.Float(r), nil
}

var twoPiV = pyval.Float(twoPi)

// signalSinF is sin(t) for a float t with the default period (the
// unboxed form the formula compiler calls): math.sin(2*pi*(t/(2*pi))).
// A top-level function rather than a closure over crSin, so that the fast
// path is inlined here and the call is direct.
func signalSinF(t float64) (float64, bool) {
	x := twoPi * (t / twoPi)
	if r, ok := trigRound(sinShiftDD(x, t, 0)); ok {
		return r, true
	}
	r := crSinSlow(x)
	return r, !math.IsNaN(r) || math.IsNaN(x)
}

// signalCosF is cos(t) as signalSinF is sin(t).
func signalCosF(t float64) (float64, bool) {
	x := twoPi * (t / twoPi)
	if r, ok := trigRound(sinShiftDD(x, t, 128)); ok {
		return r, true
	}
	r := crCosSlow(x)
	return r, !math.IsNaN(r) || math.IsNaN(x)
}

// SignalSinFloat is the default sin of SignalNames (Signals.py's
// sin(t) = math.sin(2*pi*(t/(2*pi)))) for a float t: the result, and
// false when the call would raise (t infinite). The formula compiler calls
// it directly when a formula calls that sin.
func SignalSinFloat(t float64) (float64, bool) { return signalSinF(t) }

// SignalCosFloat is SignalSinFloat for cos.
func SignalCosFloat(t float64) (float64, bool) { return signalCosF(t) }

func signalTrig(name string, f func(float64) float64, ff func(float64) (float64, bool)) value {
	def := &pydef{name: name, names: []string{"t", "period"}, nreq: 1}
	// general is math.<f>(2 * pi * (t / period)) with Python's operators.
	general := func(ctx *context, t, period value) (value, error) {
		x, err := signalPhase(ctx, t, period)
		if err != nil {
			return value{}, err
		}
		return trigResult(x, f(x))
	}
	one := func(ctx *context, a value) (value, error) {
		if a.K == pyval.FloatKind {
			x := twoPi * (a.Float64() / twoPi)
			return trigResult(x, f(x))
		}
		return general(ctx, a, twoPiV)
	}
	v := pyFunc(name, one, func(ctx *context, args []value, kw []keyword) (value, error) {
		var a [2]value
		if err := def.bind(ctx, args, kw, a[:]); err != nil {
			return value{}, err
		}
		if a[1].IsUndefined() {
			return one(ctx, a[0])
		}
		return general(ctx, a[0], a[1])
	})
	v.O.(*pyval.Func).Float = ff
	return v
}

// signalPhase is Signals.py's 2*pi*(t/period) as a float.
func signalPhase(ctx *context, t, period value) (float64, error) {
	q, err := pyval.Binary(ctx, pyval.OpDiv, t, period)
	if err != nil {
		return 0, err
	}
	if q.K != pyval.FloatKind {
		if q, err = pyval.Binary(ctx, pyval.OpMul, twoPiV, q); err != nil {
			return 0, err
		}
		return realArg(q)
	}
	return twoPi * q.Float64(), nil
}

// signalArgs binds a Signals.py function's arguments, filling defaults.
// buf must have room for d's parameters (callers pass a stack array, so a
// call does not allocate).
func signalArgs(ctx *context, d *pydef, args []value, kw []keyword, defs []value, buf []value) ([]value, error) {
	a := buf[:len(d.names)]
	if err := d.bind(ctx, args, kw, a); err != nil {
		return nil, err
	}
	for i := range a {
		if a[i].IsUndefined() {
			a[i] = defs[i]
		}
	}
	return a, nil
}

// fmodArgs is math.fmod(t, period) on values.
func fmodArgs(t, period value) (float64, error) {
	x, err := realArg(t)
	if err != nil {
		return 0, err
	}
	y, err := realArg(period)
	if err != nil {
		return 0, err
	}
	return mFmod(x, y)
}

var (
	defSquare   = &pydef{name: "square", names: []string{"t", "duty", "period"}, nreq: 1}
	defTriangle = &pydef{name: "triangle", names: []string{"t", "period"}, nreq: 1}
	defRamp     = &pydef{name: "ramp", names: []string{"t", "duty", "period"}, nreq: 1}
	defRipple   = &pydef{name: "ripple", names: []string{"value", "amp", "rel", "t", "period"}, nreq: 1}
)

// sSquare is 1. while fmod(t, period) <= duty*period, else 0.
func sSquare(ctx *context, args []value, kw []keyword) (value, error) {
	var buf [3]value
	a, err := signalArgs(ctx, defSquare, args, kw, []value{{}, pyval.Float(0.5), twoPiV}, buf[:])
	if err != nil {
		return value{}, err
	}
	t, err := fmodArgs(a[0], a[2])
	if err != nil {
		return value{}, err
	}
	w, err := pyval.Binary(ctx, pyval.OpMul, a[1], a[2])
	if err != nil {
		return value{}, err
	}
	le, err := pyval.Compare(ctx, pyval.CmpLe, pyval.Float(t), w)
	if err != nil {
		return value{}, err
	}
	if le {
		return pyval.Float(1), nil
	}
	return pyval.Float(0), nil
}

func sTriangle(ctx *context, args []value, kw []keyword) (value, error) {
	var buf [3]value
	a, err := signalArgs(ctx, defTriangle, args, kw, []value{{}, twoPiV}, buf[:])
	if err != nil {
		return value{}, err
	}
	t, err := fmodArgs(a[0], a[1])
	if err != nil {
		return value{}, err
	}
	period, _ := realArg(a[1]) // converted fine by fmod
	q := .25 * period
	m, err := mFmod(t, q)
	if err != nil {
		return value{}, err
	}
	if q == 0 {
		return value{}, pyval.Errorf("ZeroDivisionError", "float division by zero")
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
	var buf [3]value
	a, err := signalArgs(ctx, defRamp, args, kw, []value{{}, pyval.Float(1), twoPiV}, buf[:])
	if err != nil {
		return value{}, err
	}
	t, err := fmodArgs(a[0], a[2])
	if err != nil {
		return value{}, err
	}
	w, err := pyval.Binary(ctx, pyval.OpMul, a[1], a[2])
	if err != nil {
		return value{}, err
	}
	delta, err := pyval.Binary(ctx, pyval.OpDiv, pyval.Float(t), w)
	if err != nil {
		return value{}, err
	}
	le, err := pyval.Compare(ctx, pyval.CmpLe, pyval.Float(t), w)
	if err != nil {
		return value{}, err
	}
	if le {
		return delta, nil
	}
	return pyval.Float(0), nil
}

// sRipple is ripple(value, amp=0., rel=0., t=0, period=2*pi): value plus a
// sine ripple of amplitude amp (or value*rel); sequences element-wise;
// anything that does not convert to float comes back unchanged.
func sRipple(ctx *context, args []value, kw []keyword) (value, error) {
	var a [5]value
	if err := defRipple.bind(ctx, args, kw, a[:]); err != nil {
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
		if f, e := pyval.ToFloat(ctx, v); e == nil {
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
	tv, pv := tV, periodV
	if !isInt(tv) || t != float64(tv.Int64()) || tv.K == pyval.BigKind {
		tv = pyval.Float(t)
	}
	if !isInt(pv) || pv.K == pyval.BigKind {
		pv = pyval.Float(period)
	}
	phase, err := signalPhase(ctx, tv, pv)
	if err != nil {
		return v, nil
	}
	s := crSin(phase)
	if math.IsNaN(s) {
		return v, nil
	}
	return pyval.Float(x + amp*s), nil
}

// TrigKind names the default sin and cos (SignalNames' sin and cos),
// whose fast path the formula compiler inlines into its fused closures.
type TrigKind uint8

// The TrigKinds.
const (
	TrigNone TrigKind = iota
	TrigSignalSin
	TrigSignalCos
)

// DD is the fast path of Signals.py's sin(t) or cos(t) (k is TrigSignalSin
// or TrigSignalCos) with the default period, before rounding: pass its
// result to RoundTrig. The pair exists so that a caller can inline both
// around one call; when RoundTrig fails the caller calls the function's
// Float form, which takes the slow paths.
func (k TrigKind) DD(t float64) (hi, lo float64) {
	// cos is sin a quarter period (128 table steps of pi/256) on.
	return sinShiftDD(twoPi*(t/twoPi), t, uint64(k-TrigSignalSin)*128)
}

// RoundTrig returns the correctly rounded value of TrigKind.DD's result
// and true, or false when the fast path cannot tell it.
func RoundTrig(hi, lo float64) (float64, bool) { return trigRound(hi, lo) }
