package pylib

import (
	"cmp"
	"slices"
	"strings"

	"chaoslab/internal/formula/pyval"
)

// sortValues sorts items in place like list.sort: stable, key= and
// reverse= keywords (and cmp= in Python 2), the first comparison error
// aborts the sort.
func sortValues(ctx *context, items []value, fname string, kw []keyword) error {
	var key, cmpFn value
	reverse := false
	for _, k := range kw {
		switch {
		case k.Name == "key":
			if !isNone(k.Value) {
				key = k.Value
			}
		case k.Name == "reverse":
			reverse = pyval.Truth(k.Value)
		case k.Name == "cmp" && ctx.Py2:
			if !isNone(k.Value) {
				cmpFn = k.Value
			}
		default:
			return typeErr("'%s' is an invalid keyword argument for %s()", k.Name, fname)
		}
	}
	n := len(items)
	if n < 2 {
		if n == 1 && !key.IsUndefined() {
			_, err := pyval.Call(ctx, key, items[:1], nil)
			return err
		}
		return nil
	}
	// n log n comparisons.
	cost := int64(n)
	for m := n; m > 1; m >>= 1 {
		cost += int64(n)
	}
	if err := ctx.Step(cost); err != nil {
		return err
	}
	if key.IsUndefined() && cmpFn.IsUndefined() && sortHomogeneous(items, reverse) {
		return nil
	}
	keys := items
	if !key.IsUndefined() {
		keys = make([]value, n)
		var arg [1]value
		for i, v := range items {
			arg[0] = v
			k, err := pyval.Call(ctx, key, arg[:], nil)
			if err != nil {
				return err
			}
			keys[i] = k
		}
	}
	var less func(a, b value) (bool, error)
	if !cmpFn.IsUndefined() {
		var pair [2]value
		less = func(a, b value) (bool, error) {
			pair[0], pair[1] = a, b
			r, err := pyval.Call(ctx, cmpFn, pair[:], nil)
			if err != nil {
				return false, err
			}
			if !isInt(r) {
				return false, typeErr("comparison function must return int, not %s", pyval.TypeName(r))
			}
			return bigOf(r).Sign() < 0, nil
		}
	} else {
		less = func(a, b value) (bool, error) { return fastCompare(ctx, pyval.CmpLt, a, b) }
	}
	// CPython reverses, sorts stably and reverses again, so equal elements
	// keep their original order under reverse=True too.
	if reverse {
		reverseBoth(items, keys)
	}
	s := sorter{items: items, keys: keys, less: less}
	if key.IsUndefined() {
		s.keys = nil
	}
	s.sort()
	if s.err != nil {
		return s.err
	}
	if reverse {
		reverseBoth(items, keys)
	}
	return nil
}

// sortHomogeneous sorts all-int or all-str items directly. Equal ints and
// equal strs are indistinguishable, so stability cannot be observed and an
// unstable sort is exact.
func sortHomogeneous(items []value, reverse bool) bool {
	k := items[0].K
	if k != pyval.IntKind && k != pyval.StrKind {
		return false
	}
	for _, v := range items {
		if v.K != k {
			return false
		}
	}
	if k == pyval.IntKind {
		slices.SortFunc(items, func(a, b value) int { return cmp.Compare(a.Int64(), b.Int64()) })
	} else {
		slices.SortFunc(items, func(a, b value) int { return strings.Compare(a.String(), b.String()) })
	}
	if reverse {
		slices.Reverse(items)
	}
	return true
}

func reverseBoth(items, keys []value) {
	for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
		items[i], items[j] = items[j], items[i]
	}
	if len(keys) > 0 && &keys[0] != &items[0] {
		for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
			keys[i], keys[j] = keys[j], keys[i]
		}
	}
}

// sorter is a stable merge sort (insertion sort on short runs) that stops
// comparing after the first error.
type sorter struct {
	items, keys []value // keys nil: items are their own keys
	less        func(a, b value) (bool, error)
	err         error
	tmpI, tmpK  []value
}

func (s *sorter) key(i int) value {
	if s.keys != nil {
		return s.keys[i]
	}
	return s.items[i]
}

func (s *sorter) lt(a, b value) bool {
	if s.err != nil {
		return false
	}
	r, err := s.less(a, b)
	if err != nil {
		s.err = err
		return false
	}
	return r
}

// sort follows CPython's timsort run detection (count_run, then
// binarysort up to minrun), so for lists shorter than 64 it makes exactly
// CPython's comparisons in CPython's order and a mixed-type list fails with
// the same pair of types. Longer lists merge runs without galloping.
func (s *sorter) sort() {
	n := len(s.items)
	minrun := minRun(n)
	var bounds []int
	for lo := 0; lo < n && s.err == nil; {
		rn, desc := s.countRun(lo, n)
		if desc {
			s.reverse(lo, lo+rn)
		}
		if rn < minrun {
			force := min(minrun, n-lo)
			s.binarySort(lo, lo+force, lo+rn)
			rn = force
		}
		bounds = append(bounds, lo)
		lo += rn
	}
	if len(bounds) < 2 || s.err != nil {
		return
	}
	bounds = append(bounds, n)
	s.tmpI = make([]value, n)
	if s.keys != nil {
		s.tmpK = make([]value, n)
	}
	for len(bounds) > 2 && s.err == nil {
		next := bounds[:1]
		for i := 0; i+2 < len(bounds); i += 2 {
			s.merge(bounds[i], bounds[i+1], bounds[i+2])
			next = append(next, bounds[i+2])
		}
		if (len(bounds)-1)%2 == 1 {
			next = append(next, bounds[len(bounds)-1])
		}
		bounds = next
	}
}

// minRun is CPython's merge_compute_minrun.
func minRun(n int) int {
	r := 0
	for n >= 64 {
		r |= n & 1
		n >>= 1
	}
	return n + r
}

// countRun is CPython 3.11's count_run: the length of the run starting at
// lo, and whether it is strictly descending.
func (s *sorter) countRun(lo, hi int) (int, bool) {
	if lo+1 == hi {
		return 1, false
	}
	n := 2
	if s.lt(s.key(lo+1), s.key(lo)) {
		for i := lo + 2; i < hi && s.lt(s.key(i), s.key(i-1)); i++ {
			n++
		}
		return n, true
	}
	for i := lo + 2; i < hi && s.err == nil && !s.lt(s.key(i), s.key(i-1)); i++ {
		n++
	}
	return n, false
}

func (s *sorter) reverse(lo, hi int) {
	for i, j := lo, hi-1; i < j; i, j = i+1, j-1 {
		s.items[i], s.items[j] = s.items[j], s.items[i]
		if s.keys != nil {
			s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
		}
	}
}

// binarySort is CPython's binarysort: items[lo:start] are sorted; insert
// each later item after the last element not greater than it.
func (s *sorter) binarySort(lo, hi, start int) {
	if lo == start {
		start++
	}
	for ; start < hi && s.err == nil; start++ {
		pivot := s.key(start)
		l, r := lo, start
		for l < r {
			p := l + (r-l)>>1
			if s.lt(pivot, s.key(p)) {
				r = p
			} else {
				l = p + 1
			}
		}
		if s.err != nil {
			return
		}
		it := s.items[start]
		copy(s.items[l+1:start+1], s.items[l:start])
		s.items[l] = it
		if s.keys != nil {
			copy(s.keys[l+1:start+1], s.keys[l:start])
			s.keys[l] = pivot
		}
	}
}

func (s *sorter) merge(lo, mid, hi int) {
	if !s.lt(s.key(mid), s.key(mid-1)) {
		return // already in order
	}
	copy(s.tmpI[lo:hi], s.items[lo:hi])
	if s.keys != nil {
		copy(s.tmpK[lo:hi], s.keys[lo:hi])
	}
	tk := s.tmpI
	if s.keys != nil {
		tk = s.tmpK
	}
	i, j, k := lo, mid, lo
	for i < mid && j < hi {
		// Take from the right only when strictly smaller: stability.
		if s.lt(tk[j], tk[i]) {
			s.items[k] = s.tmpI[j]
			if s.keys != nil {
				s.keys[k] = s.tmpK[j]
			}
			j++
		} else {
			s.items[k] = s.tmpI[i]
			if s.keys != nil {
				s.keys[k] = s.tmpK[i]
			}
			i++
		}
		k++
	}
	for ; i < mid; i, k = i+1, k+1 {
		s.items[k] = s.tmpI[i]
		if s.keys != nil {
			s.keys[k] = s.tmpK[i]
		}
	}
	for ; j < hi; j, k = j+1, k+1 {
		s.items[k] = s.tmpI[j]
		if s.keys != nil {
			s.keys[k] = s.tmpK[j]
		}
	}
}
