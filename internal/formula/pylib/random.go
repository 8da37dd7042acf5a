package pylib

import (
	"math"
	"math/big"
	"math/bits"

	"chaoslab/internal/formula/pyval"
)

// RandomNames returns the random module's public functions (as SimulatorDS
// imports them with `from random import *`) plus the module object
// `random`. Unlike real SimulatorDS, where the module shadows the function
// so `random()` raises TypeError, the module here is callable: `random()`,
// `random.random()` and `random.randint(1, 2)` all work.
//
// Every function draws from Context.Rand; a nil Rand raises RuntimeError.
func RandomNames() map[string]value {
	m := randomFuncs()
	mod := &Module{Name: "random", Attrs: randomFuncs(), Fn: rRandomCall}
	m["random"] = pyval.NewObject(mod)
	return m
}

func randomFuncs() map[string]value {
	return map[string]value{
		"random":          builtin("random", rRandomCall),
		"getrandbits":     builtin1("getrandbits", rGetrandbits),
		"randrange":       builtin("randrange", rRandrange),
		"randint":         randMethod2("randint", "a", "b", rRandint),
		"choice":          randMethod1("choice", "seq", rChoice),
		"choices":         builtin("choices", rChoices),
		"shuffle":         randMethod1("shuffle", "x", rShuffle),
		"sample":          builtin("sample", rSample),
		"uniform":         randMethod2("uniform", "a", "b", rUniform),
		"triangular":      builtin("triangular", rTriangular),
		"gauss":           builtin("gauss", rGauss),
		"normalvariate":   builtin("normalvariate", rNormalvariate),
		"lognormvariate":  randMethod2("lognormvariate", "mu", "sigma", rLognormvariate),
		"expovariate":     randMethod1("expovariate", "lambd", rExpovariate),
		"paretovariate":   randMethod1("paretovariate", "alpha", rParetovariate),
		"weibullvariate":  randMethod2("weibullvariate", "alpha", "beta", rWeibullvariate),
		"gammavariate":    randMethod2("gammavariate", "alpha", "beta", rGammavariate),
		"betavariate":     randMethod2("betavariate", "alpha", "beta", rBetavariate),
		"vonmisesvariate": randMethod2("vonmisesvariate", "mu", "kappa", rVonmisesvariate),
		"seed":            builtin("seed", rSeed),
	}
}

// randMethod1 and randMethod2 make a random function of one or two
// parameters, which in Python is a bound method of the module's Random
// instance: positional calls take the direct form, keywords and argument
// errors follow a Python method's binding ("Random.randint() missing 1
// required positional argument: 'b'").
func randMethod1(name, p string, f func(ctx *context, a value) (value, error)) value {
	d := &pydef{name: name, names: []string{p}, nreq: 1, class: "Random"}
	return pyval.NewFunc(&pyval.Func{Name: name, F1: f, Fn: func(ctx *context, args []value, kw []keyword) (value, error) {
		var a [1]value
		if err := d.bind(ctx, args, kw, a[:]); err != nil {
			return value{}, err
		}
		return f(ctx, a[0])
	}})
}

func randMethod2(name, p1, p2 string, f func(ctx *context, a, b value) (value, error)) value {
	d := &pydef{name: name, names: []string{p1, p2}, nreq: 2, class: "Random"}
	return pyval.NewFunc(&pyval.Func{Name: name, F2: f, Fn: func(ctx *context, args []value, kw []keyword) (value, error) {
		var a [2]value
		if err := d.bind(ctx, args, kw, a[:]); err != nil {
			return value{}, err
		}
		return f(ctx, a[0], a[1])
	}})
}

var errNoRand = &pyval.Exception{Type: "RuntimeError", Msg: "no random source: the host did not inject a seeded generator (Context.Rand)"}

func rng(ctx *context) (pyval.Rand, error) {
	if ctx.Rand == nil {
		return nil, errNoRand
	}
	return ctx.Rand, nil
}

func rRandomCall(ctx *context, args []value, kw []keyword) (value, error) {
	if len(args) > 0 || len(kw) > 0 {
		return value{}, typeErr("random() takes no arguments (%d given)", len(args)+len(kw))
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	return pyval.Float(r.Random()), nil
}

// getrandbits draws k bits the way CPython does: 32-bit words from the
// least significant up, the last one holding k%32 bits.
func getrandbits(r pyval.Rand, k int) *big.Int {
	if k <= 64 {
		return new(big.Int).SetUint64(r.Getrandbits(k))
	}
	words := make([]big.Word, (k+63)/64)
	for i := 0; k > 0; i++ {
		n := 32
		if k < 32 {
			n = k
		}
		w := r.Getrandbits(n)
		words[i/2] |= big.Word(w << (32 * uint(i%2)))
		k -= n
	}
	return new(big.Int).SetBits(words)
}

func rGetrandbits(ctx *context, a value) (value, error) {
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	k, err := smallIndex(a)
	if err != nil {
		return value{}, err
	}
	if k < 0 {
		return value{}, valueErr("number of bits must be non-negative")
	}
	if err := checkBits(ctx, float64(k)); err != nil {
		return value{}, err
	}
	return intResult(getrandbits(r, int(k))), nil
}

// randbelow is CPython's _randbelow_with_getrandbits: n > 0.
func randbelow(ctx *context, r pyval.Rand, n *big.Int) (*big.Int, error) {
	if n.IsUint64() {
		u := n.Uint64()
		k := bits.Len64(u)
		for {
			if err := ctx.Step(1); err != nil {
				return nil, err
			}
			v := r.Getrandbits(k)
			if v < u {
				return new(big.Int).SetUint64(v), nil
			}
		}
	}
	k := n.BitLen()
	for {
		if err := ctx.Step(int64(k/64) + 1); err != nil {
			return nil, err
		}
		v := getrandbits(r, k)
		if v.Cmp(n) < 0 {
			return v, nil
		}
	}
}

// randbelowInt is randbelow for an int bound.
func randbelowInt(ctx *context, r pyval.Rand, n int) (int, error) {
	v, err := randbelow(ctx, r, big.NewInt(int64(n)))
	if err != nil {
		return 0, err
	}
	return int(v.Int64()), nil
}

// randrangeArg is _index with 3.11's fallback for integral floats.
func randrangeArg(v value, what string) (*big.Int, error) {
	if b := bigOf(v); b != nil {
		return b, nil
	}
	if v.K == pyval.FloatKind {
		f := v.Float64()
		if f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) {
			if math.IsInf(f, 0) {
				return nil, pyval.Errorf("OverflowError", "cannot convert float infinity to integer")
			}
			if math.IsNaN(f) {
				return nil, valueErr("cannot convert float NaN to integer")
			}
			return nil, valueErr("non-integer %s for randrange()", what)
		}
		b, _ := new(big.Float).SetFloat64(f).Int(nil)
		return b, nil
	}
	return nil, typeErr("int() argument must be a string, a bytes-like object or a real number, not '%s'", pyval.TypeName(v))
}

func rRandrange(ctx *context, args []value, kw []keyword) (value, error) {
	var a [3]value
	if err := randrangeDef.bind(ctx, args, kw, a[:]); err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	return randrange(ctx, r, a[0], a[1], a[2])
}

// randrange is randrange(start, stop, step), drawing as the mode's random.py
// does (randbelow, or randbelow2 in Python 2).
func randrange(ctx *context, r pyval.Rand, startV, stopV, stepV value) (value, error) {
	below, emptyFmt := randbelow, "empty range for randrange() (%s, %s, %s)"
	if ctx.Py2 {
		below, emptyFmt = randbelow2, "empty range for randrange() (%s,%s, %s)"
	}
	start, err := randrangeArg(startV, "arg 1")
	if err != nil {
		return value{}, err
	}
	if stopV.IsUndefined() || isNone(stopV) {
		if !stepV.IsUndefined() && !ctx.Py2 {
			return value{}, typeErr("Missing a non-None stop argument")
		}
		if start.Sign() > 0 {
			v, err := below(ctx, r, start)
			if err != nil {
				return value{}, err
			}
			return intResult(v), nil
		}
		return value{}, valueErr("empty range for randrange()")
	}
	stop, err := randrangeArg(stopV, "stop")
	if err != nil {
		return value{}, err
	}
	width := new(big.Int).Sub(stop, start)
	step := big.NewInt(1)
	if !stepV.IsUndefined() {
		if step, err = randrangeArg(stepV, "step"); err != nil {
			return value{}, err
		}
	}
	if step.IsInt64() && step.Int64() == 1 {
		if width.Sign() > 0 {
			v, err := below(ctx, r, width)
			if err != nil {
				return value{}, err
			}
			return intResult(v.Add(v, start)), nil
		}
		return value{}, valueErr(emptyFmt, start, stop, width)
	}
	var n *big.Int
	switch step.Sign() {
	case 1:
		n = new(big.Int).Add(width, step)
		n.Sub(n, big.NewInt(1))
	case -1:
		n = new(big.Int).Add(width, step)
		n.Add(n, big.NewInt(1))
	default:
		return value{}, valueErr("zero step for randrange()")
	}
	floorDiv(n, step)
	if n.Sign() <= 0 {
		return value{}, valueErr("empty range for randrange()")
	}
	v, err := below(ctx, r, n)
	if err != nil {
		return value{}, err
	}
	v.Mul(v, step)
	return intResult(v.Add(v, start)), nil
}

// floorDiv sets n = n // d (Python floor division).
func floorDiv(n, d *big.Int) {
	m := new(big.Int)
	n.DivMod(n, d, m) // Euclidean: m >= 0
	if d.Sign() < 0 && m.Sign() != 0 {
		n.Sub(n, big.NewInt(1))
	}
}

func rRandint(ctx *context, a, b value) (value, error) {
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	if ctx.Py2 {
		hi, err := randrangeArg(b, "stop")
		if err != nil {
			return value{}, err
		}
		return randrange(ctx, r, a, intResult(hi.Add(hi, big.NewInt(1))), value{})
	}
	// Fast path: small ints, step 1.
	if a.K == pyval.IntKind && b.K == pyval.IntKind {
		lo, hi := a.Int64(), b.Int64()
		if hi >= lo && hi-lo >= 0 && hi-lo < math.MaxInt64 {
			u := uint64(hi-lo) + 1
			k := bits.Len64(u)
			for {
				if err := ctx.Step(1); err != nil {
					return value{}, err
				}
				if v := r.Getrandbits(k); v < u {
					return pyval.Int(lo + int64(v)), nil
				}
			}
		}
	}
	hi, err := randrangeArg(b, "stop")
	if err != nil {
		return value{}, err
	}
	return randrange(ctx, r, a, intResult(new(big.Int).Add(hi, big.NewInt(1))), value{})
}

func rChoice(ctx *context, seq value) (value, error) {
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	if ctx.Py2 {
		return choice2(ctx, r, seq)
	}
	if seq.K == pyval.DictKind || seq.K == pyval.SetKind || seq.K == pyval.IterKind {
		if seq.K != pyval.DictKind {
			return value{}, typeErr("'%s' object is not subscriptable", pyval.TypeName(seq))
		}
	}
	n, err := pyval.Len(ctx, seq)
	if err != nil {
		return value{}, err
	}
	if n == 0 {
		return value{}, pyval.Errorf("IndexError", "Cannot choose from an empty sequence")
	}
	i, err := randbelowInt(ctx, r, n)
	if err != nil {
		return value{}, err
	}
	if items, ok := seqItems(seq); ok {
		return items[i], nil
	}
	return pyval.GetItem(ctx, seq, pyval.Int(int64(i)))
}

func rShuffle(ctx *context, x value) (value, error) {
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	if x.K != pyval.ListKind {
		if x.K == pyval.TupleKind || x.K == pyval.StrKind {
			return value{}, typeErr("'%s' object does not support item assignment", pyval.TypeName(x))
		}
		return value{}, typeErr("object of type '%s' has no len()", pyval.TypeName(x))
	}
	items := x.O.(*pyval.List).Items
	pick := randbelowInt
	if ctx.Py2 {
		pick = index2 // random.py 2.7's int(random() * (i+1))
	}
	for i := len(items) - 1; i >= 1; i-- {
		j, err := pick(ctx, r, i+1)
		if err != nil {
			return value{}, err
		}
		items[i], items[j] = items[j], items[i]
	}
	return pyval.None, nil
}

func rSample(ctx *context, args []value, kw []keyword) (value, error) {
	var a [3]value
	// counts is keyword-only (Python 3.9): taken out before binding.
	if !ctx.Py2 {
		for i, k := range kw {
			if k.Name == "counts" {
				a[2] = k.Value
				kw = append(kw[:i:i], kw[i+1:]...)
				break
			}
		}
	}
	if err := sampleDef.bind(ctx, args, kw, a[:2]); err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	pop := a[0]
	if !ctx.Py2 {
		switch pop.K {
		case pyval.ListKind, pyval.TupleKind, pyval.StrKind, pyval.RangeKind, pyval.BytesKind:
		default:
			return value{}, typeErr("Population must be a sequence.  For dicts or sets, use sorted(d).")
		}
		if !a[2].IsUndefined() && !isNone(a[2]) {
			return value{}, pyval.Errorf("NotImplementedError", "sample(counts=) is not supported in formulas")
		}
	}
	return sample(ctx, r, pop, a[1])
}

// sample is random.sample's selection, with the mode's draws (Python 2:
// int(random() * n)) and, in Python 2, any sized population: a dict is its
// list of keys, a set is sampled as a tuple after the draw that failed to
// index it, as random.py 2.7 does.
func sample(ctx *context, r pyval.Rand, pop, kv value) (value, error) {
	pick := randbelowInt
	if ctx.Py2 {
		pick = index2
	}
	n, err := pyval.Len(ctx, pop)
	if err != nil {
		return value{}, err
	}
	k, err := smallIndex(kv)
	if err != nil {
		return value{}, err
	}
	if k < 0 || k > int64(n) {
		if ctx.Py2 {
			return value{}, valueErr("sample larger than population")
		}
		return value{}, valueErr("Sample larger than population or is negative")
	}
	if err := ctx.CheckSize(int(k)); err != nil {
		return value{}, err
	}
	result := make([]value, k)
	setsize := 21
	if k > 5 {
		setsize += int(libmPow(4, math.Ceil(crLogAny(float64(k*3))/crLogAny(4))))
	}
	if n <= setsize || pop.K == pyval.DictKind {
		pool, err := collect(ctx, pop)
		if err != nil {
			return value{}, err
		}
		for i := 0; i < int(k); i++ {
			j, err := pick(ctx, r, n-i)
			if err != nil {
				return value{}, err
			}
			result[i] = pool[j]
			pool[j] = pool[n-i-1]
		}
		return pyval.NewList(result), nil
	}
	items, indexable := seqItems(pop)
	if !indexable && pop.K != pyval.RangeKind && pop.K != pyval.StrKind && pop.K != pyval.BytesKind {
		// Python 2 only (Python 3 refused it above): population[j]
		// raises TypeError after the first draw; random.py then samples
		// tuple(pop), drawing anew.
		if k > 0 {
			if _, err := pick(ctx, r, n); err != nil {
				return value{}, err
			}
		}
		all, err := collect(ctx, pop)
		if err != nil {
			return value{}, err
		}
		return sample(ctx, r, pyval.NewTuple(all), kv)
	}
	selected := make(map[int]bool, k)
	for i := 0; i < int(k); i++ {
		j, err := pick(ctx, r, n)
		if err != nil {
			return value{}, err
		}
		for selected[j] {
			if j, err = pick(ctx, r, n); err != nil {
				return value{}, err
			}
		}
		selected[j] = true
		if indexable {
			result[i] = items[j]
		} else if result[i], err = pyval.GetItem(ctx, pop, pyval.Int(int64(j))); err != nil {
			return value{}, err
		}
	}
	return pyval.NewList(result), nil
}

// floats converts arguments for the float-valued distributions.
func floats(vs ...value) ([]float64, error) {
	out := make([]float64, len(vs))
	for i, v := range vs {
		f, ok, err := toFloat(v)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, typeErr("must be real number, not %s", pyval.TypeName(v))
		}
		out[i] = f
	}
	return out, nil
}

func rUniform(ctx *context, a, b value) (value, error) {
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	// a + (b-a) * random() with Python's operators, so ints and floats mix
	// exactly as in CPython.
	d, err := pyval.Binary(ctx, pyval.OpSub, b, a)
	if err != nil {
		return value{}, err
	}
	p, err := pyval.Binary(ctx, pyval.OpMul, d, pyval.Float(r.Random()))
	if err != nil {
		return value{}, err
	}
	return pyval.Binary(ctx, pyval.OpAdd, a, p)
}

func rTriangular(ctx *context, args []value, kw []keyword) (value, error) {
	var a [3]value
	if err := triangularDef.bind(ctx, args, kw, a[:]); err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	low, high := 0.0, 1.0
	if !a[0].IsUndefined() {
		f, err := floats(a[0])
		if err != nil {
			return value{}, err
		}
		low = f[0]
	}
	if !a[1].IsUndefined() {
		f, err := floats(a[1])
		if err != nil {
			return value{}, err
		}
		high = f[0]
	}
	u := r.Random()
	c := 0.5
	if !a[2].IsUndefined() && !isNone(a[2]) {
		f, err := floats(a[2])
		if err != nil {
			return value{}, err
		}
		if high-low == 0 {
			return pyval.Float(low), nil
		}
		c = (f[0] - low) / (high - low)
	}
	if u > c {
		u = 1.0 - u
		c = 1.0 - c
		low, high = high, low
	}
	return pyval.Float(low + (high-low)*math.Sqrt(u*c)), nil
}

// muSigma binds (mu=0.0, sigma=1.0) for gauss and normalvariate.
var muSigmaNames = []string{"mu", "sigma"}

// The signatures of the random functions bound by name (package-level: a
// pydef made per call would be allocated).
var (
	randrangeDef  = pydef{name: "randrange", names: []string{"start", "stop", "step"}, nreq: 1, class: "Random"}
	triangularDef = pydef{name: "triangular", names: []string{"low", "high", "mode"}, class: "Random"}
	seedDef       = pydef{name: "seed", names: []string{"a", "version"}, class: "Random"}
	sampleDef     = pydef{name: "sample", names: []string{"population", "k"}, nreq: 2, class: "Random"}
	// gauss and normalvariate: Python 3's, then Python 2's (no defaults)
	gaussDefs = [2]pydef{
		{name: "gauss", names: muSigmaNames, class: "Random"},
		{name: "gauss", names: muSigmaNames, nreq: 2, class: "Random"},
	}
	normalDefs = [2]pydef{
		{name: "normalvariate", names: muSigmaNames, class: "Random"},
		{name: "normalvariate", names: muSigmaNames, nreq: 2, class: "Random"},
	}
)

func muSigma(ctx *context, defs *[2]pydef, args []value, kw []keyword) (float64, float64, error) {
	var a [2]value
	d := &defs[0]
	if ctx.Py2 {
		d = &defs[1] // the defaults came in Python 3.11
	}
	if err := d.bind(ctx, args, kw, a[:]); err != nil {
		return 0, 0, err
	}
	mu, sigma := 0.0, 1.0
	var err error
	if !a[0].IsUndefined() {
		if mu, err = realArg(a[0]); err != nil {
			return 0, 0, err
		}
	}
	if !a[1].IsUndefined() {
		if sigma, err = realArg(a[1]); err != nil {
			return 0, 0, err
		}
	}
	return mu, sigma, nil
}

func rGauss(ctx *context, args []value, kw []keyword) (value, error) {
	mu, sigma, err := muSigma(ctx, &gaussDefs, args, kw)
	if err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	gs, cached := r.(gaussState)
	var z float64
	ok := false
	if cached {
		z, ok = gs.GaussNext()
		gs.SetGaussNext(0, false)
	}
	if !ok {
		x2pi := r.Random() * (2 * math.Pi)
		g2rad := math.Sqrt(-2.0 * crLogAny(1.0-r.Random()))
		z = crCos(x2pi) * g2rad
		if cached {
			gs.SetGaussNext(crSin(x2pi)*g2rad, true)
		}
	}
	return pyval.Float(mu + z*sigma), nil
}

// nvMagic is CPython's NV_MAGICCONST, 4*exp(-0.5)/sqrt(2.0), as a literal:
// computing it at package init would build the double-double tables of
// the correctly rounded functions in every process that links pylib
// (TestRandomConstants checks the literals against the formulas).
const nvMagic = 0x1.b72cd3f331398p+0

func normalvariate(r pyval.Rand, mu, sigma float64) float64 {
	var z float64
	for {
		u1 := r.Random()
		u2 := 1.0 - r.Random()
		z = nvMagic * (u1 - 0.5) / u2
		zz := z * z / 4.0
		if zz <= -crLogAny(u2) {
			break
		}
	}
	return mu + z*sigma
}

func rNormalvariate(ctx *context, args []value, kw []keyword) (value, error) {
	mu, sigma, err := muSigma(ctx, &normalDefs, args, kw)
	if err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	return pyval.Float(normalvariate(r, mu, sigma)), nil
}

func rLognormvariate(ctx *context, a, b value) (value, error) {
	f, err := floats(a, b)
	if err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	return pyval.Float(crExp(normalvariate(r, f[0], f[1]))), nil
}

func rExpovariate(ctx *context, a value) (value, error) {
	f, err := floats(a)
	if err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	if f[0] == 0 {
		return value{}, pyval.Errorf("ZeroDivisionError", "float division by zero")
	}
	return pyval.Float(-crLogAny(1.0-r.Random()) / f[0]), nil
}

func rParetovariate(ctx *context, a value) (value, error) {
	f, err := floats(a)
	if err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	if f[0] == 0 {
		return value{}, pyval.Errorf("ZeroDivisionError", "float division by zero")
	}
	u := 1.0 - r.Random()
	if ctx.Py2 {
		return pyval.Float(1.0 / libmPow(u, 1.0/f[0])), nil // 2.7's rounding
	}
	return pyval.Float(libmPow(u, -1.0/f[0])), nil
}

func rWeibullvariate(ctx *context, a, b value) (value, error) {
	f, err := floats(a, b)
	if err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	if f[1] == 0 {
		return value{}, pyval.Errorf("ZeroDivisionError", "float division by zero")
	}
	u := 1.0 - r.Random()
	return pyval.Float(f[0] * libmPow(-crLogAny(u), 1.0/f[1])), nil
}

// log4 and sgMagicConst are CPython's LOG4 = log(4.0) and SG_MAGICCONST =
// 1.0 + log(4.5), as literals (see nvMagic).
const (
	log4         = 0x1.62e42fefa39efp+0
	sgMagicConst = 0x1.40859baee748fp+1
)

func gammavariate(ctx *context, r pyval.Rand, alpha, beta float64) (float64, error) {
	if alpha <= 0.0 || beta <= 0.0 {
		return 0, valueErr("gammavariate: alpha and beta must be > 0.0")
	}
	if alpha > 1.0 {
		ainv := math.Sqrt(2.0*alpha - 1.0)
		bbb := alpha - log4
		ccc := alpha + ainv
		for {
			if err := ctx.Step(1); err != nil {
				return 0, err
			}
			u1 := r.Random()
			if !(1e-7 < u1 && u1 < 0.9999999) {
				continue
			}
			u2 := 1.0 - r.Random()
			v := crLogAny(u1/(1.0-u1)) / ainv
			x := alpha * crExp(v)
			z := u1 * u1 * u2
			rr := bbb + ccc*v - x
			if rr+sgMagicConst-4.5*z >= 0.0 || rr >= crLogAny(z) {
				return x * beta, nil
			}
		}
	}
	if alpha == 1.0 {
		if ctx.Py2 {
			// 2.7: log(u) for u drawn until above 1e-7.
			u := r.Random()
			for u <= 1e-7 {
				if err := ctx.Step(1); err != nil {
					return 0, err
				}
				u = r.Random()
			}
			return -crLogAny(u) * beta, nil
		}
		return -crLogAny(1.0-r.Random()) * beta, nil
	}
	var x float64
	for {
		if err := ctx.Step(1); err != nil {
			return 0, err
		}
		u := r.Random()
		b := (math.E + alpha) / math.E
		p := b * u
		if p <= 1.0 {
			x = libmPow(p, 1.0/alpha)
		} else {
			x = -crLogAny((b - p) / alpha)
		}
		u1 := r.Random()
		if p > 1.0 {
			if u1 <= libmPow(x, alpha-1.0) {
				break
			}
		} else if u1 <= crExp(-x) {
			break
		}
	}
	return x * beta, nil
}

func rGammavariate(ctx *context, a, b value) (value, error) {
	f, err := floats(a, b)
	if err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	x, err := gammavariate(ctx, r, f[0], f[1])
	if err != nil {
		return value{}, err
	}
	return pyval.Float(x), nil
}

func rBetavariate(ctx *context, a, b value) (value, error) {
	f, err := floats(a, b)
	if err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	y, err := gammavariate(ctx, r, f[0], 1.0)
	if err != nil {
		return value{}, err
	}
	if y == 0 {
		return pyval.Float(0), nil
	}
	y2, err := gammavariate(ctx, r, f[1], 1.0)
	if err != nil {
		return value{}, err
	}
	return pyval.Float(y / (y + y2)), nil
}

func rVonmisesvariate(ctx *context, a, b value) (value, error) {
	f, err := floats(a, b)
	if err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	mu, kappa := f[0], f[1]
	if kappa <= 1e-6 {
		return pyval.Float(2 * math.Pi * r.Random()), nil
	}
	s := 0.5 / kappa
	rr := s + math.Sqrt(1.0+s*s)
	var z float64
	for {
		if err := ctx.Step(1); err != nil {
			return value{}, err
		}
		u1 := r.Random()
		z = crCos(math.Pi * u1)
		d := z / (rr + z)
		u2 := r.Random()
		if u2 < 1.0-d*d || u2 <= (1.0-d)*crExp(d) {
			break
		}
	}
	q := 1.0 / rr
	ff := (q + z) / (1.0 + q*z)
	u3 := r.Random()
	var theta float64
	if u3 > 0.5 {
		theta = pyMod(mu+crAcos(ff), 2*math.Pi)
	} else {
		theta = pyMod(mu-crAcos(ff), 2*math.Pi)
	}
	return pyval.Float(theta), nil
}

// pyMod is Python's float %: the result takes the sign of the divisor.
func pyMod(x, y float64) float64 {
	m := math.Mod(x, y)
	if m != 0 && (m < 0) != (y < 0) {
		m += y
	}
	if m == 0 {
		m = math.Copysign(0, y)
	}
	return m
}

func rSeed(ctx *context, args []value, kw []keyword) (value, error) {
	var a [2]value
	if err := seedDef.bind(ctx, args, kw, a[:]); err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	s, ok := r.(seeder)
	if !ok {
		return value{}, pyval.Errorf("RuntimeError", "the injected random source cannot be reseeded")
	}
	switch {
	case isInt(a[0]):
		s.Seed(bigOf(a[0]))
	case a[0].IsUndefined() || isNone(a[0]):
		return value{}, pyval.Errorf("RuntimeError", "random.seed() needs an explicit int seed in formulas (no entropy source)")
	default:
		return value{}, typeErr("random.seed() in formulas accepts only an int seed, not %s", pyval.TypeName(a[0]))
	}
	return pyval.None, nil
}
