package pylib

import (
	"strings"

	"chaoslab/internal/formula/pyval"
)

// Methods of dict. In Python 3 keys/values/items return live view objects
// (repr "dict_keys([...])"); in Python 2 they return lists, and has_key and
// the iter* methods exist.

func installDict() {
	D := pyval.DictKind
	reg(D, "clear", dClear)
	reg(D, "copy", dCopy)
	reg(D, "fromkeys", dFromkeys)
	reg(D, "get", dGet)
	reg(D, "keys", dictViewMethod("keys", viewKeys))
	reg(D, "values", dictViewMethod("values", viewValues))
	reg(D, "items", dictViewMethod("items", viewItems))
	reg(D, "pop", dPop)
	reg(D, "popitem", dPopitem)
	reg(D, "setdefault", dSetdefault)
	reg(D, "update", dUpdate)
	reg(D, "has_key", dHasKey)
	reg(D, "iterkeys", dictIterMethod("iterkeys", viewKeys))
	reg(D, "itervalues", dictIterMethod("itervalues", viewValues))
	reg(D, "iteritems", dictIterMethod("iteritems", viewItems))
}

func dictOf(v value) *pyval.Dict { return v.O.(*pyval.Dict) }

// py2Only raises Python 3's AttributeError for the Python 2 dict methods.
func py2Only(ctx *context, name string) error {
	if ctx.Py2 {
		return nil
	}
	return pyval.Errorf("AttributeError", "'dict' object has no attribute '%s'", name)
}

func keyError(ctx *context, k value) error {
	r, err := pyval.Repr(ctx, k)
	if err != nil {
		return err
	}
	return &pyval.Exception{Type: "KeyError", Msg: r}
}

func dClear(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noArgsOf(self, "clear", args, kw); err != nil {
		return value{}, err
	}
	dictOf(self).Clear()
	return pyval.None, nil
}

func dCopy(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noArgsOf(self, "copy", args, kw); err != nil {
		return value{}, err
	}
	d := dictOf(self)
	if err := ctx.Step(int64(d.Len())); err != nil {
		return value{}, err
	}
	_, v := d.Copy()
	return v, nil
}

func dFromkeys(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("fromkeys", kw); err != nil {
		return value{}, err
	}
	if len(args) < 1 || len(args) > 2 {
		return value{}, arity("fromkeys", args, 1, 2)
	}
	fill := pyval.None
	if len(args) == 2 {
		fill = args[1]
	}
	d, v := pyval.NewDict()
	err := forEach(ctx, args[0], func(k value) error { return d.Set(ctx, k, fill) })
	if err != nil {
		return value{}, err
	}
	return v, nil
}

func dGet(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("get", kw); err != nil {
		return value{}, err
	}
	if len(args) < 1 || len(args) > 2 {
		return value{}, arity("get", args, 1, 2)
	}
	v, ok, err := dictOf(self).Get(ctx, args[0])
	if err != nil {
		return value{}, err
	}
	if ok {
		return v, nil
	}
	if len(args) == 2 {
		return args[1], nil
	}
	return pyval.None, nil
}

type viewKind uint8

const (
	viewKeys viewKind = iota
	viewValues
	viewItems
)

// snapshotView returns the current keys, values or (key, value) tuples.
func snapshotView(d *pyval.Dict, k viewKind) []value {
	switch k {
	case viewKeys:
		return d.Keys()
	case viewValues:
		return d.Values()
	}
	out := make([]value, 0, d.Len())
	_ = d.Items(func(k, v value) error {
		out = append(out, pyval.NewTuple([]value{k, v}))
		return nil
	})
	return out
}

func dictViewMethod(name string, k viewKind) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, name, args, kw); err != nil {
			return value{}, err
		}
		d := dictOf(self)
		if err := ctx.Step(int64(d.Len())); err != nil {
			return value{}, err
		}
		if ctx.Py2 {
			return pyval.NewList(snapshotView(d, k)), nil
		}
		return pyval.NewObject(&DictView{d: d, kind: k}), nil
	}
}

func dictIterMethod(name string, k viewKind) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := py2Only(ctx, name); err != nil {
			return value{}, err
		}
		if err := noArgsOf(self, name, args, kw); err != nil {
			return value{}, err
		}
		items := snapshotView(dictOf(self), k)
		i := 0
		names := [...]string{"dictionary-keyiterator", "dictionary-valueiterator", "dictionary-itemiterator"}
		return makeIter(ctx, names[k], func(ctx *context) (value, bool, error) {
			if i >= len(items) {
				return value{}, false, nil
			}
			i++
			return items[i-1], true, nil
		})
	}
}

// DictView is a Python 3 dict view (dict_keys, dict_values, dict_items):
// iterable, sized, supports `in`, and reflects later changes to the dict.
type DictView struct {
	d    *pyval.Dict
	kind viewKind
}

var viewNames = [...]string{"dict_keys", "dict_values", "dict_items"}

// TypeName returns dict_keys, dict_values or dict_items.
func (v *DictView) TypeName() string { return viewNames[v.kind] }

// GetAttr has no attributes beyond the registered ones.
func (v *DictView) GetAttr(ctx *pyval.Context, name string) (value, error) {
	if name == "mapping" {
		return value{K: pyval.DictKind, O: v.d}, nil
	}
	return value{}, pyval.Errorf("AttributeError", "'%s' object has no attribute '%s'", v.TypeName(), name)
}

// Repr is "dict_keys([1, 2])".
func (v *DictView) Repr() string {
	// Object.Repr has no context: use a fresh one with the default budget.
	ctx := &pyval.Context{Steps: pyval.DefaultSteps}
	var b strings.Builder
	b.WriteString(v.TypeName())
	b.WriteString("([")
	for i, it := range snapshotView(v.d, v.kind) {
		if i > 0 {
			b.WriteString(", ")
		}
		r, err := pyval.Repr(ctx, it)
		if err != nil {
			r = "..."
		}
		b.WriteString(r)
	}
	b.WriteString("])")
	return b.String()
}

// Len is len(view).
func (v *DictView) Len() int { return v.d.Len() }

// Iterate yields the view's items, one step each.
func (v *DictView) Iterate(ctx *pyval.Context, yield func(value) error) error {
	for _, it := range snapshotView(v.d, v.kind) {
		if err := ctx.Step(1); err != nil {
			return err
		}
		if err := yield(it); err != nil {
			return err
		}
	}
	return nil
}

// Contains is `x in view`.
func (v *DictView) Contains(ctx *pyval.Context, x value) (bool, error) {
	switch v.kind {
	case viewKeys:
		_, ok, err := v.d.Get(ctx, x)
		return ok, err
	case viewItems:
		if x.K != pyval.TupleKind || len(x.O.(*pyval.Tuple).Items) != 2 {
			return false, nil
		}
		kv := x.O.(*pyval.Tuple).Items
		got, ok, err := v.d.Get(ctx, kv[0])
		if err != nil || !ok {
			return false, err
		}
		return pyval.Equal(ctx, got, kv[1])
	}
	for _, it := range v.d.Values() {
		if err := ctx.Step(1); err != nil {
			return false, err
		}
		eq, err := seqEqual(ctx, it, x)
		if err != nil || eq {
			return eq, err
		}
	}
	return false, nil
}

// Equal compares keys/items views like sets (values views compare by
// identity in CPython, so never equal to anything else).
func (v *DictView) Equal(ctx *pyval.Context, other value) (bool, error) {
	if v.kind == viewValues {
		if other.K == pyval.ObjectKind {
			o, ok := other.O.(*DictView)
			return ok && o == v, nil
		}
		return false, nil
	}
	var others []value
	switch other.K {
	case pyval.SetKind:
		others = other.O.(*pyval.Set).Items()
	case pyval.ObjectKind:
		o, ok := other.O.(*DictView)
		if !ok || o.kind == viewValues {
			return false, nil
		}
		others = snapshotView(o.d, o.kind)
	default:
		return false, nil
	}
	if len(others) != v.d.Len() {
		return false, nil
	}
	for _, x := range others {
		ok, err := v.Contains(ctx, x)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func dPop(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("pop", kw); err != nil {
		return value{}, err
	}
	if len(args) < 1 || len(args) > 2 {
		return value{}, arity("pop", args, 1, 2)
	}
	d := dictOf(self)
	v, ok, err := d.Get(ctx, args[0])
	if err != nil {
		return value{}, err
	}
	if !ok {
		if len(args) == 2 {
			return args[1], nil
		}
		return value{}, keyError(ctx, args[0])
	}
	if _, err := d.Delete(ctx, args[0]); err != nil {
		return value{}, err
	}
	return v, nil
}

func dPopitem(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noArgsOf(self, "popitem", args, kw); err != nil {
		return value{}, err
	}
	d := dictOf(self)
	keys := d.Keys()
	if len(keys) == 0 {
		return value{}, pyval.Errorf("KeyError", "'popitem(): dictionary is empty'")
	}
	k := keys[len(keys)-1]
	v, _, err := d.Get(ctx, k)
	if err != nil {
		return value{}, err
	}
	if _, err := d.Delete(ctx, k); err != nil {
		return value{}, err
	}
	return pyval.NewTuple([]value{k, v}), nil
}

func dSetdefault(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("setdefault", kw); err != nil {
		return value{}, err
	}
	if len(args) < 1 || len(args) > 2 {
		return value{}, arity("setdefault", args, 1, 2)
	}
	d := dictOf(self)
	v, ok, err := d.Get(ctx, args[0])
	if err != nil {
		return value{}, err
	}
	if ok {
		return v, nil
	}
	def := pyval.None
	if len(args) == 2 {
		def = args[1]
	}
	if err := ctx.CheckSize(d.Len() + 1); err != nil {
		return value{}, err
	}
	return def, d.Set(ctx, args[0], def)
}

func dUpdate(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if len(args) > 1 {
		return value{}, typeErr("update expected at most 1 argument, got %d", len(args))
	}
	d := dictOf(self)
	if len(args) == 1 {
		if err := dictUpdate(ctx, d, args[0]); err != nil {
			return value{}, err
		}
	}
	for _, k := range kw {
		if err := d.Set(ctx, pyval.Str(k.Name), k.Value); err != nil {
			return value{}, err
		}
	}
	return pyval.None, ctx.CheckSize(d.Len())
}

func dHasKey(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := py2Only(ctx, "has_key"); err != nil {
		return value{}, err
	}
	if err := noKw("has_key", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, typeErr("has_key() takes exactly one argument (%d given)", len(args))
	}
	_, ok, err := dictOf(self).Get(ctx, args[0])
	return pyval.Bool(ok), err
}
