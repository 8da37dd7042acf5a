package pylib

import (
	"math"
	"math/big"

	"chaoslab/internal/formula/pyval"
)

// Python 2.7's random.py draws integers differently from Python 3: below
// 2^53 an index is int(random() * n), one draw of random() (53 bits), where
// Python 3 takes getrandbits(n.bit_length()) until it is below n. The same
// seed therefore gives other randint, choice, randrange, shuffle and sample
// results; the real configurations were written for Python 2, so Python 2
// mode draws as 2.7 did (random(), uniform() and gauss() are the same in
// both).

// maxWidth2 is random.py's _maxwidth, 1L << BPF (53).
const maxWidth2 = 1 << 53

// randbelow2 is Python 2's int(random() * n) for 0 < n < 2^53, and
// _randbelow(n) beyond.
func randbelow2(ctx *context, r pyval.Rand, n *big.Int) (*big.Int, error) {
	if n.IsInt64() && n.Int64() < maxWidth2 {
		i, err := index2(ctx, r, int(n.Int64()))
		return big.NewInt(int64(i)), err
	}
	// k = int(1.00001 + log(n-1, 2.0)): 2**k > n-1 > 2**(k-2).
	m := new(big.Int).Sub(n, big.NewInt(1))
	k := int(1.00001 + bigLog(m)/crLogAny(2.0))
	for {
		if err := ctx.Step(int64(k/64) + 1); err != nil {
			return nil, err
		}
		if v := getrandbits(r, k); v.Cmp(n) < 0 {
			return v, nil
		}
	}
}

// bigLog is Python's math.log of a positive int: of its float value, or
// through frexp when it is too large for a float.
func bigLog(m *big.Int) float64 {
	if f, _ := new(big.Float).SetInt(m).Float64(); !math.IsInf(f, 0) {
		return crLogAny(f)
	}
	// x = mant * 2**e with 0.5 <= mant < 1 (CPython's _PyLong_Frexp).
	e := m.BitLen()
	mant, _ := new(big.Float).SetMantExp(new(big.Float).SetInt(m), -e).Float64()
	return crLogAny(mant) + float64(e)*crLogAny(2.0)
}

// index2 is Python 2's int(random() * n) for 0 <= n < 2^53: n is exact as
// a float and the product is rounded once, as Python's.
func index2(ctx *context, r pyval.Rand, n int) (int, error) {
	if err := ctx.Step(1); err != nil {
		return 0, err
	}
	return int(r.Random() * float64(n)), nil
}

// choice2 is Python 2's seq[int(random() * len(seq))]: an empty sequence
// raises the IndexError of its indexing, a dict is indexed by that int.
func choice2(ctx *context, r pyval.Rand, seq value) (value, error) {
	n, err := pyval.Len(ctx, seq)
	if err != nil {
		return value{}, err
	}
	i, err := index2(ctx, r, n)
	if err != nil {
		return value{}, err
	}
	return pyval.GetItem(ctx, seq, pyval.Int(int64(i)))
}
