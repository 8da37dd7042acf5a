package pyval

// In-place set updates with CPython's table effects (setobject.c), so that
// s.intersection_update(...), s -= ..., s ^= ... iterate as in CPython.

// SwapBodies exchanges the tables of s and o (set_swap_bodies); each keeps
// its frozen flag.
func (s *Set) SwapBodies(o *Set) {
	s.table, o.table = o.table, s.table
	s.fill, o.fill = o.fill, s.fill
	s.used, o.used = o.used, s.used
}

// DifferenceUpdate removes every element of o (set_difference_update_internal
// for a set argument) and compacts the table when over a quarter of it is
// dummies, as CPython does.
func (s *Set) DifferenceUpdate(ctx *Context, o *Set) error {
	if o == s {
		s.Clear()
		return nil
	}
	for i := range o.table {
		if e := o.table[i]; e.state == slotActive {
			if _, err := s.discardEntry(ctx, e.key, e.hash); err != nil {
				return err
			}
		}
	}
	s.Compact()
	return nil
}

// Compact resizes the table away when more than a quarter of it is dummies
// (the end of set_difference_update_internal).
func (s *Set) Compact() {
	if len(s.table) == 0 || s.fill-s.used <= (len(s.table)-1)/4 {
		return
	}
	if s.used > 50000 {
		s.resize(s.used * 2)
	} else {
		s.resize(s.used * 4)
	}
}

// SymmetricDifferenceUpdate is set_symmetric_difference_update with a set
// argument: each element of o is discarded from s, or added when absent.
func (s *Set) SymmetricDifferenceUpdate(ctx *Context, o *Set) error {
	if o == s {
		s.Clear()
		return nil
	}
	for i := range o.table {
		e := o.table[i]
		if e.state != slotActive {
			continue
		}
		found, err := s.discardEntry(ctx, e.key, e.hash)
		if err != nil {
			return err
		}
		if !found {
			if err := s.addEntry(ctx, e.key, e.hash); err != nil {
				return err
			}
		}
	}
	return nil
}
