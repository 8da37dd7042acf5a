package pyval

import (
	"math"
	"math/big"
)

// Hashing follows CPython for numbers (modulo the Mersenne prime 2**61-1,
// hash(-1) == -2, floats per _Py_HashDouble, so hash(1) == hash(1.0) ==
// hash(True)) and tuples (the 3.8+ xxHash-based combination), so that sets
// of numbers and tuples iterate in CPython's order. CPython randomizes str
// hashes per process; here str and bytes use FNV-1a, which is fixed, so the
// order of sets of strings is deterministic but not CPython's.

const (
	hashBits    = 61
	hashModulus = (1 << hashBits) - 1
	hashInf     = 314159
	// hashNone is CPython 3.12's constant hash(None) with its low byte
	// replaced by python3.11's here: 3.11 hashes None by address, and ASLR
	// moves that address by whole pages, so hash(None) & 0xff (0xbe: None
	// sits at offset 0xbe0 of its page) is the same in every process; with
	// it, small sets holding None iterate as in that CPython.
	hashNone   = 0xFCA864BE
	hashMinus1 = ^uint64(0) // -1 is reserved for errors in CPython
)

// Hash returns hash(v) as CPython's Py_hash_t bit pattern. Lists, dicts and
// sets are unhashable (TypeError).
func Hash(v Value) (uint64, error) {
	switch v.K {
	case NoneKind:
		return hashNone, nil
	case BoolKind, IntKind:
		return hashInt64(int64(v.N)), nil
	case BigKind:
		return hashBig(v.O.(*big.Int)), nil
	case FloatKind:
		return hashFloat(v.Float64()), nil
	case StrKind, BytesKind:
		return hashString(v.String()), nil
	case TupleKind:
		return hashTuple(v.O.(*Tuple).Items)
	case SetKind:
		s := v.O.(*Set)
		if !s.frozen {
			return 0, typeError("unhashable type: 'set'")
		}
		return s.frozenHash(), nil
	case RangeKind:
		r := v.O.(*Range)
		n := r.Len()
		items := []Value{Int(n), None, None}
		if n > 0 {
			items[1] = Int(r.Start)
			if n > 1 {
				items[2] = Int(r.Step)
			}
		}
		return hashTuple(items)
	case ListKind, DictKind:
		return 0, typeError("unhashable type: '" + TypeName(v) + "'")
	case FuncKind, IterKind, ObjectKind:
		if h, ok := v.O.(interface{ Hash() (uint64, error) }); ok {
			return h.Hash()
		}
		return hashString(identity(v)), nil
	}
	return 0, typeError("unhashable type: '" + TypeName(v) + "'")
}

func fixHash(h uint64) uint64 {
	if h == hashMinus1 {
		return hashMinus1 - 1
	}
	return h
}

func hashInt64(i int64) uint64 {
	if i >= 0 {
		return uint64(i) % hashModulus
	}
	if i == math.MinInt64 {
		// |MinInt64| = 2**63 = 4 * 2**61 ≡ 4 (mod 2**61-1)
		return ^uint64(3)
	}
	return fixHash(-(uint64(-i) % hashModulus))
}

var bigModulus = big.NewInt(hashModulus)

func hashBig(b *big.Int) uint64 {
	m := new(big.Int).Abs(b)
	m.Mod(m, bigModulus)
	h := m.Uint64()
	if b.Sign() < 0 {
		h = -h
	}
	return fixHash(h)
}

// hashFloat is CPython's _Py_HashDouble (NaN hashes to 0 as before 3.10;
// CPython 3.10+ hashes NaN by object identity).
func hashFloat(v float64) uint64 {
	if math.IsInf(v, 0) {
		if v > 0 {
			return hashInf
		}
		return ^uint64(hashInf - 1)
	}
	if math.IsNaN(v) {
		return 0
	}
	m, e := math.Frexp(v)
	sign := uint64(1)
	if m < 0 {
		sign = ^uint64(0) // -1
		m = -m
	}
	var x uint64
	for m != 0 {
		x = ((x << 28) & hashModulus) | x>>(hashBits-28)
		m *= 268435456.0
		e -= 28
		y := uint64(m)
		m -= float64(y)
		x += y
		if x >= hashModulus {
			x -= hashModulus
		}
	}
	if e >= 0 {
		e %= hashBits
	} else {
		e = hashBits - 1 - ((-1 - e) % hashBits)
	}
	x = ((x << uint(e)) & hashModulus) | x>>(hashBits-uint(e))
	x *= sign
	return fixHash(x)
}

func hashString(s string) uint64 {
	if s == "" {
		return 0 // as in CPython
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return fixHash(h)
}

const (
	xxPrime1 uint64 = 11400714785074694791
	xxPrime2 uint64 = 14029467366897019727
	xxPrime5 uint64 = 2870177450012600261
)

// hashTuple is CPython 3.8+'s tuplehash.
func hashTuple(items []Value) (uint64, error) {
	acc := xxPrime5
	for _, it := range items {
		lane, err := Hash(it)
		if err != nil {
			return 0, err
		}
		acc += lane * xxPrime2
		acc = acc<<31 | acc>>33
		acc *= xxPrime1
	}
	acc += uint64(len(items)) ^ (xxPrime5 ^ 3527539)
	if acc == hashMinus1 {
		return 1546275796, nil
	}
	return acc, nil
}
