package sweep

import (
	"context"
	"fmt"
)

// SearchSpec configures a breaking-point search over one integer
// parameter: the largest value in [Min, Max] (on the Step grid from Min)
// for which the hypothesis holds in every one of Repeats trials.
type SearchSpec struct {
	Min, Max int64
	Step     int64 // resolution (default 1)
	Repeats  int   // trials per value; a value holds only if all hold (default 1)
}

// Trial is one evaluation of the hypothesis at a value.
type Trial struct {
	Value  int64 `json:"value"`
	Repeat int   `json:"repeat"`
	Holds  bool  `json:"holds"`
	// Evidence is whatever the predicate returned (the case record).
	Evidence any `json:"evidence,omitempty"`
}

// SearchResult is the outcome of Search.
type SearchResult struct {
	// Found is false when even Min does not hold.
	Found bool `json:"found"`
	// Largest is the largest value seen to hold; FirstFail the smallest
	// value seen to fail above it (0 with MaxHolds when nothing failed).
	Largest   int64    `json:"largest"`
	FirstFail int64    `json:"first_fail"`
	MaxHolds  bool     `json:"max_holds"` // Max itself holds: the breaking point is beyond the searched range
	Trials    []Trial  `json:"trials"`
	Phase     []string `json:"phases"` // "gallop v" / "bisect v", in order
}

// Predicate evaluates the hypothesis once at value v (repeat r from 0).
type Predicate func(ctx context.Context, v int64, r int) (holds bool, evidence any, err error)

// Search finds the breaking point: galloping (Min, Min+Step, Min+3·Step,
// Min+7·Step ... doubling the distance, capped at Max) until a value
// fails, then bisection between the last value that held and the first
// that failed, down to Step. It assumes the hypothesis is monotone (holds
// below the breaking point, fails above); every trial is kept as evidence.
func Search(ctx context.Context, s SearchSpec, pred Predicate) (*SearchResult, error) {
	if s.Step <= 0 {
		s.Step = 1
	}
	if s.Repeats <= 0 {
		s.Repeats = 1
	}
	if s.Max < s.Min {
		return nil, fmt.Errorf("search: max %d is below min %d", s.Max, s.Min)
	}
	res := &SearchResult{}
	holds := func(v int64, phase string) (bool, error) {
		res.Phase = append(res.Phase, fmt.Sprintf("%s %d", phase, v))
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
	ok, err := holds(s.Min, "gallop")
	if err != nil || !ok {
		if err == nil {
			res.FirstFail = s.Min
		}
		return res, err
	}
	res.Found = true
	good, bad := s.Min, int64(-1)
	dist := s.Step
	for good < s.Max {
		v := min(good+dist, s.Max)
		ok, err := holds(v, "gallop")
		if err != nil {
			return res, err
		}
		if !ok {
			bad = v
			break
		}
		good = v
		dist *= 2
	}
	if bad < 0 {
		res.Largest, res.MaxHolds = good, true
		return res, nil
	}
	for bad-good > s.Step {
		mid := good + (bad-good)/s.Step/2*s.Step
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
	res.Largest, res.FirstFail = good, bad
	return res, nil
}
