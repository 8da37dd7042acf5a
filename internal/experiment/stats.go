package experiment

import (
	"math"
	"sort"
)

// MWResult is a Mann-Whitney U comparison of sample b against sample a.
type MWResult struct {
	NA, NB int
	U      float64 // U of sample b (count of pairs b > a, ties half)
	Z      float64 // normal approximation with tie and continuity correction
	P      float64 // two-sided p-value
	// CliffsDelta = P(b > a) − P(b < a), in [-1, 1]: the effect size
	// (equal to the rank-biserial correlation).
	CliffsDelta float64
	// Shift is the Hodges–Lehmann estimate of b − a, in the metric's unit.
	Shift float64
}

// MannWhitney compares b (e.g. during the fault) with a (the baseline).
// Ties get midranks; the variance is tie-corrected. For small samples
// without ties (na, nb ≤ 10) P is exact (the full U distribution).
func MannWhitney(a, b []float64) MWResult {
	na, nb := len(a), len(b)
	r := MWResult{NA: na, NB: nb, P: 1}
	if na == 0 || nb == 0 {
		return r
	}
	type obs struct {
		v float64
		b bool
	}
	all := make([]obs, 0, na+nb)
	for _, v := range a {
		all = append(all, obs{v, false})
	}
	for _, v := range b {
		all = append(all, obs{v, true})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v < all[j].v })
	n := float64(na + nb)
	var rb, tieSum float64
	ties := false
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		mid := float64(i+j+1) / 2 // ranks i+1..j
		t := float64(j - i)
		if t > 1 {
			ties = true
			tieSum += t*t*t - t
		}
		for k := i; k < j; k++ {
			if all[k].b {
				rb += mid
			}
		}
		i = j
	}
	fa, fb := float64(na), float64(nb)
	r.U = rb - fb*(fb+1)/2
	r.CliffsDelta = 2*r.U/(fa*fb) - 1
	mu := fa * fb / 2
	sigma := math.Sqrt(fa * fb / 12 * ((n + 1) - tieSum/(n*(n-1))))
	if sigma > 0 {
		d := r.U - mu
		cc := 0.5
		if math.Abs(d) < cc {
			cc = math.Abs(d)
		}
		if d > 0 {
			d -= cc
		} else {
			d += cc
		}
		r.Z = d / sigma
		r.P = math.Erfc(math.Abs(r.Z) / math.Sqrt2)
	}
	if !ties && na <= 10 && nb <= 10 {
		r.P = exactP(na, nb, r.U)
	}
	if r.P > 1 {
		r.P = 1
	}
	diffs := make([]float64, 0, na*nb)
	for _, x := range b {
		for _, y := range a {
			diffs = append(diffs, x-y)
		}
	}
	sort.Float64s(diffs)
	m := len(diffs)
	if m%2 == 1 {
		r.Shift = diffs[m/2]
	} else {
		r.Shift = (diffs[m/2-1] + diffs[m/2]) / 2
	}
	return r
}

// exactP is the two-sided exact p-value of U under H0 (no ties):
// 2·min(P(U ≤ u), P(U ≥ u)), from the count of arrangements.
func exactP(na, nb int, u float64) float64 {
	// f[i][j][k]: arrangements of i a's and j b's with U_b = k.
	maxU := na * nb
	prev := make([][]float64, nb+1) // for i-1
	cur := make([][]float64, nb+1)
	for j := 0; j <= nb; j++ {
		prev[j] = make([]float64, maxU+1)
		cur[j] = make([]float64, maxU+1)
	}
	// i = 0: only b's; U_b counts pairs b > a, none.
	for j := 0; j <= nb; j++ {
		prev[j][0] = 1
	}
	for i := 1; i <= na; i++ {
		for j := 0; j <= nb; j++ {
			for k := range cur[j] {
				cur[j][k] = 0
			}
			for k := 0; k <= maxU; k++ {
				// largest element is an a: U_b unchanged.
				v := prev[j][k]
				// largest element is a b: it beats all i a's.
				if j > 0 && k >= i {
					v += cur[j-1][k-i]
				}
				cur[j][k] = v
			}
		}
		prev, cur = cur, prev
	}
	dist := prev[nb]
	var total, le, ge float64
	for k, c := range dist {
		total += c
		if float64(k) <= u+1e-9 {
			le += c
		}
		if float64(k) >= u-1e-9 {
			ge += c
		}
	}
	p := 2 * math.Min(le, ge) / total
	return math.Min(p, 1)
}

// Deviates applies a Compare: significant at the confidence level, in
// the stated direction, and |Cliff's delta| above the stated effect.
func (c Compare) Deviates(r MWResult) bool {
	if r.NA < 2 || r.NB < 2 || r.P >= 1-c.Confidence {
		return false
	}
	switch c.Direction {
	case "increase":
		return r.CliffsDelta > c.Effect
	case "decrease":
		return -r.CliffsDelta > c.Effect
	}
	return math.Abs(r.CliffsDelta) > c.Effect
}
