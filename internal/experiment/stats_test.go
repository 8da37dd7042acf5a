package experiment

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// Expected values: scipy.stats.mannwhitneyu documentation example
// (males vs females), and hand-computed cases.
func TestMannWhitney(t *testing.T) {
	tests := []struct {
		name     string
		a, b     []float64
		u, p     float64
		delta    float64
		shift    float64
		exactish bool
	}{
		// scipy: mannwhitneyu(males, females) → U=17, p=0.1111 (exact).
		{"scipy exact", []float64{20, 11, 17, 12}, []float64{19, 22, 16, 29, 24}, 17, 0.11111111, 17.0*2/20 - 1, 7, true},
		// completely separated 3 vs 3: U=9, exact p = 2/20.
		{"separated", []float64{1, 2, 3}, []float64{4, 5, 6}, 9, 0.1, 1, 3, true},
		// identical samples: no difference.
		{"identical ties", []float64{1, 1, 1, 1}, []float64{1, 1, 1, 1}, 8, 1, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := MannWhitney(tc.a, tc.b)
			if r.U != tc.u || !near(r.P, tc.p, 1e-6) || !near(r.CliffsDelta, tc.delta, 1e-9) || !near(r.Shift, tc.shift, 1e-9) {
				t.Errorf("got U=%g p=%.8g delta=%g shift=%g, want U=%g p=%.8g delta=%g shift=%g", r.U, r.P, r.CliffsDelta, r.Shift, tc.u, tc.p, tc.delta, tc.shift)
			}
		})
	}
}

// Normal approximation with ties: expected from the tie-corrected formula
// evaluated in python3 (math.erfc), as scipy's method="asymptotic" does:
// a=[1,2,2,3,3,3,4,4,5,6,7,8], b=[3,4,5,5,6,6,7,8,8,9,9,10] → U=117 (python3: direct pair count),
// sigma=sqrt(12*12/12*(25 - 60/(24*23)))=17.2904..., z=(117.5-72-0.5)/sigma.
func TestMannWhitneyAsymptoticTies(t *testing.T) {
	a := []float64{1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 8}
	b := []float64{3, 4, 5, 5, 6, 6, 7, 8, 8, 9, 9, 10}
	r := MannWhitney(a, b)
	// tie groups (python3 Counter): 2×2, 3×4, 4×3, 5×3, 6×3, 7×2, 8×3, 9×2
	tie := 0.0
	for _, t := range []float64{2, 4, 3, 3, 3, 2, 3, 2} {
		tie += t*t*t - t
	}
	sigma := math.Sqrt(144.0 / 12 * (25 - tie/(24*23)))
	z := (r.U - 72 - 0.5) / sigma
	p := math.Erfc(z / math.Sqrt2)
	if !near(r.Z, z, 1e-12) || !near(r.P, p, 1e-12) {
		t.Errorf("z=%g p=%g, want z=%g p=%g", r.Z, r.P, z, p)
	}
	if r.U != 117 {
		t.Errorf("U=%g, want 117", r.U)
	}
	c := Compare{Confidence: 0.95, Effect: 0.33, Direction: "increase"}
	if !c.Deviates(r) {
		t.Errorf("a clear increase (p=%.3g, delta=%.2f) should deviate", r.P, r.CliffsDelta)
	}
	c.Direction = "decrease"
	if c.Deviates(r) {
		t.Errorf("an increase is not a decrease")
	}
}

func BenchmarkMannWhitney(b *testing.B) {
	x := make([]float64, 200)
	y := make([]float64, 200)
	for i := range x {
		x[i] = float64(i % 37)
		y[i] = float64(i%41) + 3
	}
	b.ReportAllocs()
	for b.Loop() {
		MannWhitney(x, y)
	}
}
