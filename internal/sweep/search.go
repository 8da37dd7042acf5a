package sweep

import (
	"context"
	"fmt"
	"math"
	"sort"
)

// Monotonicity is the assumption every search result states.
const Monotonicity = "assumes monotone degradation: the hypothesis holds at every value below the breaking point and fails at every value above it"

// SearchSpec configures a breaking-point search over one parameter: the
// largest value in [Min, Max] on the grid Min + k·Step (Max itself when it
// is off the grid) for which the hypothesis holds in every one of Repeats
// trials. Step is the resolution: integers when Min, Max and Step are
// (Ints), else floats rounded to the decimals of Min and Step.
type SearchSpec struct {
	Min, Max float64
	Step     float64 // resolution (default 1)
	Ints     bool
	Repeats  int // trials per value; a value holds only if all hold (default 1)
	// Verify is how many extra values above the first failure are tried
	// after the search (spread up to Max) to look for evidence against
	// monotonicity; 0 tries none.
	Verify int
}

// Trial is one evaluation of the hypothesis at a value.
type Trial struct {
	Value  float64 `json:"value"`
	Repeat int     `json:"repeat"`
	Holds  bool    `json:"holds"`
	// Evidence is whatever the predicate returned (the case record).
	Evidence any `json:"evidence,omitempty"`
}

// SearchResult is the outcome of Search.
type SearchResult struct {
	// Found is false when even Min does not hold.
	Found bool `json:"found"`
	// Largest is the largest value seen to hold; FirstFail the smallest
	// value seen to fail above it (0 with MaxHolds when nothing failed).
	Largest    float64  `json:"largest"`
	FirstFail  float64  `json:"first_fail"`
	MaxHolds   bool     `json:"max_holds"` // Max itself holds: the breaking point is beyond the searched range
	Resolution float64  `json:"resolution"`
	Trials     []Trial  `json:"trials"`
	Phase      []string `json:"phases"` // "gallop v" / "bisect v" / "verify v", in order
	// Assumption states the monotonicity the search relies on.
	Assumption string `json:"assumption"`
	// NonMonotonic lists evidence against that assumption seen in the
	// trials: a value that held above one that failed, or repeats that
	// disagreed at one value. Empty when none was seen (which does not
	// prove monotonicity: most values were never tried).
	NonMonotonic []string `json:"non_monotonic,omitempty"`
}

// Predicate evaluates the hypothesis once at value v (repeat r from 0).
type Predicate func(ctx context.Context, v float64, r int) (holds bool, evidence any, err error)

// Search finds the breaking point: galloping over grid indexes (Min,
// Min+Step, Min+3·Step, Min+7·Step ... doubling the distance, capped at
// Max) until a value fails, then bisection between the last value that
// held and the first that failed, down to Step; then Verify extra values
// above the failure. It assumes the hypothesis is monotone (stated in the
// result); every trial is kept as evidence and contrary evidence is
// reported in NonMonotonic.
func Search(ctx context.Context, s SearchSpec, pred Predicate) (*SearchResult, error) {
	if !(s.Step > 0) {
		s.Step = 1
	}
	if s.Repeats <= 0 {
		s.Repeats = 1
	}
	if s.Max < s.Min {
		return nil, fmt.Errorf("search: max %g is below min %g", s.Max, s.Min)
	}
	top := int64(math.Ceil((s.Max-s.Min)/s.Step - 1e-9)) // index of Max
	value := func(k int64) float64 {
		if k >= top {
			return s.Max
		}
		if s.Ints {
			return s.Min + float64(k)*s.Step
		}
		v := s.Min + float64(k)*s.Step
		if d := max(decimals(s.Min), decimals(s.Step)); d <= 15 {
			p := math.Pow(10, float64(d))
			v = math.Round(v*p) / p
		}
		return v
	}
	res := &SearchResult{Resolution: s.Step, Assumption: Monotonicity}
	holds := func(k int64, phase string) (bool, error) {
		v := value(k)
		res.Phase = append(res.Phase, fmt.Sprintf("%s %s", phase, fmtF(v)))
		for r := range s.Repeats {
			if err := ctx.Err(); err != nil {
				return false, err
			}
			ok, ev, err := pred(ctx, v, r)
			if err != nil {
				return false, err
			}
			res.Trials = append(res.Trials, Trial{Value: v, Repeat: r, Holds: ok, Evidence: ev})
			if !ok {
				return false, nil
			}
		}
		return true, nil
	}
	defer func() { res.NonMonotonic = nonMonotonic(res.Trials) }()
	ok, err := holds(0, "gallop")
	if err != nil || !ok {
		if err == nil {
			res.FirstFail = s.Min
		}
		return res, err
	}
	res.Found = true
	good, bad := int64(0), int64(-1)
	dist := int64(1)
	for good < top {
		k := min(good+dist, top)
		ok, err := holds(k, "gallop")
		if err != nil {
			return res, err
		}
		if !ok {
			bad = k
			break
		}
		good = k
		dist *= 2
	}
	if bad < 0 {
		res.Largest, res.MaxHolds = value(good), true
		return res, nil
	}
	for bad-good > 1 {
		mid := good + (bad-good)/2
		ok, err := holds(mid, "bisect")
		if err != nil {
			return res, err
		}
		if ok {
			good = mid
		} else {
			bad = mid
		}
	}
	res.Largest, res.FirstFail = value(good), value(bad)
	// Verification: values spread over (bad, top] not tried yet; one that
	// holds is evidence against monotonicity.
	tried := map[float64]bool{}
	for _, t := range res.Trials {
		tried[t.Value] = true
	}
	for i := 1; i <= s.Verify && bad < top; i++ {
		k := bad + (top-bad)*int64(i)/int64(s.Verify)
		if tried[value(k)] {
			continue
		}
		tried[value(k)] = true
		if _, err := holds(k, "verify"); err != nil {
			return res, err
		}
	}
	return res, nil
}

// nonMonotonic lists the evidence against monotonicity in trials: values
// whose repeats disagreed, and values that held above a value that failed.
func nonMonotonic(trials []Trial) []string {
	type agg struct{ held, failed int }
	by := map[float64]*agg{}
	var vals []float64
	for _, t := range trials {
		a := by[t.Value]
		if a == nil {
			a = &agg{}
			by[t.Value] = a
			vals = append(vals, t.Value)
		}
		if t.Holds {
			a.held++
		} else {
			a.failed++
		}
	}
	sort.Float64s(vals)
	var out []string
	for _, v := range vals {
		if a := by[v]; a.held > 0 && a.failed > 0 {
			out = append(out, fmt.Sprintf("at %s the repeats disagree: %d held, %d failed", fmtF(v), a.held, a.failed))
		}
	}
	lowFail := math.Inf(1)
	for _, v := range vals {
		a := by[v]
		if a.failed == 0 && v > lowFail {
			out = append(out, fmt.Sprintf("%s held although %s, below it, failed", fmtF(v), fmtF(lowFail)))
		}
		if a.failed > 0 && v < lowFail {
			lowFail = v
		}
	}
	return out
}
