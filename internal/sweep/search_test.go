package sweep

import (
	"context"
	"testing"
)

func TestSearch(t *testing.T) {
	tests := []struct {
		name              string
		spec              SearchSpec
		limit             int64 // hypothesis holds for v <= limit
		found, maxHolds   bool
		largest, firstBad int64
	}{
		{"typical", SearchSpec{Min: 1, Max: 1000}, 37, true, false, 37, 38},
		{"at min", SearchSpec{Min: 1, Max: 1000}, 1, true, false, 1, 2},
		{"none", SearchSpec{Min: 5, Max: 1000}, 4, false, false, 0, 5},
		{"beyond max", SearchSpec{Min: 1, Max: 100}, 500, true, true, 100, 0},
		{"step 10", SearchSpec{Min: 10, Max: 1000, Step: 10}, 375, true, false, 370, 380},
		{"repeats", SearchSpec{Min: 1, Max: 64, Repeats: 3}, 20, true, false, 20, 21},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			res, err := Search(context.Background(), tt.spec, func(_ context.Context, v int64, r int) (bool, any, error) {
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
		})
	}
}

func TestSearchFlaky(t *testing.T) {
	// A value holds only if every repeat holds: a failure in the second
	// repeat at 8 makes 8 the first failing value.
	res, _ := Search(context.Background(), SearchSpec{Min: 1, Max: 64, Repeats: 2}, func(_ context.Context, v int64, r int) (bool, any, error) {
		return !(v >= 8 && r == 1), nil, nil
	})
	if res.Largest != 7 || res.FirstFail != 8 {
		t.Fatalf("%+v", res)
	}
}
