package sweep

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// SubsetMethod selects which cases of the product run.
type SubsetMethod string

// Subset methods.
const (
	SubsetAll    SubsetMethod = ""       // the full product
	SubsetRandom SubsetMethod = "random" // k distinct cases drawn uniformly from the product
	SubsetLHS    SubsetMethod = "lhs"    // Latin hypercube: k cases, each axis's values split into k strata, one case per stratum
)

// Subset picks k cases of the product of axes with rng, returned in product
// order. The product is never materialised, so huge matrices are fine.
func Subset(method SubsetMethod, names []string, axes [][]Value, k int, rng *rand.Rand) ([]Binding, error) {
	total := productSize(axes)
	switch method {
	case SubsetAll:
		return Product(names, axes), nil
	case SubsetRandom:
		if k <= 0 {
			return nil, fmt.Errorf("subset: k must be at least 1")
		}
		if k >= total {
			return Product(names, axes), nil
		}
		chosen := make(map[int]bool, k)
		for j := total - k; j < total; j++ { // Floyd
			t := rng.IntN(j + 1)
			if chosen[t] {
				t = j
			}
			chosen[t] = true
		}
		return pointsOf(names, axes, chosen), nil
	case SubsetLHS:
		if k <= 0 {
			return nil, fmt.Errorf("subset: k must be at least 1")
		}
		// Axis d has m values; stratum j of k covers indices
		// [j*m/k, (j+1)*m/k) (at least one index). A random permutation of
		// the strata per axis pairs them up.
		idx := make([][]int, len(axes))
		for d, a := range axes {
			m := len(a)
			perm := rng.Perm(k)
			idx[d] = make([]int, k)
			for s := range k {
				j := perm[s]
				lo := j * m / k
				hi := (j + 1) * m / k
				if hi <= lo {
					hi = lo + 1
				}
				if hi > m {
					lo, hi = m-1, m
				}
				idx[d][s] = lo + rng.IntN(hi-lo)
			}
		}
		chosen := map[int]bool{}
		for s := range k {
			flat := 0
			for d, a := range axes {
				flat = flat*len(a) + idx[d][s]
			}
			chosen[flat] = true // axes with fewer values than k repeat: duplicates collapse
		}
		return pointsOf(names, axes, chosen), nil
	}
	return nil, fmt.Errorf("subset: unknown method %q (expected random or lhs)", method)
}

func pointsOf(names []string, axes [][]Value, chosen map[int]bool) []Binding {
	flat := make([]int, 0, len(chosen))
	for i := range chosen {
		flat = append(flat, i)
	}
	slices.Sort(flat)
	out := make([]Binding, len(flat))
	for j, i := range flat {
		out[j] = pointAt(names, axes, i)
	}
	return out
}
