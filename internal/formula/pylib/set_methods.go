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

func addAll(ctx *context, s *pyval.Set, x value) error {
	return forEach(ctx, x, func(v value) error {
		if err := s.Add(ctx, v); err != nil {
			return err
		}
		if s.Len()&1023 == 0 {
			return ctx.CheckSize(s.Len())
		}
		return nil
	})
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

type setOpKind uint8

const (
	opUnion setOpKind = iota
	opIntersection
	opDifference
	opSymDiff
)

// combine returns a new set (frozen like a) = a <op> b.
func combine(ctx *context, a *pyval.Set, b value, op setOpKind, frozen bool) (*pyval.Set, value, error) {
	out, v := pyval.NewSet(frozen)
	switch op {
	case opUnion:
		for _, x := range a.Items() {
			if err := out.Add(ctx, x); err != nil {
				return nil, value{}, err
			}
		}
		if err := addAll(ctx, out, b); err != nil {
			return nil, value{}, err
		}
	case opIntersection, opDifference:
		bs, err := asSet(ctx, b)
		if err != nil {
			return nil, value{}, err
		}
		if err := ctx.Step(int64(a.Len())); err != nil {
			return nil, value{}, err
		}
		for _, x := range a.Items() {
			in, err := bs.Has(ctx, x)
			if err != nil {
				return nil, value{}, err
			}
			if in == (op == opIntersection) {
				if err := out.Add(ctx, x); err != nil {
					return nil, value{}, err
				}
			}
		}
	case opSymDiff:
		bs, err := asSet(ctx, b)
		if err != nil {
			return nil, value{}, err
		}
		if err := ctx.Step(int64(a.Len() + bs.Len())); err != nil {
			return nil, value{}, err
		}
		for _, x := range a.Items() {
			in, err := bs.Has(ctx, x)
			if err != nil {
				return nil, value{}, err
			}
			if !in {
				if err := out.Add(ctx, x); err != nil {
					return nil, value{}, err
				}
			}
		}
		for _, x := range bs.Items() {
			in, err := a.Has(ctx, x)
			if err != nil {
				return nil, value{}, err
			}
			if !in {
				if err := out.Add(ctx, x); err != nil {
					return nil, value{}, err
				}
			}
		}
	}
	return out, v, nil
}

func setOp(name string, op setOpKind) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noKw(name, kw); err != nil {
			return value{}, err
		}
		s := setOf(self)
		if op == opSymDiff && len(args) != 1 {
			return value{}, typeErr("%s.symmetric_difference() takes exactly one argument (%d given)", pyval.TypeName(self), len(args))
		}
		cur, v := s.Copy(s.Frozen())
		for _, a := range args {
			if err := checkIterable(a); err != nil {
				return value{}, err
			}
			next, nv, err := combine(ctx, cur, a, op, s.Frozen())
			if err != nil {
				return value{}, err
			}
			cur, v = next, nv
		}
		return v, nil
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
			res, _, err := combine(ctx, s, a, op, false)
			if err != nil {
				return err
			}
			s.Clear()
			for _, x := range res.Items() {
				if err := s.Add(ctx, x); err != nil {
					return err
				}
			}
		}
		return nil
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
