package pyval

import (
	"math"
	"math/big"
	"sync"
)

// pow returns x**y for finite x > 0 and finite y != 0, aiming at the
// correctly rounded result that glibc's pow (and therefore CPython) returns.
// Go's math.Pow is a few ulps off for many inputs, so the result is computed
// in 106-bit precision (exactly for integral exponents, via exp(y*log(x))
// otherwise) and rounded once.
func pow(x, y float64) float64 {
	switch y {
	case 1:
		return x
	case 2:
		return x * x
	case -1:
		return 1 / x
	case 0.5:
		return math.Sqrt(x)
	}
	if y == math.Trunc(y) && math.Abs(y) <= 1<<16 {
		return powInt(x, int64(y))
	}
	// Outside a generous range the result is certainly 0 or inf.
	l := math.Log2(x) * y
	if l > 1100 {
		return math.Inf(1)
	}
	if l < -1200 {
		return 0
	}
	t := newF().SetFloat64(y)
	t.Mul(t, bigLog(x))
	f, _ := bigExp(t).Float64()
	return f
}

const powPrec = 106

func newF() *big.Float { return new(big.Float).SetPrec(powPrec) }

// powInt computes x**n with one final rounding.
func powInt(x float64, n int64) float64 {
	neg := n < 0
	if neg {
		n = -n
	}
	r := newF().SetFloat64(1)
	b := newF().SetFloat64(x)
	for n > 0 {
		if n&1 == 1 {
			r.Mul(r, b)
		}
		n >>= 1
		if n > 0 {
			b.Mul(b, b)
		}
	}
	if neg {
		r.Quo(newF().SetFloat64(1), r)
	}
	f, _ := r.Float64()
	return f
}

var ln2 = sync.OnceValue(func() *big.Float {
	// ln 2 = 2 atanh(1/3)
	z := newF().SetFloat64(1)
	z.Quo(z, newF().SetFloat64(3))
	return atanh2(z)
})

// atanh2 returns 2*atanh(z) = log((1+z)/(1-z)) for small |z|.
func atanh2(z *big.Float) *big.Float {
	z2 := newF().Mul(z, z)
	term := newF().Set(z)
	sum := newF().Set(z)
	eps := newF().SetMantExp(big.NewFloat(1), -powPrec-4)
	for k := int64(3); ; k += 2 {
		term.Mul(term, z2)
		q := newF().Quo(term, newF().SetInt64(k))
		sum.Add(sum, q)
		if q.Sign() == 0 || newF().Abs(q).Cmp(eps) < 0 {
			break
		}
	}
	return sum.Mul(sum, newF().SetFloat64(2))
}

// bigLog returns log(x) for x > 0.
func bigLog(x float64) *big.Float {
	m, e := math.Frexp(x) // x = m * 2**e, m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	mf := newF().SetFloat64(m)
	num := newF().Sub(mf, newF().SetFloat64(1))
	den := newF().Add(mf, newF().SetFloat64(1))
	r := atanh2(num.Quo(num, den))
	return r.Add(r, newF().Mul(ln2(), newF().SetInt64(int64(e))))
}

// bigExp returns exp(t) for |t| < about 1000.
func bigExp(t *big.Float) *big.Float {
	kf, _ := newF().Quo(t, ln2()).Float64()
	k := math.Round(kf)
	r := newF().Sub(t, newF().Mul(ln2(), newF().SetFloat64(k)))
	// exp(r) = exp(r/256)**256
	r.SetMantExp(r, -8)
	sum := newF().SetFloat64(1)
	term := newF().SetFloat64(1)
	eps := newF().SetMantExp(big.NewFloat(1), -powPrec-4)
	for n := int64(1); n < 100; n++ {
		term.Mul(term, r)
		term.Quo(term, newF().SetInt64(n))
		sum.Add(sum, term)
		if term.Sign() == 0 || newF().Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	for i := 0; i < 8; i++ {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, int(k))
}
