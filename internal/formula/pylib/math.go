package pylib

import (
	"math"
	"math/big"
	"strings"

	"chaoslab/internal/formula/pyval"
)

var (
	errDomain = &pyval.Exception{Type: "ValueError", Msg: "math domain error"}
	errRange  = &pyval.Exception{Type: "OverflowError", Msg: "math range error"}
)

// MathNames returns the names `from math import *` binds, plus the module
// object `math` itself and fandango's PI alias.
func MathNames() map[string]value {
	m := mathFuncs()
	mod := &Module{Name: "math", Attrs: mathFuncs()}
	m["math"] = pyval.NewObject(mod)
	m["PI"] = pyval.Float(math.Pi)
	return m
}

// py3OnlyMath are the math names Python 2.7 does not have.
var py3OnlyMath = []string{"nan", "inf", "tau", "log2", "isfinite", "isclose", "gcd", "lcm", "isqrt", "comb",
	"perm", "prod", "dist", "cbrt", "exp2", "nextafter", "remainder", "ulp"}

// MathNamesFor is MathNames for a mode: in Python 2 mode without the names
// 2.7's math module lacks (nan, inf, tau, gcd, log2, ...), from the
// namespace and from the math module object alike.
func MathNamesFor(py2 bool) map[string]value {
	if !py2 {
		return MathNames()
	}
	m := mathFuncs()
	attrs := mathFuncs()
	for _, k := range py3OnlyMath {
		delete(m, k)
		delete(attrs, k)
	}
	m["math"] = pyval.NewObject(&Module{Name: "math", Attrs: attrs})
	m["PI"] = pyval.Float(math.Pi)
	return m
}

// mathFuncs builds the math module's members.
func mathFuncs() map[string]value {
	m := map[string]value{
		"pi":  pyval.Float(math.Pi),
		"e":   pyval.Float(math.E),
		"tau": pyval.Float(2 * math.Pi),
		"inf": pyval.Float(math.Inf(1)),
		"nan": pyval.Float(math.NaN()),
	}
	one := func(name string, f func(float64) float64, canOverflow bool) {
		m[name] = math1(name, f, canOverflow)
	}
	one("sin", crSin, false)
	one("cos", crCos, false)
	one("tan", crTan, false)
	one("asin", crAsin, false)
	one("acos", crAcos, false)
	one("atan", crAtan, false)
	one("sinh", libmSinh, true)
	one("cosh", libmCosh, true)
	one("tanh", libmTanh, false)
	one("asinh", libmAsinh, false)
	one("acosh", libmAcosh, false)
	one("atanh", libmAtanh, false)
	one("exp", crExp, true)
	one("exp2", crExp2, true)
	one("expm1", math.Expm1, true)
	one("log1p", math.Log1p, false)
	one("sqrt", math.Sqrt, false)
	one("cbrt", math.Cbrt, false)
	one("fabs", math.Abs, false)
	one("erf", math.Erf, false)
	one("erfc", math.Erfc, false)
	one("gamma", mGamma, true)
	one("lgamma", mLgamma, true)
	m["log"] = mathFn("log", mLog)
	m["log2"] = math1Int("log2", crLog2)
	m["log10"] = math1Int("log10", libmLog10)
	m["floor"] = math1Any("floor", func(ctx *context, a value) (value, error) { return floorCeilMode(ctx, a, math.Floor) })
	m["ceil"] = math1Any("ceil", func(ctx *context, a value) (value, error) { return floorCeilMode(ctx, a, math.Ceil) })
	m["trunc"] = math1Any("trunc", func(ctx *context, a value) (value, error) {
		if ctx.Py2 && !isNumber(a) {
			return value{}, pyval.Errorf("AttributeError", "'%s' object has no attribute '__trunc__'", pyval.TypeNameCtx(ctx, a))
		}
		if !isNumber(a) {
			// trunc looks up __trunc__ rather than converting to float.
			return value{}, typeErr("type %s doesn't define __trunc__ method", pyval.TypeName(a))
		}
		return floorCeil(a, math.Trunc)
	})
	// degrees and radians are a bare product in CPython, without
	// math_1's checks: degrees(1e307) is inf.
	m["degrees"] = mathProduct("degrees", 180.0/math.Pi)
	m["radians"] = mathProduct("radians", math.Pi/180.0)
	m["isfinite"] = math1Any("isfinite", func(ctx *context, a value) (value, error) {
		x, err := realArg(a)
		return pyval.Bool(!math.IsInf(x, 0) && !math.IsNaN(x)), err
	})
	m["isinf"] = math1Any("isinf", func(ctx *context, a value) (value, error) {
		x, err := realArg(a)
		return pyval.Bool(math.IsInf(x, 0)), err
	})
	m["isnan"] = math1Any("isnan", func(ctx *context, a value) (value, error) {
		x, err := realArg(a)
		return pyval.Bool(math.IsNaN(x)), err
	})
	m["ulp"] = math1Any("ulp", func(ctx *context, a value) (value, error) {
		x, err := realArg(a)
		return pyval.Float(ulp(x)), err
	})
	m["frexp"] = math1Any("frexp", func(ctx *context, a value) (value, error) {
		x, err := realArg(a)
		if err != nil {
			return value{}, err
		}
		if math.IsInf(x, 0) || math.IsNaN(x) || x == 0 {
			return pyval.NewTuple([]value{pyval.Float(x), pyval.Int(0)}), nil
		}
		fr, e := math.Frexp(x)
		return pyval.NewTuple([]value{pyval.Float(fr), pyval.Int(int64(e))}), nil
	})
	m["modf"] = math1Any("modf", func(ctx *context, a value) (value, error) {
		x, err := realArg(a)
		if err != nil {
			return value{}, err
		}
		if math.IsInf(x, 0) {
			return pyval.NewTuple([]value{pyval.Float(math.Copysign(0, x)), pyval.Float(x)}), nil
		}
		ip, fp := math.Modf(x)
		return pyval.NewTuple([]value{pyval.Float(fp), pyval.Float(ip)}), nil
	})
	m["atan2"] = math2("atan2", func(y, x float64) (float64, error) { return crAtan2(y, x), nil })
	m["copysign"] = math2("copysign", func(x, y float64) (float64, error) { return math.Copysign(x, y), nil })
	m["fmod"] = math2("fmod", mFmod)
	m["remainder"] = math2("remainder", mRemainder)
	m["pow"] = math2("pow", mPow)
	m["nextafter"] = math2("nextafter", func(x, y float64) (float64, error) { return math.Nextafter(x, y), nil })
	m["ldexp"] = mathFn("ldexp", mLdexp)
	m["hypot"] = mathFn("hypot", mHypot)
	m["dist"] = mathFn("dist", mDist)
	m["fsum"] = math1Any("fsum", mFsum)
	m["isclose"] = mathFn("isclose", mIsclose)
	m["prod"] = mathFn("prod", mProd)
	m["factorial"] = math1Any("factorial", mFactorial)
	m["isqrt"] = math1Any("isqrt", mIsqrt)
	m["gcd"] = mathFn("gcd", mGcd)
	m["lcm"] = mathFn("lcm", mLcm)
	m["comb"] = mathFn("comb", mComb)
	m["perm"] = mathFn("perm", mPerm)
	for k, v := range m {
		if v.K == pyval.FuncKind {
			m[k] = py2Errors(v)
		}
	}
	return m
}

// py2Errors rewrites the argument-conversion messages of a math function to
// Python 2's wording when the context is in Python 2 mode.
func py2Errors(v value) value {
	f := *v.O.(*pyval.Func)
	fix := func(ctx *context, err error) error {
		if err == nil || ctx == nil || !ctx.Py2 {
			return err
		}
		e, ok := err.(*pyval.Exception)
		if !ok {
			return err
		}
		switch {
		case e.Type == "TypeError" && strings.HasPrefix(e.Msg, "must be real number, not "):
			return pyval.Errorf("TypeError", "a float is required")
		case e.Type == "OverflowError" && e.Msg == "int too large to convert to float":
			return pyval.Errorf("OverflowError", "long int too large to convert to float")
		}
		return err
	}
	g := f
	if f.F1 != nil {
		g.F1 = func(ctx *context, a value) (value, error) {
			r, err := f.F1(ctx, a)
			return r, fix(ctx, err)
		}
	}
	if f.F2 != nil {
		g.F2 = func(ctx *context, a, b value) (value, error) {
			r, err := f.F2(ctx, a, b)
			return r, fix(ctx, err)
		}
	}
	if f.Fn != nil {
		g.Fn = func(ctx *context, args []value, kw []keyword) (value, error) {
			r, err := f.Fn(ctx, args, kw)
			return r, fix(ctx, err)
		}
	}
	return pyval.NewFunc(&g)
}

// mathFn wraps a general math function.
func mathFn(name string, f callFn) value { return builtin(name, f) }

// math1Any is a one-argument math function with CPython's arity message.
func math1Any(name string, f func(ctx *context, a value) (value, error)) value {
	return pyval.NewFunc(&pyval.Func{
		Name: name,
		F1:   f,
		Fn: func(ctx *context, args []value, kw []keyword) (value, error) {
			if len(kw) > 0 {
				return value{}, typeErr("math.%s() takes no keyword arguments", name)
			}
			if len(args) != 1 {
				return value{}, typeErr("math.%s() takes exactly one argument (%d given)", name, len(args))
			}
			return f(ctx, args[0])
		},
	})
}

// math1 is CPython's math_1: convert to float, apply f, and map a NaN from
// a non-NaN to "math domain error" and an infinity from a finite input to
// "math range error" (canOverflow) or a domain error.
func math1(name string, f func(float64) float64, canOverflow bool) value {
	v := math1Raw(name, f, canOverflow)
	v.O.(*pyval.Func).Float = func(x float64) (float64, bool) {
		r := f(x)
		if math.IsNaN(r) && !math.IsNaN(x) || math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsNaN(x) {
			return 0, false
		}
		return r, true
	}
	return v
}

// mathProduct is x * k as a math function (degrees, radians).
func mathProduct(name string, k float64) value {
	v := math1Any(name, func(ctx *context, a value) (value, error) {
		x, err := realArg(a)
		if err != nil {
			return value{}, err
		}
		return pyval.Float(x * k), nil
	})
	v.O.(*pyval.Func).Float = func(x float64) (float64, bool) { return x * k, true }
	return v
}

func math1Raw(name string, f func(float64) float64, canOverflow bool) value {
	return math1Any(name, func(ctx *context, a value) (value, error) {
		var x float64
		if a.K == pyval.FloatKind {
			x = a.Float64()
		} else {
			var err error
			if x, err = realArg(a); err != nil {
				return value{}, err
			}
		}
		r := f(x)
		if math.IsNaN(r) && !math.IsNaN(x) {
			return value{}, errDomain
		}
		if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsNaN(x) {
			if canOverflow {
				return value{}, errRange
			}
			return value{}, errDomain
		}
		return pyval.Float(r), nil
	})
}

// math1Int is a logarithm that also accepts ints too large for a float
// (log of m*2**e computed as log(m) + e*log(2), as CPython's loghelper).
func math1Int(name string, f func(float64) float64) value {
	return math1Any(name, func(ctx *context, a value) (value, error) {
		return logHelper(a, f)
	})
}

func logHelper(a value, f func(float64) float64) (value, error) {
	if a.K == pyval.BigKind {
		b := a.O.(*big.Int)
		if b.Sign() <= 0 {
			return value{}, errDomain
		}
		if x, err := bigToFloat(b); err == nil {
			return pyval.Float(f(x)), nil
		}
		// b = m * 2**e with 0.5 <= m < 1.
		e := b.BitLen()
		mf, _ := new(big.Float).SetMantExp(new(big.Float).SetInt(b), -e).Float64()
		return pyval.Float(f(mf) + float64(e)*f(2)), nil
	}
	x, err := realArg(a)
	if err != nil {
		return value{}, err
	}
	if math.IsNaN(x) {
		return pyval.Float(x), nil
	}
	if x <= 0 {
		return value{}, errDomain
	}
	if math.IsInf(x, 1) {
		return pyval.Float(x), nil // log, log2 and log10 of +inf
	}
	return pyval.Float(f(x)), nil
}

func mLog(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("log", kw); err != nil {
		return value{}, err
	}
	if len(args) < 1 || len(args) > 2 {
		return value{}, typeErr("math.log requires 1 to 2 arguments")
	}
	num, err := logHelper(args[0], crLog)
	if err != nil {
		return value{}, err
	}
	if len(args) == 1 {
		return num, nil
	}
	den, err := logHelper(args[1], crLog)
	if err != nil {
		return value{}, err
	}
	if den.Float64() == 0 {
		return value{}, pyval.Errorf("ZeroDivisionError", "float division by zero")
	}
	return pyval.Float(num.Float64() / den.Float64()), nil
}

// math2 is CPython's two-argument pattern (atan2, copysign, fmod, pow ...).
func math2(name string, f func(x, y float64) (float64, error)) value {
	g := func(ctx *context, a, b value) (value, error) {
		x, y, err := realArgs2(ctx, a, b)
		if err != nil {
			return value{}, err
		}
		r, err := f(x, y)
		if err != nil {
			return value{}, err
		}
		return pyval.Float(r), nil
	}
	return pyval.NewFunc(&pyval.Func{
		Name: name,
		F2:   g,
		Fn: func(ctx *context, args []value, kw []keyword) (value, error) {
			if len(kw) > 0 {
				return value{}, typeErr("math.%s() takes no keyword arguments", name)
			}
			if len(args) != 2 {
				return value{}, typeErr("%s expected 2 arguments, got %d", name, len(args))
			}
			return g(ctx, args[0], args[1])
		},
	})
}

// realArgs2 converts the two arguments of a two-argument math function.
// Python 2's math_2 converts both before it looks for an error, so there
// the second argument's error replaces the first's (fmod(10**400, None):
// TypeError, not OverflowError).
func realArgs2(ctx *context, a, b value) (x, y float64, err error) {
	x, errx := realArg(a)
	if errx != nil && (ctx == nil || !ctx.Py2) {
		return 0, 0, errx
	}
	y, erry := realArg(b)
	if erry != nil {
		return 0, 0, erry
	}
	return x, y, errx
}

func mFmod(x, y float64) (float64, error) {
	if math.IsInf(y, 0) && !math.IsInf(x, 0) && !math.IsNaN(x) {
		return x, nil
	}
	r := math.Mod(x, y)
	if math.IsNaN(r) && !math.IsNaN(x) && !math.IsNaN(y) {
		return 0, errDomain
	}
	return r, nil
}

func mRemainder(x, y float64) (float64, error) {
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.NaN(), nil
	}
	if math.IsInf(x, 0) || y == 0 {
		return 0, errDomain
	}
	if math.IsInf(y, 0) {
		return x, nil
	}
	return math.Remainder(x, y), nil
}

// mPow follows CPython's math.pow special cases (C99 Annex F) and errors.
func mPow(x, y float64) (float64, error) {
	if math.IsNaN(x) {
		if y == 0 {
			return 1, nil
		}
		return x, nil
	}
	if math.IsNaN(y) {
		if x == 1 {
			return 1, nil
		}
		return y, nil
	}
	if math.IsInf(x, 0) || math.IsInf(y, 0) {
		return math.Pow(x, y), nil
	}
	if x == 0 && y < 0 {
		return 0, errDomain
	}
	if x < 0 && y != math.Trunc(y) {
		return 0, errDomain
	}
	if r, ok := crPow(math.Abs(x), y); ok {
		if x < 0 && math.Mod(y, 2) != 0 {
			r = -r // odd integer power of a negative base
		}
		return r, nil
	}
	r := math.Pow(x, y)
	if math.IsInf(r, 0) {
		return 0, errRange
	}
	return r, nil
}

func mLdexp(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("ldexp", kw); err != nil {
		return value{}, err
	}
	if len(args) != 2 {
		return value{}, typeErr("ldexp expected 2 arguments, got %d", len(args))
	}
	x, err := realArg(args[0])
	if err != nil {
		return value{}, err
	}
	if !isInt(args[1]) {
		return value{}, typeErr("Expected an int as second argument to ldexp.")
	}
	var e int64
	if args[1].K == pyval.BigKind {
		if args[1].O.(*big.Int).Sign() > 0 {
			e = math.MaxInt32
		} else {
			e = math.MinInt32
		}
	} else {
		e = args[1].Int64()
	}
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return pyval.Float(x), nil
	}
	if e > 100000 {
		return value{}, errRange
	}
	if e < -100000 {
		return pyval.Float(math.Copysign(0, x)), nil
	}
	r := math.Ldexp(x, int(e))
	if math.IsInf(r, 0) {
		return value{}, errRange
	}
	return pyval.Float(r), nil
}

// exactNorm returns the correctly rounded sqrt(sum(v*v)) (CPython 3.11's
// vector_norm is correctly rounded in nearly all cases).
func exactNorm(vs []float64) float64 {
	inf, nan := false, false
	for _, v := range vs {
		if math.IsInf(v, 0) {
			inf = true
		}
		if math.IsNaN(v) {
			nan = true
		}
	}
	if inf {
		return math.Inf(1)
	}
	if nan {
		return math.NaN()
	}
	sum := new(big.Float).SetPrec(4400)
	sq := new(big.Float).SetPrec(4400)
	for _, v := range vs {
		x := new(big.Float).SetPrec(4400).SetFloat64(v)
		sq.Mul(x, x)
		sum.Add(sum, sq)
	}
	if sum.Sign() == 0 {
		return 0
	}
	r := new(big.Float).SetPrec(200).Sqrt(sum)
	f, _ := r.Float64()
	return f
}

func mHypot(ctx *context, args []value, kw []keyword) (value, error) {
	name := "math.hypot" // Argument Clinic's name in Python 3
	if ctx != nil && ctx.Py2 {
		name = "hypot"
	}
	if err := noKw(name, kw); err != nil {
		return value{}, err
	}
	if err := ctx.Step(int64(len(args))); err != nil {
		return value{}, err
	}
	if ctx != nil && ctx.Py2 {
		// Python 2's hypot(x, y) is a math_2 function.
		if len(args) != 2 {
			return value{}, typeErr("hypot expected 2 arguments, got %d", len(args))
		}
		x, y, err := realArgs2(ctx, args[0], args[1])
		if err != nil {
			return value{}, err
		}
		return pyval.Float(exactNorm([]float64{x, y})), nil
	}
	vs := make([]float64, len(args))
	for i, a := range args {
		x, err := realArg(a)
		if err != nil {
			return value{}, err
		}
		vs[i] = x
	}
	return pyval.Float(exactNorm(vs)), nil
}

func mDist(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("dist", kw); err != nil {
		return value{}, err
	}
	if len(args) != 2 {
		return value{}, typeErr("dist expected 2 arguments, got %d", len(args))
	}
	p, okp := seqItems(args[0])
	q, okq := seqItems(args[1])
	if !okp || args[0].K != pyval.TupleKind && args[0].K != pyval.ListKind {
		return value{}, typeErr("dist(): argument 1 must be tuple, not %s", pyval.TypeName(args[0]))
	}
	if !okq {
		return value{}, typeErr("dist(): argument 2 must be tuple, not %s", pyval.TypeName(args[1]))
	}
	if len(p) != len(q) {
		return value{}, valueErr("both points must have the same number of dimensions")
	}
	if err := ctx.Step(int64(len(p))); err != nil {
		return value{}, err
	}
	vs := make([]float64, len(p))
	for i := range p {
		x, err := realArg(p[i])
		if err != nil {
			return value{}, err
		}
		y, err := realArg(q[i])
		if err != nil {
			return value{}, err
		}
		vs[i] = math.Abs(x - y)
	}
	return pyval.Float(exactNorm(vs)), nil
}

func mFsum(ctx *context, a value) (value, error) {
	sum := new(big.Float).SetPrec(4400)
	var posInf, negInf, nan bool
	err := forEach(ctx, a, func(v value) error {
		x, err := realArg(v)
		if err != nil {
			return err
		}
		switch {
		case math.IsNaN(x):
			nan = true
		case math.IsInf(x, 1):
			posInf = true
		case math.IsInf(x, -1):
			negInf = true
		default:
			sum.Add(sum, new(big.Float).SetFloat64(x))
		}
		return nil
	})
	if err != nil {
		return value{}, err
	}
	switch {
	case posInf && negInf:
		return value{}, valueErr("-inf + inf in fsum")
	case nan:
		return pyval.Float(math.NaN()), nil
	case posInf:
		return pyval.Float(math.Inf(1)), nil
	case negInf:
		return pyval.Float(math.Inf(-1)), nil
	}
	f, _ := sum.Float64()
	if math.IsInf(f, 0) {
		return value{}, pyval.Errorf("OverflowError", "intermediate overflow in fsum")
	}
	return pyval.Float(f), nil
}

func mIsclose(ctx *context, args []value, kw []keyword) (value, error) {
	var a [4]value
	p := params{fn: "isclose", names: []string{"a", "b", "rel_tol", "abs_tol"}, npos: 2, nreq: 2, kwOK: true}
	if len(args) > 2 {
		return value{}, typeErr("isclose() takes exactly 2 positional arguments (%d given)", len(args))
	}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	var f [4]float64
	f[2], f[3] = 1e-9, 0
	for i := range a {
		if a[i].IsUndefined() {
			continue
		}
		x, err := realArg(a[i])
		if err != nil {
			return value{}, err
		}
		f[i] = x
	}
	x, y, rel, abs := f[0], f[1], f[2], f[3]
	if rel < 0 || abs < 0 {
		return value{}, valueErr("tolerances must be non-negative")
	}
	if x == y {
		return pyval.True, nil
	}
	if math.IsInf(x, 0) || math.IsInf(y, 0) {
		return pyval.False, nil
	}
	diff := math.Abs(y - x)
	return pyval.Bool((diff <= math.Abs(rel*y)) || (diff <= math.Abs(rel*x)) || diff <= abs), nil
}

func mProd(ctx *context, args []value, kw []keyword) (value, error) {
	var a [2]value
	p := params{fn: "prod", names: []string{"iterable", "start"}, npos: 1, nreq: 1, kwOK: true}
	if len(args) > 1 {
		return value{}, typeErr("prod() takes exactly 1 positional argument (%d given)", len(args))
	}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	acc := pyval.Int(1)
	if !a[1].IsUndefined() {
		acc = a[1]
	}
	err := forEach(ctx, a[0], func(v value) error {
		r, err := pyval.Binary(ctx, pyval.OpMul, acc, v)
		acc = r
		return err
	})
	if err != nil {
		return value{}, err
	}
	return acc, nil
}

// floorCeilMode is math.floor/ceil: an int in Python 3, a float in
// Python 2 (whose math_1 converts the argument to float first).
func floorCeilMode(ctx *context, a value, f func(float64) float64) (value, error) {
	if ctx.Py2 {
		x, err := realArg(a)
		if err != nil {
			return value{}, err
		}
		return pyval.Float(f(x)), nil
	}
	return floorCeil(a, f)
}

func floorCeil(a value, f func(float64) float64) (value, error) {
	switch a.K {
	case pyval.IntKind, pyval.BigKind:
		return a, nil
	case pyval.BoolKind:
		return pyval.Int(a.Int64()), nil
	case pyval.FloatKind:
		return floatToInt(f(a.Float64()))
	}
	return value{}, typeErr("must be real number, not %s", pyval.TypeName(a))
}

func ulp(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	x = math.Abs(x)
	if math.IsInf(x, 0) {
		return x
	}
	if x == math.MaxFloat64 {
		return x - math.Nextafter(x, 0)
	}
	return math.Nextafter(x, math.Inf(1)) - x
}
