package pyval

// TimSort sorts xs stably with CPython 3.11's listsort (count_run, binary
// insertion below minrun, powersort merge order, galloping merges), making
// the same comparisons in the same order. Results of a consistent ordering
// are those of any stable sort; what the port buys is that the first failing
// comparison — the pair named in "'<' not supported between instances of
// 'str' and 'float'" — and the calls made to a key or Python 2 cmp function
// are CPython's. The first error from less aborts the sort, leaving xs a
// permutation of its input.
func TimSort[T any](xs []T, less func(a, b T) (bool, error)) error {
	n := len(xs)
	if n < 2 {
		return nil
	}
	ts := &timSort[T]{xs: xs, less: less, minGallop: minGallop}
	lo, remaining := 0, n
	minrun := mergeComputeMinrun(n)
	for remaining > 0 {
		run, desc, err := ts.countRun(lo, lo+remaining)
		if err != nil {
			return err
		}
		if desc {
			reverseSlice(xs[lo : lo+run])
		}
		if run < minrun {
			force := min(remaining, minrun)
			if err := ts.binarySort(lo, lo+force, lo+run); err != nil {
				return err
			}
			run = force
		}
		if err := ts.foundNewRun(run); err != nil {
			return err
		}
		ts.pending = append(ts.pending, tsRun{base: lo, len: run})
		lo += run
		remaining -= run
	}
	for len(ts.pending) > 1 {
		i := len(ts.pending) - 2
		if i > 0 && ts.pending[i-1].len < ts.pending[i+1].len {
			i--
		}
		if err := ts.mergeAt(i); err != nil {
			return err
		}
	}
	return nil
}

const minGallop = 7

type tsRun struct{ base, len, power int }

type timSort[T any] struct {
	xs        []T
	less      func(a, b T) (bool, error)
	minGallop int
	pending   []tsRun
	tmp       []T
}

func mergeComputeMinrun(n int) int {
	r := 0
	for n >= 64 {
		r |= n & 1
		n >>= 1
	}
	return n + r
}

func reverseSlice[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// countRun is listobject.c's count_run: the length of the run at lo and
// whether it is strictly descending.
func (ts *timSort[T]) countRun(lo, hi int) (int, bool, error) {
	if lo+1 == hi {
		return 1, false, nil
	}
	xs := ts.xs
	d, err := ts.less(xs[lo+1], xs[lo])
	if err != nil {
		return 0, false, err
	}
	n := 2
	for i := lo + 2; i < hi; i, n = i+1, n+1 {
		lt, err := ts.less(xs[i], xs[i-1])
		if err != nil {
			return 0, false, err
		}
		if lt != d {
			break
		}
	}
	return n, d, nil
}

// binarySort is binarysort: xs[lo:start] is sorted; insert the rest.
func (ts *timSort[T]) binarySort(lo, hi, start int) error {
	xs := ts.xs
	if lo == start {
		start++
	}
	for ; start < hi; start++ {
		l, r := lo, start
		pivot := xs[r]
		for l < r {
			p := l + (r-l)>>1
			lt, err := ts.less(pivot, xs[p])
			if err != nil {
				return err
			}
			if lt {
				r = p
			} else {
				l = p + 1
			}
		}
		copy(xs[l+1:start+1], xs[l:start])
		xs[l] = pivot
	}
	return nil
}

// foundNewRun merges pending runs by powersort's rule before a run of
// length n2 is pushed.
func (ts *timSort[T]) foundNewRun(n2 int) error {
	if len(ts.pending) == 0 {
		return nil
	}
	last := &ts.pending[len(ts.pending)-1]
	power := powerLoop(last.base, last.len, n2, len(ts.xs))
	for len(ts.pending) > 1 && ts.pending[len(ts.pending)-2].power > power {
		if err := ts.mergeAt(len(ts.pending) - 2); err != nil {
			return err
		}
	}
	ts.pending[len(ts.pending)-1].power = power
	return nil
}

func powerLoop(s1, n1, n2, n int) int {
	result := 0
	a := 2*s1 + n1
	b := a + n1 + n2
	for {
		result++
		if a >= n {
			a -= n
			b -= n
		} else if b >= n {
			break
		}
		a <<= 1
		b <<= 1
	}
	return result
}

// mergeAt merges pending runs i and i+1.
func (ts *timSort[T]) mergeAt(i int) error {
	p := ts.pending
	baseA, na := p[i].base, p[i].len
	baseB, nb := p[i+1].base, p[i+1].len
	p[i].len = na + nb
	if i == len(p)-3 {
		p[i+1] = p[i+2]
	}
	ts.pending = p[:len(p)-1]
	xs := ts.xs
	k, err := ts.gallopRight(xs[baseB], xs[baseA:baseA+na], 0)
	if err != nil {
		return err
	}
	baseA += k
	na -= k
	if na == 0 {
		return nil
	}
	nb, err = ts.gallopLeft(xs[baseA+na-1], xs[baseB:baseB+nb], nb-1)
	if err != nil || nb <= 0 {
		return err
	}
	if na <= nb {
		return ts.mergeLo(baseA, na, baseB, nb)
	}
	return ts.mergeHi(baseA, na, baseB, nb)
}

// gallopLeft returns k with a[:k] < key <= a[k:], starting near hint.
func (ts *timSort[T]) gallopLeft(key T, a []T, hint int) (int, error) {
	n := len(a)
	lastofs, ofs := 0, 1
	lt, err := ts.less(a[hint], key)
	if err != nil {
		return 0, err
	}
	if lt {
		maxofs := n - hint
		for ofs < maxofs {
			lt, err := ts.less(a[hint+ofs], key)
			if err != nil {
				return 0, err
			}
			if !lt {
				break
			}
			lastofs = ofs
			ofs = ofs<<1 + 1
		}
		ofs = min(ofs, maxofs)
		lastofs += hint
		ofs += hint
	} else {
		maxofs := hint + 1
		for ofs < maxofs {
			lt, err := ts.less(a[hint-ofs], key)
			if err != nil {
				return 0, err
			}
			if lt {
				break
			}
			lastofs = ofs
			ofs = ofs<<1 + 1
		}
		ofs = min(ofs, maxofs)
		lastofs, ofs = hint-ofs, hint-lastofs
	}
	lastofs++
	for lastofs < ofs {
		m := lastofs + (ofs-lastofs)>>1
		lt, err := ts.less(a[m], key)
		if err != nil {
			return 0, err
		}
		if lt {
			lastofs = m + 1
		} else {
			ofs = m
		}
	}
	return ofs, nil
}

// gallopRight returns k with a[:k] <= key < a[k:], starting near hint.
func (ts *timSort[T]) gallopRight(key T, a []T, hint int) (int, error) {
	n := len(a)
	lastofs, ofs := 0, 1
	lt, err := ts.less(key, a[hint])
	if err != nil {
		return 0, err
	}
	if lt {
		maxofs := hint + 1
		for ofs < maxofs {
			lt, err := ts.less(key, a[hint-ofs])
			if err != nil {
				return 0, err
			}
			if !lt {
				break
			}
			lastofs = ofs
			ofs = ofs<<1 + 1
		}
		ofs = min(ofs, maxofs)
		lastofs, ofs = hint-ofs, hint-lastofs
	} else {
		maxofs := n - hint
		for ofs < maxofs {
			lt, err := ts.less(key, a[hint+ofs])
			if err != nil {
				return 0, err
			}
			if lt {
				break
			}
			lastofs = ofs
			ofs = ofs<<1 + 1
		}
		ofs = min(ofs, maxofs)
		lastofs += hint
		ofs += hint
	}
	lastofs++
	for lastofs < ofs {
		m := lastofs + (ofs-lastofs)>>1
		lt, err := ts.less(key, a[m])
		if err != nil {
			return 0, err
		}
		if lt {
			ofs = m
		} else {
			lastofs = m + 1
		}
	}
	return ofs, nil
}

// mergeLo merges the adjacent runs a (shorter) and b, left to right.
func (ts *timSort[T]) mergeLo(baseA, na, baseB, nb int) (err error) {
	xs := ts.xs
	ts.tmp = append(ts.tmp[:0], xs[baseA:baseA+na]...)
	a := ts.tmp
	pa, pb, dest := 0, baseB, baseA
	defer func() {
		// Succeed and Fail both put what is left of a back.
		if na > 0 {
			copy(xs[dest:dest+na], a[pa:pa+na])
		}
	}()
	xs[dest] = xs[pb]
	dest, pb, nb = dest+1, pb+1, nb-1
	if nb == 0 {
		return nil
	}
	if na == 1 {
		goto copyB
	}
	for {
		acount, bcount := 0, 0
		for {
			lt, err := ts.less(xs[pb], a[pa])
			if err != nil {
				return err
			}
			if lt {
				xs[dest] = xs[pb]
				dest, pb, nb = dest+1, pb+1, nb-1
				bcount++
				acount = 0
				if nb == 0 {
					return nil
				}
				if bcount >= ts.minGallop {
					break
				}
			} else {
				xs[dest] = a[pa]
				dest, pa, na = dest+1, pa+1, na-1
				acount++
				bcount = 0
				if na == 1 {
					goto copyB
				}
				if acount >= ts.minGallop {
					break
				}
			}
		}
		ts.minGallop++
		for {
			if ts.minGallop > 1 {
				ts.minGallop--
			}
			k, err := ts.gallopRight(xs[pb], a[pa:pa+na], 0)
			if err != nil {
				return err
			}
			acount = k
			if k > 0 {
				copy(xs[dest:dest+k], a[pa:pa+k])
				dest, pa, na = dest+k, pa+k, na-k
				if na == 1 {
					goto copyB
				}
				if na == 0 {
					return nil
				}
			}
			xs[dest] = xs[pb]
			dest, pb, nb = dest+1, pb+1, nb-1
			if nb == 0 {
				return nil
			}
			k, err = ts.gallopLeft(a[pa], xs[pb:pb+nb], 0)
			if err != nil {
				return err
			}
			bcount = k
			if k > 0 {
				copy(xs[dest:dest+k], xs[pb:pb+k])
				dest, pb, nb = dest+k, pb+k, nb-k
				if nb == 0 {
					return nil
				}
			}
			xs[dest] = a[pa]
			dest, pa, na = dest+1, pa+1, na-1
			if na == 1 {
				goto copyB
			}
			if acount < minGallop && bcount < minGallop {
				break
			}
		}
		ts.minGallop++
	}
copyB:
	copy(xs[dest:dest+nb], xs[pb:pb+nb])
	xs[dest+nb] = a[pa]
	na = 0
	return nil
}

// mergeHi merges the adjacent runs a and b (shorter), right to left.
func (ts *timSort[T]) mergeHi(baseA, na, baseB, nb int) (err error) {
	xs := ts.xs
	ts.tmp = append(ts.tmp[:0], xs[baseB:baseB+nb]...)
	b := ts.tmp
	dest := baseB + nb - 1
	pa := baseA + na - 1 // last of a, in xs
	pb := nb - 1         // last of b, in tmp
	defer func() {
		if nb > 0 {
			copy(xs[dest-(nb-1):dest+1], b[:nb])
		}
	}()
	xs[dest] = xs[pa]
	dest, pa, na = dest-1, pa-1, na-1
	if na == 0 {
		return nil
	}
	if nb == 1 {
		goto copyA
	}
	for {
		acount, bcount := 0, 0
		for {
			lt, err := ts.less(b[pb], xs[pa])
			if err != nil {
				return err
			}
			if lt {
				xs[dest] = xs[pa]
				dest, pa, na = dest-1, pa-1, na-1
				acount++
				bcount = 0
				if na == 0 {
					return nil
				}
				if acount >= ts.minGallop {
					break
				}
			} else {
				xs[dest] = b[pb]
				dest, pb, nb = dest-1, pb-1, nb-1
				bcount++
				acount = 0
				if nb == 1 {
					goto copyA
				}
				if bcount >= ts.minGallop {
					break
				}
			}
		}
		ts.minGallop++
		for {
			if ts.minGallop > 1 {
				ts.minGallop--
			}
			k, err := ts.gallopRight(b[pb], xs[baseA:baseA+na], na-1)
			if err != nil {
				return err
			}
			k = na - k
			acount = k
			if k > 0 {
				dest, pa = dest-k, pa-k
				copy(xs[dest+1:dest+1+k], xs[pa+1:pa+1+k])
				na -= k
				if na == 0 {
					return nil
				}
			}
			xs[dest] = b[pb]
			dest, pb, nb = dest-1, pb-1, nb-1
			if nb == 1 {
				goto copyA
			}
			k, err = ts.gallopLeft(xs[pa], b[:nb], nb-1)
			if err != nil {
				return err
			}
			k = nb - k
			bcount = k
			if k > 0 {
				dest, pb = dest-k, pb-k
				copy(xs[dest+1:dest+1+k], b[pb+1:pb+1+k])
				nb -= k
				if nb == 1 {
					goto copyA
				}
				if nb == 0 {
					return nil
				}
			}
			xs[dest] = xs[pa]
			dest, pa, na = dest-1, pa-1, na-1
			if na == 0 {
				return nil
			}
			if acount < minGallop && bcount < minGallop {
				break
			}
		}
		ts.minGallop++
	}
copyA:
	dest, pa = dest-na, pa-na
	copy(xs[dest+1:dest+1+na], xs[pa+1:pa+1+na])
	xs[dest] = b[pb]
	nb = 0
	return nil
}
