package sweep

import (
	"context"
	"strings"
	"testing"
)

func TestSearch(t *testing.T) {
	tests := []struct {
		name              string
		spec              SearchSpec
		limit             float64 // hypothesis holds for v <= limit
		found, maxHolds   bool
		largest, firstBad float64
	}{
		{"typical", SearchSpec{Min: 1, Max: 1000, Ints: true}, 37, true, false, 37, 38},
		{"at min", SearchSpec{Min: 1, Max: 1000, Ints: true}, 1, true, false, 1, 2},
		{"none", SearchSpec{Min: 5, Max: 1000, Ints: true}, 4, false, false, 0, 5},
		{"beyond max", SearchSpec{Min: 1, Max: 100, Ints: true}, 500, true, true, 100, 0},
		{"step 10", SearchSpec{Min: 10, Max: 1000, Step: 10, Ints: true}, 375, true, false, 370, 380},
		{"repeats", SearchSpec{Min: 1, Max: 64, Repeats: 3, Ints: true}, 20, true, false, 20, 21},
		// Floats: bisection down to the stated resolution, values on the
		// grid Min + k·Step rounded to its decimals (0.1 steps do not drift).
		{"float resolution 0.01", SearchSpec{Min: 0, Max: 1, Step: 0.01}, 0.4137, true, false, 0.41, 0.42},
		{"float resolution 0.1", SearchSpec{Min: 0.5, Max: 10, Step: 0.1}, 3.33, true, false, 3.3, 3.4},
		{"float max off grid", SearchSpec{Min: 0, Max: 1.05, Step: 0.1}, 2, true, true, 1.05, 0},
		{"float fails at min", SearchSpec{Min: 0.25, Max: 1, Step: 0.05}, 0.1, false, false, 0, 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			res, err := Search(context.Background(), tt.spec, func(_ context.Context, v float64, r int) (bool, any, error) {
				calls++
				return v <= tt.limit, nil, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Found != tt.found || res.MaxHolds != tt.maxHolds || res.Largest != tt.largest || res.FirstFail != tt.firstBad {
				t.Fatalf("%+v", res)
			}
			if calls != len(res.Trials) {
				t.Fatal("every trial must be kept as evidence")
			}
			if res.Assumption != Monotonicity || len(res.NonMonotonic) != 0 {
				t.Fatalf("assumption %q, evidence %v", res.Assumption, res.NonMonotonic)
			}
		})
	}
}

func TestSearchFlaky(t *testing.T) {
	// A value holds only if every repeat holds: a failure in the second
	// repeat at 8 makes 8 the first failing value, and the disagreement is
	// reported.
	res, _ := Search(context.Background(), SearchSpec{Min: 1, Max: 64, Repeats: 2, Ints: true}, func(_ context.Context, v float64, r int) (bool, any, error) {
		return !(v >= 8 && r == 1), nil, nil
	})
	if res.Largest != 7 || res.FirstFail != 8 {
		t.Fatalf("%+v", res)
	}
	if len(res.NonMonotonic) == 0 || !strings.Contains(res.NonMonotonic[0], "at 8 the repeats disagree: 1 held, 1 failed") {
		t.Fatalf("evidence %v", res.NonMonotonic)
	}
}

func TestSearchNonMonotonic(t *testing.T) {
	// Fails only in a band [20, 40]: the search stops at the band, and
	// verification above it finds values that hold again.
	pred := func(_ context.Context, v float64, r int) (bool, any, error) { return v < 20 || v > 40, nil, nil }
	res, err := Search(context.Background(), SearchSpec{Min: 1, Max: 100, Ints: true, Verify: 3}, pred)
	if err != nil {
		t.Fatal(err)
	}
	if res.Largest != 19 || res.FirstFail != 20 {
		t.Fatalf("%+v", res)
	}
	var verify []string
	for _, p := range res.Phase {
		if strings.HasPrefix(p, "verify") {
			verify = append(verify, p)
		}
	}
	if strings.Join(verify, ",") != "verify 46,verify 73,verify 100" {
		t.Errorf("verification points %v", verify)
	}
	if len(res.NonMonotonic) == 0 || !strings.Contains(res.NonMonotonic[0], "46 held although 20, below it, failed") {
		t.Errorf("evidence %v", res.NonMonotonic)
	}
	// Without verification the same search sees no contrary evidence.
	res, _ = Search(context.Background(), SearchSpec{Min: 1, Max: 100, Ints: true}, pred)
	if len(res.NonMonotonic) != 0 {
		t.Errorf("evidence without verify: %v", res.NonMonotonic)
	}
}
