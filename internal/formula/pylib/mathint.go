package pylib

import (
	"math"
	"math/big"

	"chaoslab/internal/formula/pyval"
)

// Integer functions of the math module: exact, on big ints, with the result
// size checked before the work is done.

func nonNegInt(v value, what string) (*big.Int, error) {
	b, err := indexArg(v)
	if err != nil {
		return nil, err
	}
	if b.Sign() < 0 {
		return nil, valueErr("%s must be a non-negative integer", what)
	}
	return b, nil
}

// checkBits refuses an int result of about bits bits when it exceeds the
// size budget (Context.CheckSize counts the bits of an int).
func checkBits(ctx *context, bits float64) error {
	if bits > math.MaxInt32 {
		return ctx.CheckSize(math.MaxInt32)
	}
	if err := ctx.CheckSize(int(bits)); err != nil {
		return err
	}
	return ctx.Step(int64(bits/64) + 1)
}

func mFactorial(ctx *context, a value) (value, error) {
	if a.K == pyval.FloatKind {
		x := a.Float64()
		if !ctx.Py2 {
			return value{}, typeErr("'float' object cannot be interpreted as an integer")
		}
		// Python 2 accepts integral floats.
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return value{}, valueErr("factorial() only accepts integral values")
		}
		if x > math.MaxInt32 {
			return value{}, pyval.Errorf("OverflowError", "Python int too large to convert to C long")
		}
		a = pyval.Int(int64(x))
	}
	b, err := indexArg(a)
	if err != nil {
		return value{}, err
	}
	if b.Sign() < 0 {
		return value{}, valueErr("factorial() not defined for negative values")
	}
	if !b.IsInt64() || b.Int64() > math.MaxInt32 {
		return value{}, pyval.Errorf("OverflowError", "factorial() argument should not exceed %d", int64(math.MaxInt64))
	}
	n := b.Int64()
	if n > 20 {
		lg, _ := math.Lgamma(float64(n + 1))
		if err := checkBits(ctx, lg/math.Ln2); err != nil {
			return value{}, err
		}
	}
	return intResult(new(big.Int).MulRange(1, n)), nil
}

func mIsqrt(ctx *context, a value) (value, error) {
	b, err := indexArg(a)
	if err != nil {
		return value{}, err
	}
	if b.Sign() < 0 {
		return value{}, valueErr("isqrt() argument must be nonnegative")
	}
	return intResult(new(big.Int).Sqrt(b)), nil
}

func mGcd(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("gcd", kw); err != nil {
		return value{}, err
	}
	acc := new(big.Int)
	for _, a := range args {
		b, err := indexArg(a)
		if err != nil {
			return value{}, err
		}
		acc.GCD(nil, nil, acc, new(big.Int).Abs(b))
	}
	return intResult(acc), nil
}

func mLcm(ctx *context, args []value, kw []keyword) (value, error) {
	if err := noKw("lcm", kw); err != nil {
		return value{}, err
	}
	acc := big.NewInt(1)
	for _, a := range args {
		b, err := indexArg(a)
		if err != nil {
			return value{}, err
		}
		b = new(big.Int).Abs(b)
		if b.Sign() == 0 || acc.Sign() == 0 {
			acc.SetInt64(0)
			continue
		}
		if err := checkBits(ctx, float64(acc.BitLen()+b.BitLen())); err != nil {
			return value{}, err
		}
		g := new(big.Int).GCD(nil, nil, acc, b)
		acc.Mul(acc, new(big.Int).Quo(b, g))
	}
	return intResult(acc), nil
}

func combPermArgs(name string, args []value, kw []keyword, optionalK bool) (n, k *big.Int, err error) {
	if err := noKw(name, kw); err != nil {
		return nil, nil, err
	}
	min := 2
	if optionalK {
		min = 1
	}
	if len(args) < min || len(args) > 2 {
		if min == 2 {
			return nil, nil, typeErr("%s expected 2 arguments, got %d", name, len(args))
		}
		return nil, nil, arity(name, args, 1, 2)
	}
	if n, err = nonNegInt(args[0], "n"); err != nil {
		return nil, nil, err
	}
	if len(args) == 1 || isNone(args[1]) {
		return n, nil, nil
	}
	if k, err = nonNegInt(args[1], "k"); err != nil {
		return nil, nil, err
	}
	return n, k, nil
}

func mComb(ctx *context, args []value, kw []keyword) (value, error) {
	n, k, err := combPermArgs("comb", args, kw, false)
	if err != nil {
		return value{}, err
	}
	if k.Cmp(n) > 0 {
		return pyval.Int(0), nil
	}
	if !n.IsInt64() {
		return value{}, pyval.Errorf("OverflowError", "n must not exceed %d", int64(math.MaxInt64))
	}
	nn, kk := n.Int64(), k.Int64()
	if kk > nn-kk {
		kk = nn - kk
	}
	// log2 C(n,k) <= k*log2(n).
	if err := checkBits(ctx, float64(kk)*math.Log2(float64(nn)+1)); err != nil {
		return value{}, err
	}
	return intResult(new(big.Int).Binomial(nn, kk)), nil
}

func mPerm(ctx *context, args []value, kw []keyword) (value, error) {
	n, k, err := combPermArgs("perm", args, kw, true)
	if err != nil {
		return value{}, err
	}
	if k == nil {
		k = n
	}
	if k.Cmp(n) > 0 {
		return pyval.Int(0), nil
	}
	if !n.IsInt64() {
		return value{}, pyval.Errorf("OverflowError", "n must not exceed %d", int64(math.MaxInt64))
	}
	nn, kk := n.Int64(), k.Int64()
	if kk == 0 {
		return pyval.Int(1), nil
	}
	if err := checkBits(ctx, float64(kk)*math.Log2(float64(nn)+1)); err != nil {
		return value{}, err
	}
	return intResult(new(big.Int).MulRange(nn-kk+1, nn)), nil
}
