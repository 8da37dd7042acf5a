package pyval

import (
	"math"
	"math/big"
)

// NewRange returns range(start, stop, step) (ValueError for step 0).
func NewRange(start, stop, step int64) (Value, error) {
	if step == 0 {
		return Value{}, valueError("range() arg 3 must not be zero")
	}
	return Value{K: RangeKind, O: &Range{Start: start, Stop: stop, Step: step}}, nil
}

// Len returns the number of items of r (saturating at MaxInt64).
func (r *Range) Len() int64 {
	lo, hi, step := r.Start, r.Stop, r.Step
	if step < 0 {
		lo, hi, step = hi, lo, -step
	}
	if lo >= hi {
		return 0
	}
	// Compute (hi-lo-1)/step+1 in uint64 to avoid overflow.
	diff := uint64(hi) - uint64(lo) - 1
	n := diff/uint64(step) + 1
	if n > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(n)
}

// At returns item i (0 <= i < Len()).
func (r *Range) At(i int64) int64 { return r.Start + i*r.Step }

// contains reports whether the int x is in r.
func (r *Range) contains(x int64) bool {
	if r.Step > 0 {
		if x < r.Start || x >= r.Stop {
			return false
		}
		return uint64(x-r.Start)%uint64(r.Step) == 0
	}
	if x > r.Start || x <= r.Stop {
		return false
	}
	return uint64(r.Start-x)%uint64(-r.Step) == 0
}

// slice returns r[start:stop:step] for resolved slice indices. Ranges hold
// int64 bounds: a stop that overflows is clamped, which keeps the same
// items (the repr then differs from CPython's, which has big-int ranges).
func (r *Range) slice(start, stop, step, count int64) *Range {
	at := func(i int64) int64 {
		v := new(big.Int).Mul(big.NewInt(i), big.NewInt(r.Step))
		v.Add(v, big.NewInt(r.Start))
		switch {
		case v.IsInt64():
			return v.Int64()
		case v.Sign() < 0:
			return math.MinInt64
		}
		return math.MaxInt64
	}
	nst := new(big.Int).Mul(big.NewInt(r.Step), big.NewInt(step))
	ns := int64(math.MaxInt64)
	if nst.IsInt64() {
		ns = nst.Int64()
	} else if nst.Sign() < 0 {
		ns = math.MinInt64 + 1
	}
	if count <= 1 && !nst.IsInt64() {
		// A single item: any step keeps it.
		ns = r.Step
	}
	return &Range{Start: at(start), Stop: at(stop), Step: ns}
}

func (r *Range) repr() string {
	s := "range(" + itoa(r.Start) + ", " + itoa(r.Stop)
	if r.Step != 1 {
		s += ", " + itoa(r.Step)
	}
	return s + ")"
}

// rangeEqual is range.__eq__: equal as sequences.
func rangeEqual(a, b *Range) bool {
	n := a.Len()
	if n != b.Len() {
		return false
	}
	if n == 0 {
		return true
	}
	if a.Start != b.Start {
		return false
	}
	return n == 1 || a.Step == b.Step
}

// attr is a range's start, stop and step.
func (r *Range) attr(name string) (Value, bool) {
	switch name {
	case "start":
		return Int(r.Start), true
	case "stop":
		return Int(r.Stop), true
	case "step":
		return Int(r.Step), true
	}
	return Value{}, false
}

// Index is range.index(x) for an int x in r: its position.
func (r *Range) Index(x int64) (int64, bool) {
	if !r.contains(x) {
		return 0, false
	}
	if r.Step > 0 {
		return int64(uint64(x-r.Start) / uint64(r.Step)), true
	}
	return int64(uint64(r.Start-x) / uint64(-r.Step)), true
}
