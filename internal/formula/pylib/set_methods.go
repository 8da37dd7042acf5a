package pylib

import (
	"chaoslab/internal/formula/pyval"
)

// Methods of set and frozenset (one kind in pyval; mutators refuse
// frozensets with CPython's AttributeError).

func installSet() {
	S := pyval.SetKind
	reg(S, "add", setMutator("add", func(ctx *context, s *pyval.Set, args []value) error {
		if len(args) != 1 {
			return typeErr("set.add() takes exactly one argument (%d given)", len(args))
		}
		if err := ctx.CheckSize(s.Len() + 1); err != nil {
			return err
		}
		return s.Add(ctx, args[0])
	}))
	reg(S, "clear", setMutator("clear", func(ctx *context, s *pyval.Set, args []value) error {
		if len(args) != 0 {
			return typeErr("set.clear() takes no arguments (%d given)", len(args))
		}
		s.Clear()
		return nil
	}))
	reg(S, "discard", setMutator("discard", func(ctx *context, s *pyval.Set, args []value) error {
		if len(args) != 1 {
			return typeErr("set.discard() takes exactly one argument (%d given)", len(args))
		}
		_, err := s.Discard(ctx, args[0])
		return err
	}))
	reg(S, "remove", setMutator("remove", func(ctx *context, s *pyval.Set, args []value) error {
		if len(args) != 1 {
			return typeErr("set.remove() takes exactly one argument (%d given)", len(args))
		}
		ok, err := s.Discard(ctx, args[0])
		if err != nil {
			return err
		}
		if !ok {
			return keyError(ctx, args[0])
		}
		return nil
	}))
	reg(S, "update", setMutator("update", func(ctx *context, s *pyval.Set, args []value) error {
		for _, a := range args {
			if err := addAll(ctx, s, a); err != nil {
				return err
			}
		}
		return nil
	}))
	reg(S, "pop", sPop)
	reg(S, "copy", func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, "copy", args, kw); err != nil {
			return value{}, err
		}
		s := setOf(self)
		if s.Frozen() {
			return self, nil
		}
		if err := ctx.Step(int64(s.Len())); err != nil {
			return value{}, err
		}
		_, v := s.Copy(false)
		return v, nil
	})
	reg(S, "union", setOp("union", opUnion))
	reg(S, "intersection", setOp("intersection", opIntersection))
	reg(S, "difference", setOp("difference", opDifference))
	reg(S, "symmetric_difference", setOp("symmetric_difference", opSymDiff))
	reg(S, "intersection_update", setUpdateOp("intersection_update", opIntersection))
	reg(S, "difference_update", setUpdateOp("difference_update", opDifference))
	reg(S, "symmetric_difference_update", setUpdateOp("symmetric_difference_update", opSymDiff))
	reg(S, "isdisjoint", setPred("isdisjoint", func(ctx *context, s, o *pyval.Set) (bool, error) {
		for _, x := range s.Items() {
			in, err := o.Has(ctx, x)
			if err != nil || in {
				return false, err
			}
		}
		return true, nil
	}))
	reg(S, "issubset", setPred("issubset", subset))
	reg(S, "issuperset", setPred("issuperset", func(ctx *context, s, o *pyval.Set) (bool, error) { return subset(ctx, o, s) }))
}

func setOf(v value) *pyval.Set { return v.O.(*pyval.Set) }

func setMutator(name string, f func(ctx *context, s *pyval.Set, args []value) error) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		s := setOf(self)
		if s.Frozen() {
			return value{}, pyval.Errorf("AttributeError", "'frozenset' object has no attribute '%s'", name)
		}
		if err := noKw(name, kw); err != nil {
			return value{}, err
		}
		if err := f(ctx, s, args); err != nil {
			return value{}, err
		}
		return pyval.None, nil
	}
}

func sPop(ctx *context, self value, args []value, kw []keyword) (value, error) {
	s := setOf(self)
	if s.Frozen() {
		return value{}, pyval.Errorf("AttributeError", "'frozenset' object has no attribute 'pop'")
	}
	if err := noArgsOf(self, "pop", args, kw); err != nil {
		return value{}, err
	}
	items := s.Items()
	if len(items) == 0 {
		return value{}, pyval.Errorf("KeyError", "'pop from an empty set'")
	}
	if _, err := s.Discard(ctx, items[0]); err != nil {
		return value{}, err
	}
	return items[0], nil
}

// The set methods follow setobject.c's structure (which set is copied,
// which one is iterated, when a table is swapped or compacted) so that the
// results iterate in CPython's order.

func setVal(s *pyval.Set) value { return value{K: pyval.SetKind, O: s} }

// addAll is set_update_internal: a set is merged (its layout copied when
// possible), anything else is added element by element.
func addAll(ctx *context, s *pyval.Set, x value) error {
	if x.K == pyval.SetKind || x.K == pyval.DictKind {
		return s.Update(ctx, x)
	}
	return forEach(ctx, x, func(v value) error { return s.Add(ctx, v) })
}

// asSet returns x as a set, building a temporary one from an iterable.
func asSet(ctx *context, x value) (*pyval.Set, error) {
	if x.K == pyval.SetKind {
		return setOf(x), nil
	}
	s, _ := pyval.NewSet(true)
	if err := addAll(ctx, s, x); err != nil {
		return nil, err
	}
	return s, nil
}

// binarySet applies a set operator of pyval (set_or, set_and, ...) to two sets.
func binarySet(ctx *context, op pyval.Op, a *pyval.Set, b value) (*pyval.Set, error) {
	r, err := pyval.Binary(ctx, op, setVal(a), b)
	if err != nil {
		return nil, err
	}
	return setOf(r), nil
}

// intersect is set_intersection.
func intersect(ctx *context, a *pyval.Set, b value) (*pyval.Set, error) {
	if b.K == pyval.SetKind {
		return binarySet(ctx, pyval.OpAnd, a, b)
	}
	out, _ := pyval.NewSet(a.Frozen())
	err := forEach(ctx, b, func(x value) error {
		in, err := a.Has(ctx, x)
		if err != nil || !in {
			return err
		}
		return out.Add(ctx, x)
	})
	return out, err
}

// differenceUpdate is set_difference_update_internal.
func differenceUpdate(ctx *context, s *pyval.Set, b value) error {
	if b.K == pyval.SetKind {
		return s.DifferenceUpdate(ctx, setOf(b))
	}
	err := forEach(ctx, b, func(x value) error {
		_, err := s.Discard(ctx, x)
		return err
	})
	s.Compact()
	return err
}

// symDiffUpdate is set_symmetric_difference_update.
func symDiffUpdate(ctx *context, s *pyval.Set, b value) error {
	o, err := asSet(ctx, b)
	if err != nil {
		return err
	}
	return s.SymmetricDifferenceUpdate(ctx, o)
}

// setOpMulti is set_union / set_intersection_multi / set_difference_multi /
// set_symmetric_difference on s and args.
func setOpMulti(ctx *context, s *pyval.Set, args []value, op setOpKind) (*pyval.Set, error) {
	if len(args) == 0 || op == opUnion {
		cur, _ := s.Copy(s.Frozen())
		for _, a := range args {
			if err := addAll(ctx, cur, a); err != nil {
				return nil, err
			}
		}
		return cur, nil
	}
	switch op {
	case opIntersection:
		cur := s
		for _, a := range args {
			next, err := intersect(ctx, cur, a)
			if err != nil {
				return nil, err
			}
			cur = next
		}
		if cur == s {
			cur, _ = s.Copy(s.Frozen())
		}
		return cur, nil
	case opDifference:
		var cur *pyval.Set
		if args[0].K == pyval.SetKind {
			next, err := binarySet(ctx, pyval.OpSub, s, args[0])
			if err != nil {
				return nil, err
			}
			cur = next
		} else {
			cur, _ = s.Copy(s.Frozen())
			if err := differenceUpdate(ctx, cur, args[0]); err != nil {
				return nil, err
			}
		}
		for _, a := range args[1:] {
			if err := differenceUpdate(ctx, cur, a); err != nil {
				return nil, err
			}
		}
		return cur, nil
	}
	// symmetric_difference: a new set of the argument, updated with s.
	o, _ := pyval.NewSet(s.Frozen())
	if err := addAll(ctx, o, args[0]); err != nil {
		return nil, err
	}
	return o, o.SymmetricDifferenceUpdate(ctx, s)
}

type setOpKind uint8

const (
	opUnion setOpKind = iota
	opIntersection
	opDifference
	opSymDiff
)

func setOp(name string, op setOpKind) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noKw(name, kw); err != nil {
			return value{}, err
		}
		s := setOf(self)
		if op == opSymDiff && len(args) != 1 {
			return value{}, typeErr("%s.symmetric_difference() takes exactly one argument (%d given)", pyval.TypeName(self), len(args))
		}
		for _, a := range args {
			if err := checkIterable(a); err != nil {
				return value{}, err
			}
		}
		r, err := setOpMulti(ctx, s, args, op)
		if err != nil {
			return value{}, err
		}
		return setVal(r), nil
	}
}

func setUpdateOp(name string, op setOpKind) method {
	return setMutator(name, func(ctx *context, s *pyval.Set, args []value) error {
		if op == opSymDiff && len(args) != 1 {
			return typeErr("set.symmetric_difference_update() takes exactly one argument (%d given)", len(args))
		}
		for _, a := range args {
			if err := checkIterable(a); err != nil {
				return err
			}
		}
		switch op {
		case opIntersection:
			tmp, err := setOpMulti(ctx, s, args, op)
			if err != nil {
				return err
			}
			s.SwapBodies(tmp) // set_intersection_update_multi
			return nil
		case opDifference:
			for _, a := range args {
				if err := differenceUpdate(ctx, s, a); err != nil {
					return err
				}
			}
			return nil
		}
		return symDiffUpdate(ctx, s, args[0])
	})
}

func setPred(name string, f func(ctx *context, s, o *pyval.Set) (bool, error)) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noKw(name, kw); err != nil {
			return value{}, err
		}
		if len(args) != 1 {
			return value{}, typeErr("%s.%s() takes exactly one argument (%d given)", pyval.TypeName(self), name, len(args))
		}
		if err := checkIterable(args[0]); err != nil {
			return value{}, err
		}
		o, err := asSet(ctx, args[0])
		if err != nil {
			return value{}, err
		}
		if err := ctx.Step(int64(setOf(self).Len())); err != nil {
			return value{}, err
		}
		r, err := f(ctx, setOf(self), o)
		return pyval.Bool(r), err
	}
}

func subset(ctx *context, s, o *pyval.Set) (bool, error) {
	if s.Len() > o.Len() {
		return false, nil
	}
	for _, x := range s.Items() {
		in, err := o.Has(ctx, x)
		if err != nil || !in {
			return false, err
		}
	}
	return true, nil
}
