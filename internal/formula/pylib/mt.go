package pylib

import (
	"math/big"
)

// MT is the MT19937 Mersenne Twister exactly as CPython's _random module
// uses it, so NewRandom(N) draws the same numbers as python3's
// random.seed(N). It implements pyval.Rand. It is not safe for concurrent
// use.
type MT struct {
	mt  [624]uint32
	mti int
	// gaussNext is random.gauss's cached second value.
	gaussNext    float64
	hasGaussNext bool
}

// NewRandom returns a generator seeded like random.seed(seed).
func NewRandom(seed int64) *MT {
	m := &MT{}
	m.Seed(big.NewInt(seed))
	return m
}

func (m *MT) initGenrand(s uint32) {
	m.mt[0] = s
	for i := 1; i < 624; i++ {
		m.mt[i] = 1812433253*(m.mt[i-1]^(m.mt[i-1]>>30)) + uint32(i)
	}
	m.mti = 624
}

func (m *MT) initByArray(key []uint32) {
	m.initGenrand(19650218)
	i, j := 1, 0
	k := 624
	if len(key) > k {
		k = len(key)
	}
	for ; k > 0; k-- {
		m.mt[i] = (m.mt[i] ^ ((m.mt[i-1] ^ (m.mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= 624 {
			m.mt[0] = m.mt[623]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k = 623; k > 0; k-- {
		m.mt[i] = (m.mt[i] ^ ((m.mt[i-1] ^ (m.mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= 624 {
			m.mt[0] = m.mt[623]
			i = 1
		}
	}
	m.mt[0] = 0x80000000
}

// Seed seeds from an int like random.seed(n): the 32-bit words of |n|,
// least significant first, fed to init_by_array. It also clears gauss's
// cached value.
func (m *MT) Seed(n *big.Int) {
	a := new(big.Int).Abs(n)
	var key []uint32
	for _, w := range a.Bits() {
		// big.Word is 64 bits on the supported platforms.
		key = append(key, uint32(w), uint32(uint64(w)>>32))
	}
	for len(key) > 1 && key[len(key)-1] == 0 {
		key = key[:len(key)-1]
	}
	if len(key) == 0 {
		key = []uint32{0}
	}
	m.initByArray(key)
	m.hasGaussNext = false
}

func (m *MT) genrand() uint32 {
	const upper, lower = 0x80000000, 0x7fffffff
	if m.mti >= 624 {
		var kk int
		mag := func(y uint32) uint32 { return (y & 1) * 0x9908b0df }
		for kk = 0; kk < 624-397; kk++ {
			y := (m.mt[kk] & upper) | (m.mt[kk+1] & lower)
			m.mt[kk] = m.mt[kk+397] ^ (y >> 1) ^ mag(y)
		}
		for ; kk < 623; kk++ {
			y := (m.mt[kk] & upper) | (m.mt[kk+1] & lower)
			m.mt[kk] = m.mt[kk+(397-624)] ^ (y >> 1) ^ mag(y)
		}
		y := (m.mt[623] & upper) | (m.mt[0] & lower)
		m.mt[623] = m.mt[396] ^ (y >> 1) ^ mag(y)
		m.mti = 0
	}
	y := m.mt[m.mti]
	m.mti++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// Random returns random.random(): 53 random bits from two outputs.
func (m *MT) Random() float64 {
	a := m.genrand() >> 5
	b := m.genrand() >> 6
	return (float64(a)*67108864.0 + float64(b)) * (1.0 / 9007199254740992.0)
}

// Getrandbits returns random.getrandbits(k) for 0 <= k <= 64: 32-bit
// outputs fill the result from its least significant word up, the last
// one shifted right to k's remainder.
func (m *MT) Getrandbits(k int) uint64 {
	if k <= 0 {
		return 0
	}
	if k <= 32 {
		return uint64(m.genrand() >> (32 - k))
	}
	lo := uint64(m.genrand())
	hi := uint64(m.genrand() >> (64 - k))
	return lo | hi<<32
}

// gaussState lets random.gauss keep its cached second value in the
// generator, as CPython keeps it in the Random instance.
type gaussState interface {
	GaussNext() (float64, bool)
	SetGaussNext(v float64, ok bool)
}

// GaussNext returns gauss's cached value.
func (m *MT) GaussNext() (float64, bool) { return m.gaussNext, m.hasGaussNext }

// SetGaussNext sets or clears gauss's cached value.
func (m *MT) SetGaussNext(v float64, ok bool) { m.gaussNext, m.hasGaussNext = v, ok }

// seeder is a generator that random.seed(n) can reseed.
type seeder interface{ Seed(n *big.Int) }
