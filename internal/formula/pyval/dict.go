package pyval

// Dict is an insertion-ordered mapping (CPython 3.7+). Keys are hashed with
// Hash, so 1, 1.0 and True are the same key; the first inserted key object
// is kept, as in CPython.
type Dict struct {
	entries []dictEntry // insertion order; deleted entries have dead set
	index   []int32     // open addressing over entries; ixEmpty / ixDummy / entry index
	used    int         // live entries
	dummies int         // ixDummy slots in index
}

type dictEntry struct {
	key, val Value
	hash     uint64
	dead     bool
}

const (
	ixEmpty = -1
	ixDummy = -2
)

// NewDict returns an empty dict and its Value.
func NewDict() (*Dict, Value) {
	d := &Dict{}
	return d, Value{K: DictKind, O: d}
}

// Len returns the number of items.
func (d *Dict) Len() int { return d.used }

// keyEqual compares a stored key with a probe key of the same hash.
func keyEqual(ctx *Context, a, b Value) (bool, error) {
	if a.K == StrKind && b.K == StrKind {
		return a.String() == b.String(), nil
	}
	if a.K == b.K && a.N == b.N && a.O == nil && b.O == nil {
		return true, nil
	}
	return Equal(ctx, a, b)
}

// lookup returns the entry index of key (or -1) and the index slot where it
// is or would be inserted.
func (d *Dict) lookup(ctx *Context, key Value, h uint64) (int, int, error) {
	if len(d.index) == 0 {
		return -1, -1, nil
	}
	mask := uint64(len(d.index) - 1)
	i := h & mask
	perturb := h
	free := -1
	for {
		ix := d.index[i]
		switch {
		case ix == ixEmpty:
			if free >= 0 {
				return -1, free, nil
			}
			return -1, int(i), nil
		case ix == ixDummy:
			if free < 0 {
				free = int(i)
			}
		default:
			e := &d.entries[ix]
			if e.hash == h {
				eq, err := keyEqual(ctx, e.key, key)
				if err != nil {
					return -1, -1, err
				}
				if eq {
					return int(ix), int(i), nil
				}
			}
		}
		perturb >>= 5
		i = (i*5 + perturb + 1) & mask
	}
}

// Get returns the value stored under key.
func (d *Dict) Get(ctx *Context, key Value) (Value, bool, error) {
	h, err := Hash(key)
	if err != nil {
		return Value{}, false, err
	}
	ix, _, err := d.lookup(ctx, key, h)
	if err != nil || ix < 0 {
		return Value{}, false, err
	}
	return d.entries[ix].val, true, nil
}

// Set stores val under key.
func (d *Dict) Set(ctx *Context, key, val Value) error {
	h, err := Hash(key)
	if err != nil {
		return err
	}
	return d.setHashed(ctx, key, val, h)
}

func (d *Dict) setHashed(ctx *Context, key, val Value, h uint64) error {
	ix, slot, err := d.lookup(ctx, key, h)
	if err != nil {
		return err
	}
	if ix >= 0 {
		d.entries[ix].val = val
		return nil
	}
	if err := ctx.CheckSize(d.used + 1); err != nil {
		return err
	}
	if slot < 0 || (len(d.entries)+1)*3 >= len(d.index)*2 {
		d.rebuild(d.used + 1)
		_, slot, _ = d.lookup(ctx, key, h) // cannot fail: key is absent
	}
	if d.index[slot] == ixDummy {
		d.dummies--
	}
	d.index[slot] = int32(len(d.entries))
	d.entries = append(d.entries, dictEntry{key: key, val: val, hash: h})
	d.used++
	return nil
}

// rebuild compacts the entries and re-creates the index for at least n items.
func (d *Dict) rebuild(n int) {
	size := 8
	for size*2 <= n*3 {
		size <<= 1
	}
	size <<= 1
	if d.used != len(d.entries) {
		live := d.entries[:0]
		for _, e := range d.entries {
			if !e.dead {
				live = append(live, e)
			}
		}
		for i := len(live); i < len(d.entries); i++ {
			d.entries[i] = dictEntry{}
		}
		d.entries = live
	}
	d.index = make([]int32, size)
	for i := range d.index {
		d.index[i] = ixEmpty
	}
	d.dummies = 0
	mask := uint64(size - 1)
	for ix, e := range d.entries {
		i := e.hash & mask
		perturb := e.hash
		for d.index[i] != ixEmpty {
			perturb >>= 5
			i = (i*5 + perturb + 1) & mask
		}
		d.index[i] = int32(ix)
	}
}

// Delete removes key and reports whether it was present.
func (d *Dict) Delete(ctx *Context, key Value) (bool, error) {
	h, err := Hash(key)
	if err != nil {
		return false, err
	}
	ix, slot, err := d.lookup(ctx, key, h)
	if err != nil || ix < 0 {
		return false, err
	}
	d.index[slot] = ixDummy
	d.dummies++
	d.entries[ix] = dictEntry{dead: true}
	d.used--
	if d.used == 0 {
		d.Clear()
	}
	return true, nil
}

// Clear removes every item.
func (d *Dict) Clear() {
	d.entries, d.index, d.used, d.dummies = nil, nil, 0, 0
}

// GetStr looks up a str key (namespace fast path: no allocation).
func (d *Dict) GetStr(name string) (Value, bool) {
	if len(d.index) == 0 {
		return Value{}, false
	}
	h := hashString(name)
	mask := uint64(len(d.index) - 1)
	i := h & mask
	perturb := h
	for {
		ix := d.index[i]
		if ix == ixEmpty {
			return Value{}, false
		}
		if ix >= 0 {
			e := &d.entries[ix]
			if e.hash == h && e.key.K == StrKind && e.key.String() == name {
				return e.val, true
			}
		}
		perturb >>= 5
		i = (i*5 + perturb + 1) & mask
	}
}

// SetStr stores v under a str key (namespace fast path).
func (d *Dict) SetStr(name string, v Value) {
	_ = d.setHashed(nil, Str(name), v, hashString(name))
}

// Keys returns the keys in insertion order (a new slice).
func (d *Dict) Keys() []Value {
	keys := make([]Value, 0, d.used)
	for _, e := range d.entries {
		if !e.dead {
			keys = append(keys, e.key)
		}
	}
	return keys
}

// Values returns the values in insertion order (a new slice).
func (d *Dict) Values() []Value {
	vals := make([]Value, 0, d.used)
	for _, e := range d.entries {
		if !e.dead {
			vals = append(vals, e.val)
		}
	}
	return vals
}

// Items calls f for each item in insertion order, stopping at the first
// error. Items added by f are not visited.
func (d *Dict) Items(f func(k, v Value) error) error {
	n := len(d.entries)
	for i := 0; i < n && i < len(d.entries); i++ {
		e := d.entries[i]
		if e.dead {
			continue
		}
		if err := f(e.key, e.val); err != nil {
			return err
		}
	}
	return nil
}

// Copy returns a shallow copy.
func (d *Dict) Copy() (*Dict, Value) {
	c, v := NewDict()
	_ = c.update(nil, d)
	return c, v
}

// update copies every item of o into d (dict.update with a dict).
func (d *Dict) update(ctx *Context, o *Dict) error {
	return o.Items(func(k, v Value) error {
		h, _ := Hash(k)
		return d.setHashed(ctx, k, v, h)
	})
}
