package pylib

import (
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
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

// TestFastTrigMatchesSlowPath compares every answer of the fast paths with
// the double-double path over many arguments, those of sin(PI*t) with the
// default period (x = 2*pi*((pi*t)/(2*pi)), the twin's hottest call) and
// random ones: the fast paths must never change a result.
func TestFastTrigMatchesSlowPath(t *testing.T) {
	ddOnce.Do(initDD)
	rng := rand.New(rand.NewPCG(3, 4))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	answered := 0
	for i := 0; i < n; i++ {
		var x float64
		switch i % 4 {
		case 0:
			x = math.Pi * (float64(i/4) * 0.001)
			x = twoPi * (x / twoPi)
		case 1:
			x = math.Pi * (rng.Float64() * 1e5)
			x = twoPi * (x / twoPi)
		case 2:
			x = (rng.Float64()*2 - 1) * math.Ldexp(1, rng.IntN(24)-4)
		default:
			x = float64(rng.IntN(1<<20)-1<<19) * (math.Pi / 4)
		}
		s, c := sinCosFull(x)
		for _, wantCos := range []bool{false, true} {
			r, ok := fastTrig(x, wantCos)
			if !ok {
				if r, ok = tinyTrig(x, wantCos); !ok {
					continue
				}
			}
			answered++
			want := s.round()
			if wantCos {
				want = c.round()
			}
			if r != want {
				t.Fatalf("fast trig(%v, cos=%v) = %v, double-double path %v", x, wantCos, r, want)
			}
		}
	}
	t.Logf("fast paths answered %d of %d", answered, 2*n)
}

// TestSinCosPython compares sin and cos with python3's (testdata/sin.json,
// from gen_sin.py) on the twin's hottest arguments.
func TestSinCosPython(t *testing.T) {
	data, err := os.ReadFile("testdata/sin.json")
	if err != nil {
		t.Fatal(err)
	}
	var rows [][3]string
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	parse := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return f
	}
	// glibc's sin and cos are not correctly rounded: they miss by one ulp
	// on a few arguments in a thousand. Ours are (the reference is the
	// 1400-bit refTrig), so every difference must be exactly that case.
	differ := 0
	for _, r := range rows {
		x := parse(r[0])
		for i, wantCos := range []bool{false, true} {
			py := parse(r[1+i])
			got := crSin(x)
			if wantCos {
				got = crCos(x)
			}
			if got == py {
				continue
			}
			differ++
			ulp := math.Abs(math.Nextafter(py, math.Inf(1)) - py)
			if math.Abs(got-py) > ulp || got != refTrig(x, wantCos) {
				t.Errorf("x=%v cos=%v: %v, python3 %v, correctly rounded %v", x, wantCos, got, py, refTrig(x, wantCos))
			}
		}
	}
	t.Logf("%d arguments: %d of %d results differ from glibc by its one-ulp misroundings", len(rows), differ, 2*len(rows))
}
