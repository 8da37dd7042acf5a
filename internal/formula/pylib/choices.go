package pylib

import (
	"math"

	"chaoslab/internal/formula/pyval"
)

// rChoices is random.choices(population, weights=None, *, cum_weights=None,
// k=1), drawing exactly as CPython 3.11 does.
func rChoices(ctx *context, args []value, kw []keyword) (value, error) {
	var a [4]value
	p := params{fn: "choices", names: []string{"population", "weights", "cum_weights", "k"}, npos: 2, nreq: 1, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	r, err := rng(ctx)
	if err != nil {
		return value{}, err
	}
	pop := a[0]
	n, err := pyval.Len(ctx, pop)
	if err != nil {
		return value{}, err
	}
	k := int64(1)
	if !a[3].IsUndefined() {
		if k, err = smallIndex(a[3]); err != nil {
			return value{}, err
		}
	}
	if k < 0 {
		k = 0
	}
	if err := ctx.CheckSize(int(min(k, math.MaxInt32))); err != nil {
		return value{}, err
	}
	item := func(i int) (value, error) {
		if items, ok := seqItems(pop); ok {
			return items[i], nil
		}
		return pyval.GetItem(ctx, pop, pyval.Int(int64(i)))
	}
	out := make([]value, k)
	weights, cum := a[1], a[2]
	if isNone(weights) {
		weights = value{}
	}
	if isNone(cum) {
		cum = value{}
	}
	if cum.IsUndefined() && weights.IsUndefined() {
		nf := float64(n)
		for i := range out {
			v, err := item(int(math.Floor(r.Random() * nf)))
			if err != nil {
				return value{}, err
			}
			out[i] = v
		}
		return pyval.NewList(out), nil
	}
	if !cum.IsUndefined() && !weights.IsUndefined() {
		return value{}, typeErr("Cannot specify both weights and cumulative weights")
	}
	var cw []value
	if !weights.IsUndefined() {
		if isInt(weights) {
			return value{}, typeErr("The number of choices must be a keyword argument: k=%d", weights.Int64())
		}
		ws, err := collect(ctx, weights)
		if err != nil {
			return value{}, err
		}
		acc := value{}
		for _, w := range ws {
			if acc.IsUndefined() {
				acc = w
			} else if acc, err = pyval.Binary(ctx, pyval.OpAdd, acc, w); err != nil {
				return value{}, err
			}
			cw = append(cw, acc)
		}
	} else if cw, err = collect(ctx, cum); err != nil {
		return value{}, err
	}
	if len(cw) != n {
		return value{}, valueErr("The number of weights does not match the population")
	}
	cf := make([]float64, len(cw))
	for i, c := range cw {
		if cf[i], err = realArg(c); err != nil {
			return value{}, err
		}
	}
	if n == 0 {
		return value{}, pyval.Errorf("IndexError", "list index out of range")
	}
	total := cf[n-1] + 0.0
	if total <= 0.0 {
		return value{}, valueErr("Total of weights must be greater than zero")
	}
	if math.IsInf(total, 0) || math.IsNaN(total) {
		return value{}, valueErr("Total of weights must be finite")
	}
	for i := range out {
		x := r.Random() * total
		// bisect_right(cum, x, 0, n-1)
		lo, hi := 0, n-1
		for lo < hi {
			mid := (lo + hi) / 2
			if x < cf[mid] {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		v, err := item(lo)
		if err != nil {
			return value{}, err
		}
		out[i] = v
	}
	return pyval.NewList(out), nil
}
