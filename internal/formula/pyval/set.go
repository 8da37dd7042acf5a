package pyval

// Set is a set or frozenset. Its hash table mimics CPython's setobject.c
// (initial size 8, 9 linear probes then perturbed probing, growth when the
// table is 60% full, dummies for deleted entries) so that iteration order
// equals CPython's for numbers, None and tuples of those.
type Set struct {
	table  []setEntry // nil until the first insertion: then 8 slots
	fill   int        // active + dummy
	used   int        // active
	frozen bool
}

type setEntry struct {
	key   Value
	hash  uint64
	state uint8 // slotEmpty, slotActive, slotDummy
}

const (
	slotEmpty uint8 = iota
	slotActive
	slotDummy

	setMinSize   = 8
	linearProbes = 9
	perturbShift = 5
)

// NewSet returns an empty set (frozenset when frozen) and its Value.
func NewSet(frozen bool) (*Set, Value) {
	s := &Set{frozen: frozen}
	return s, Value{K: SetKind, O: s}
}

// Frozen reports whether s is a frozenset.
func (s *Set) Frozen() bool { return s.frozen }

// Len returns the number of elements.
func (s *Set) Len() int { return s.used }

// Items returns the elements in iteration (table) order.
func (s *Set) Items() []Value {
	out := make([]Value, 0, s.used)
	for i := range s.table {
		if s.table[i].state == slotActive {
			out = append(out, s.table[i].key)
		}
	}
	return out
}

// Add inserts v (TypeError if unhashable).
func (s *Set) Add(ctx *Context, v Value) error {
	h, err := Hash(v)
	if err != nil {
		return err
	}
	return s.addEntry(ctx, v, h)
}

// Has reports whether v is an element (TypeError if unhashable).
func (s *Set) Has(ctx *Context, v Value) (bool, error) {
	h, err := Hash(v)
	if err != nil {
		return false, err
	}
	i, err := s.find(ctx, v, h)
	return i >= 0, err
}

// Discard removes v and reports whether it was present.
func (s *Set) Discard(ctx *Context, v Value) (bool, error) {
	h, err := Hash(v)
	if err != nil {
		return false, err
	}
	return s.discardEntry(ctx, v, h)
}

// Clear removes every element.
func (s *Set) Clear() { s.table, s.fill, s.used = nil, 0, 0 }

// Copy returns a shallow copy (a set, or a frozenset when frozen is set).
func (s *Set) Copy(frozen bool) (*Set, Value) {
	c, v := NewSet(frozen)
	c.merge(nil, s)
	return c, v
}

// find returns the table index of v or -1.
func (s *Set) find(ctx *Context, v Value, h uint64) (int, error) {
	if len(s.table) == 0 {
		return -1, nil
	}
	mask := uint64(len(s.table) - 1)
	i := h & mask
	perturb := h
	for {
		probes := 0
		if i+linearProbes <= mask {
			probes = linearProbes
		}
		for j := i; ; j++ {
			e := &s.table[j]
			if e.state == slotEmpty {
				return -1, nil
			}
			if e.state == slotActive && e.hash == h {
				eq, err := keyEqual(ctx, e.key, v)
				if err != nil {
					return -1, err
				}
				if eq {
					return int(j), nil
				}
			}
			if probes == 0 {
				break
			}
			probes--
		}
		perturb >>= perturbShift
		i = (i*5 + 1 + perturb) & mask
	}
}

// reuseDummies: CPython 3.11's set_add_entry puts a new key into the last
// dummy slot met on its probe path (the table tests against python3 confirm
// this: first-dummy and no-reuse both give different orders).
const reuseDummies = true

// addEntry is set_add_entry.
func (s *Set) addEntry(ctx *Context, v Value, h uint64) error {
	if len(s.table) == 0 {
		s.table = make([]setEntry, setMinSize)
	}
	mask := uint64(len(s.table) - 1)
	i := h & mask
	perturb := h
	free := -1
	for {
		probes := 0
		if i+linearProbes <= mask {
			probes = linearProbes
		}
		for j := i; ; j++ {
			e := &s.table[j]
			switch e.state {
			case slotEmpty:
				if err := ctx.CheckSize(s.used + 1); err != nil {
					return err
				}
				if free >= 0 && reuseDummies {
					s.used++
					s.table[free] = setEntry{key: v, hash: h, state: slotActive}
					return nil
				}
				s.fill++
				s.used++
				*e = setEntry{key: v, hash: h, state: slotActive}
				if uint64(s.fill)*5 < mask*3 {
					return nil
				}
				if s.used > 50000 {
					s.resize(s.used * 2)
				} else {
					s.resize(s.used * 4)
				}
				return nil
			case slotActive:
				if e.hash == h {
					eq, err := keyEqual(ctx, e.key, v)
					if err != nil {
						return err
					}
					if eq {
						return nil
					}
				}
			case slotDummy:
				free = int(j)
			}
			if probes == 0 {
				break
			}
			probes--
		}
		perturb >>= perturbShift
		i = (i*5 + 1 + perturb) & mask
	}
}

// resize is set_table_resize.
func (s *Set) resize(minused int) {
	size := setMinSize
	for size <= minused {
		size <<= 1
	}
	old := s.table
	s.table = make([]setEntry, size)
	s.fill = s.used
	for i := range old {
		if old[i].state == slotActive {
			s.insertClean(old[i].key, old[i].hash)
		}
	}
}

// insertClean is set_insert_clean: the table has no dummies and no equal key.
func (s *Set) insertClean(v Value, h uint64) {
	mask := uint64(len(s.table) - 1)
	i := h & mask
	perturb := h
	for {
		if s.table[i].state == slotEmpty {
			s.table[i] = setEntry{key: v, hash: h, state: slotActive}
			return
		}
		if i+linearProbes <= mask {
			for j := i + 1; j <= i+linearProbes; j++ {
				if s.table[j].state == slotEmpty {
					s.table[j] = setEntry{key: v, hash: h, state: slotActive}
					return
				}
			}
		}
		perturb >>= perturbShift
		i = (i*5 + 1 + perturb) & mask
	}
}

func (s *Set) discardEntry(ctx *Context, v Value, h uint64) (bool, error) {
	i, err := s.find(ctx, v, h)
	if err != nil || i < 0 {
		return false, err
	}
	s.table[i] = setEntry{hash: hashMinus1, state: slotDummy}
	s.used--
	return true, nil
}

// merge is set_merge: add every element of o, CPython's way.
func (s *Set) merge(ctx *Context, o *Set) error {
	if o == s || o.used == 0 {
		return nil
	}
	if err := ctx.CheckSize(s.used + o.used); err != nil {
		return err
	}
	if len(s.table) == 0 {
		s.table = make([]setEntry, setMinSize)
	}
	if (s.fill+o.used)*5 >= (len(s.table)-1)*3 {
		s.resize((s.used + o.used) * 2)
	}
	if s.fill == 0 && len(s.table) == len(o.table) && o.fill == o.used {
		// Same-size copy of a table without dummies keeps the layout.
		copy(s.table, o.table)
		s.fill, s.used = o.fill, o.used
		return nil
	}
	if s.fill == 0 {
		for i := range o.table {
			if o.table[i].state == slotActive {
				s.insertClean(o.table[i].key, o.table[i].hash)
				s.fill++
				s.used++
			}
		}
		return nil
	}
	for i := range o.table {
		if o.table[i].state == slotActive {
			if err := s.addEntry(ctx, o.table[i].key, o.table[i].hash); err != nil {
				return err
			}
		}
	}
	return nil
}

// Update adds every element of v (any iterable), like set.update.
func (s *Set) Update(ctx *Context, v Value) error {
	if v.K == SetKind {
		return s.merge(ctx, v.O.(*Set))
	}
	if v.K == DictKind {
		d := v.O.(*Dict)
		if len(s.table) == 0 {
			s.table = make([]setEntry, setMinSize)
		}
		if (s.fill+d.Len())*5 >= (len(s.table)-1)*3 {
			s.resize((s.used + d.Len()) * 2)
		}
		return d.Items(func(k, _ Value) error { return s.Add(ctx, k) })
	}
	return Iterate(ctx, v, func(x Value) error { return s.Add(ctx, x) })
}

// frozenHash is CPython's frozenset_hash.
func (s *Set) frozenHash() uint64 {
	shuffle := func(h uint64) uint64 { return ((h ^ 89869747) ^ (h << 16)) * 3644798167 }
	var hash uint64
	for i := range s.table {
		if s.table[i].state == slotActive {
			hash ^= shuffle(s.table[i].hash)
		}
	}
	hash ^= (uint64(s.used) + 1) * 1927868237
	hash ^= (hash >> 11) ^ (hash >> 25)
	hash = hash*69069 + 907133923
	if hash == hashMinus1 {
		hash = 590923713
	}
	return hash
}

// setBinary implements | & - ^ between sets, following setobject.c so the
// result's iteration order matches CPython's. The result has a's type.
func setBinary(ctx *Context, op Op, a, b *Set) (Value, error) {
	switch op {
	case OpOr:
		r, v := a.Copy(a.frozen)
		return v, r.merge(ctx, b)
	case OpAnd:
		r, v := NewSet(a.frozen)
		if a == b {
			r, v = a.Copy(a.frozen)
			return v, nil
		}
		big, small := a, b
		if b.used > a.used {
			big, small = b, a
		}
		for i := range small.table {
			e := small.table[i]
			if e.state != slotActive {
				continue
			}
			j, err := big.find(ctx, e.key, e.hash)
			if err != nil {
				return Value{}, err
			}
			if j >= 0 {
				if err := r.addEntry(ctx, e.key, e.hash); err != nil {
					return Value{}, err
				}
			}
		}
		return v, nil
	case OpSub:
		if a.used>>2 > b.used {
			r, v := a.Copy(a.frozen)
			for i := range b.table {
				if e := b.table[i]; e.state == slotActive {
					if _, err := r.discardEntry(ctx, e.key, e.hash); err != nil {
						return Value{}, err
					}
				}
			}
			return v, nil
		}
		r, v := NewSet(a.frozen)
		for i := range a.table {
			e := a.table[i]
			if e.state != slotActive {
				continue
			}
			j, err := b.find(ctx, e.key, e.hash)
			if err != nil {
				return Value{}, err
			}
			if j < 0 {
				if err := r.addEntry(ctx, e.key, e.hash); err != nil {
					return Value{}, err
				}
			}
		}
		return v, nil
	case OpXor:
		r, v := b.Copy(a.frozen)
		for i := range a.table {
			e := a.table[i]
			if e.state != slotActive {
				continue
			}
			found, err := r.discardEntry(ctx, e.key, e.hash)
			if err != nil {
				return Value{}, err
			}
			if !found {
				if err := r.addEntry(ctx, e.key, e.hash); err != nil {
					return Value{}, err
				}
			}
		}
		return v, nil
	}
	return Value{}, unsupported(ctx, op, Value{K: SetKind, O: a}, Value{K: SetKind, O: b})
}
