package load

import (
	"math"
	"math/rand/v2"
	"time"
)

// Arrivals computes the intended send times of an arrival-rate profile:
// the n-th request is due when the integral of the rate reaches n (the
// first at 1/rate, not at zero, so a rate of R for T seconds schedules
// exactly floor(R·T) requests). With Poisson arrivals the "n" steps are
// exponential with mean 1 instead of 1 (a time-changed Poisson process),
// so ramps keep their shape. It is pure: no clock, no global randomness.
type Arrivals struct {
	stages  []Stage
	rng     *rand.Rand // nil: evenly spaced
	i       int        // current stage
	base    float64    // arrivals scheduled before stage i
	start   float64    // start of stage i (seconds)
	target  float64    // cumulative count of the next arrival
	n       int64
	limit   int64 // 0: no limit
	started bool
}

// NewArrivals returns the schedule of stages; rng != nil gives Poisson
// arrivals; limit > 0 stops after that many.
func NewArrivals(stages []Stage, rng *rand.Rand, limit int64) *Arrivals {
	return &Arrivals{stages: stages, rng: rng, limit: limit}
}

// Next returns the offset from the start of the next arrival, or false
// when the profile is exhausted.
func (a *Arrivals) Next() (time.Duration, bool) {
	if a.limit > 0 && a.n >= a.limit {
		return 0, false
	}
	step := 1.0
	if a.rng != nil {
		step = a.rng.ExpFloat64()
	}
	if !a.started {
		a.target, a.started = step, true
	} else {
		a.target += step
	}
	for a.i < len(a.stages) {
		st := a.stages[a.i]
		d := st.Duration.D().Seconds()
		r0, r1 := float64(st.From), float64(st.To)
		total := (r0 + r1) / 2 * d
		m := a.target - a.base
		if m <= total+1e-9 {
			t := solve(r0, (r1-r0)/d, m)
			if t > d {
				t = d
			}
			a.n++
			return time.Duration((a.start + t) * float64(time.Second)), true
		}
		a.base += total
		a.start += d
		a.i++
	}
	return 0, false
}

// solve returns t ≥ 0 with r0·t + k·t²/2 = m (the rate r0 + k·t).
func solve(r0, k, m float64) float64 {
	if math.Abs(k) < 1e-12 {
		return m / r0
	}
	disc := r0*r0 + 2*k*m
	if disc < 0 {
		disc = 0
	}
	// The form without cancellation for small k·m.
	return 2 * m / (r0 + math.Sqrt(disc))
}
