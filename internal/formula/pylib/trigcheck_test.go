package pylib

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestFastTrigCorrectlyRounded checks the fast sin/cos path against the
// 1400-bit reference on random arguments: whenever it answers, the answer
// is the correctly rounded value.
func TestFastTrigCorrectlyRounded(t *testing.T) {
	ddOnce.Do(initDD)
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 500
	}
	fast := 0
	for i := 0; i < n; i++ {
		var x float64
		switch i % 6 {
		case 4:
			// nearest doubles to multiples of pi/2 (tiny r, results near 0, +-1)
			x = float64(rng.IntN(4000)-2000) * (math.Pi / 2)
		case 5:
			x = math.Pi * (12.5 + float64(i%64)*0.1)
			x = twoPi * (x / twoPi)
		case 0:
			x = (rng.Float64()*2 - 1) * 4
		case 1:
			x = (rng.Float64()*2 - 1) * 1000
		case 2:
			x = math.Ldexp(rng.Float64()*2-1, rng.IntN(40)-20)
		default:
			x = 12.5 + float64(i%64)*0.1*math.Pi
		}
		for _, wantCos := range []bool{false, true} {
			r, ok := fastTrig(x, wantCos)
			if !ok {
				if r, ok = tinyTrig(x, wantCos); !ok {
					continue
				}
			}
			fast++
			want := refTrig(x, wantCos)
			if r != want {
				t.Fatalf("fastTrig(%v, cos=%v) = %v, correctly rounded %v", x, wantCos, r, want)
			}
		}
	}
	t.Logf("fast path answered %d of %d", fast, 2*n)
}

// refTrig is sin or cos of x from an exact big.Float reduction by pi/2.
func refTrig(x float64, wantCos bool) float64 {
	bx := newBig().SetFloat64(x)
	q := newBig().Quo(bx, bigPiHalfBig)
	k, _ := q.Int(nil)
	r := newBig().Sub(bx, newBig().Mul(newBig().SetInt(k), bigPiHalfBig))
	s, c := bigSinCos(r)
	m := new(big.Int).And(k, big.NewInt(3)).Int64()
	if wantCos {
		m++
	}
	var v *big.Float
	switch m & 3 {
	case 0:
		v = s
	case 1:
		v = c
	case 2:
		v = newBig().Neg(s)
	default:
		v = newBig().Neg(c)
	}
	f, _ := v.Float64()
	return f
}
