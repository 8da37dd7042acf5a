package formula

import (
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// Comprehensions. Each runs in its own frame (Python 3 scoping: the first
// iterable is evaluated in the enclosing scope, everything else in the
// comprehension's), except a Python 2 list comprehension, which runs in the
// enclosing frame so that its variables leak. Lists, sets and dicts are
// built eagerly; a generator expression is a lazy pyval iterator.

type compKind uint8

const (
	compList compKind = iota
	compSet
	compDict
	compGen
)

type genc struct {
	iter   node
	assign store
	ifs    []node
}

func (c *compiler) comprehension(pos syntax.Pos, kind compKind, gens []*syntax.Comprehension, s *scope, elt, val syntax.Expr) (*cx, error) {
	inline := c.py2 && kind == compList
	cs := s
	if !inline {
		cs = newScope(scopeComp, s)
		for _, g := range gens {
			targetNames(g.Target, cs.add)
		}
		b := &binder{py2: c.py2, add: cs.add}
		for i, g := range gens {
			if i > 0 {
				b.walk(g.Iter, false)
			}
			for _, x := range g.Ifs {
				b.walk(x, false)
			}
		}
		b.walk(elt, false)
		b.walk(val, false)
	}
	gc := make([]genc, len(gens))
	for i, g := range gens {
		is := cs
		if i == 0 {
			is = s
		}
		it, err := c.expr(g.Iter, is)
		if err != nil {
			return nil, err
		}
		as, err := c.target(g.Target, cs)
		if err != nil {
			return nil, err
		}
		gc[i] = genc{iter: it.fn, assign: as}
		for _, x := range g.Ifs {
			ic, err := c.expr(x, cs)
			if err != nil {
				return nil, err
			}
			gc[i].ifs = append(gc[i].ifs, ic.fn)
		}
	}
	ec, err := c.expr(elt, cs)
	if err != nil {
		return nil, err
	}
	ef := ec.fn
	valueFirst := c.py2 // a dict item's value, as Python 2 evaluates it
	var vf node
	if val != nil {
		vc, err := c.expr(val, cs)
		if err != nil {
			return nil, err
		}
		vf = vc.fn
	}
	nlocals := cs.n
	newFrame := func(f *frame) *frame {
		if inline {
			return f
		}
		return newFrame(f.env, f, nlocals)
	}
	if kind == compGen {
		return dyn(func(f *frame) (pyval.Value, error) {
			return genexp(f, gc, ef, newFrame(f), pos)
		}), nil
	}
	return dyn(func(f *frame) (pyval.Value, error) {
		it0, err := gc[0].iter(f)
		if err != nil {
			return it0, err
		}
		ctx := f.env.Ctx
		if err := enter(ctx, pos); err != nil {
			return pyval.Value{}, err
		}
		defer func() { ctx.Depth-- }()
		cf := newFrame(f)
		switch kind {
		case compList:
			var items []pyval.Value
			if len(gc) == 1 {
				switch it0.K {
				case pyval.ListKind:
					items = make([]pyval.Value, 0, len(it0.O.(*pyval.List).Items))
				case pyval.TupleKind:
					items = make([]pyval.Value, 0, len(it0.O.(*pyval.Tuple).Items))
				}
			}
			err := loop(ctx, cf, gc, 0, it0, pos, func(cf *frame) error {
				v, err := ef(cf)
				if err != nil {
					return err
				}
				if len(items) >= 1024 {
					if err := ctx.CheckSize(len(items) + 1); err != nil {
						return errAt(err, pos)
					}
				}
				items = append(items, v)
				return nil
			})
			if err != nil {
				return pyval.Value{}, err
			}
			return pyval.NewList(items), nil
		case compSet:
			set, sv := pyval.NewSet(false)
			err := loop(ctx, cf, gc, 0, it0, pos, func(cf *frame) error {
				v, err := ef(cf)
				if err != nil {
					return err
				}
				if err := set.Add(ctx, v); err != nil {
					return errAt(err, pos)
				}
				return nil
			})
			if err != nil {
				return pyval.Value{}, err
			}
			return sv, nil
		default:
			d, dv := pyval.NewDict()
			err := loop(ctx, cf, gc, 0, it0, pos, func(cf *frame) error {
				k, v, err := keyValue(cf, ef, vf, valueFirst)
				if err != nil {
					return err
				}
				if err := d.Set(ctx, k, v); err != nil {
					return errAt(err, pos)
				}
				return nil
			})
			if err != nil {
				return pyval.Value{}, err
			}
			return dv, nil
		}
	}), nil
}

// loop runs generator clause i over the iterable x, calling emit for each
// combination that passes every filter.
func loop(ctx *pyval.Context, cf *frame, gc []genc, i int, x pyval.Value, pos syntax.Pos, emit func(*frame) error) error {
	g := &gc[i]
	return forEach(ctx, x, pos, func(v pyval.Value) error {
		if err := g.assign(cf, v); err != nil {
			return errAt(err, pos)
		}
		for _, cond := range g.ifs {
			c, err := cond(cf)
			if err != nil {
				return err
			}
			if !truth(c) {
				return nil
			}
		}
		if i+1 == len(gc) {
			return emit(cf)
		}
		nx, err := gc[i+1].iter(cf)
		if err != nil {
			return err
		}
		return loop(ctx, cf, gc, i+1, nx, pos, emit)
	})
}

// forEach iterates x, one step per item; lists are read live as CPython does.
func forEach(ctx *pyval.Context, x pyval.Value, pos syntax.Pos, fn func(pyval.Value) error) error {
	switch x.K {
	case pyval.ListKind:
		l := x.O.(*pyval.List)
		for i := 0; i < len(l.Items); i++ {
			if err := ctx.Step(1); err != nil {
				return errAt(err, pos)
			}
			if err := fn(l.Items[i]); err != nil {
				return err
			}
		}
		return nil
	case pyval.TupleKind:
		for _, v := range x.O.(*pyval.Tuple).Items {
			if err := ctx.Step(1); err != nil {
				return errAt(err, pos)
			}
			if err := fn(v); err != nil {
				return err
			}
		}
		return nil
	}
	err := pyval.Iterate(ctx, x, fn)
	if err != nil {
		return errAt(err, pos)
	}
	return nil
}

// genexp starts a generator expression: the first iterable is evaluated
// (and iter() applied) now, the rest on demand.
func genexp(f *frame, gc []genc, elt node, cf *frame, pos syntax.Pos) (pyval.Value, error) {
	x, err := gc[0].iter(f)
	if err != nil {
		return x, err
	}
	ctx := f.env.Ctx
	first, err := pyval.Iter(ctx, x)
	if err != nil {
		return pyval.Value{}, errAt(err, pos)
	}
	its := make([]*pyval.Iterator, len(gc))
	its[0] = first
	level := 0
	next := func(ctx *pyval.Context) (pyval.Value, bool, error) {
		for level >= 0 {
			v, ok, err := its[level].Next(ctx)
			if err != nil {
				return v, false, errAt(err, pos)
			}
			if !ok {
				level--
				continue
			}
			if err := ctx.Step(1); err != nil {
				return pyval.Value{}, false, errAt(err, pos)
			}
			g := &gc[level]
			if err := g.assign(cf, v); err != nil {
				return pyval.Value{}, false, errAt(err, pos)
			}
			pass := true
			for _, cond := range g.ifs {
				c, err := cond(cf)
				if err != nil {
					return c, false, err
				}
				if !truth(c) {
					pass = false
					break
				}
			}
			if !pass {
				continue
			}
			if level+1 == len(gc) {
				r, err := elt(cf)
				return r, err == nil, err
			}
			nx, err := gc[level+1].iter(cf)
			if err != nil {
				return nx, false, err
			}
			it, err := pyval.Iter(ctx, nx)
			if err != nil {
				return pyval.Value{}, false, errAt(err, pos)
			}
			level++
			its[level] = it
		}
		return pyval.Value{}, false, nil
	}
	return pyval.NewIterator(pyval.NewIter("generator", next)), nil
}

// target compiles an assignment target of a for clause.
func (c *compiler) target(t syntax.Expr, s *scope) (store, error) {
	switch t := t.(type) {
	case *syntax.Name:
		return c.nameStore(t.Id, s), nil
	case *syntax.Tuple:
		return c.unpackTarget(t.Elts, s)
	case *syntax.List:
		return c.unpackTarget(t.Elts, s)
	case *syntax.Starred:
		return nil, c.errorf(t.Pos(), "starred assignment target must be in a list or tuple")
	}
	return nil, c.errorf(t.Pos(), "assignment to attributes or subscripts is not supported in formulas")
}

func (c *compiler) unpackTarget(elts []syntax.Expr, s *scope) (store, error) {
	star := -1
	parts := make([]store, len(elts))
	for i, e := range elts {
		if st, ok := e.(*syntax.Starred); ok {
			if star >= 0 {
				return nil, c.errorf(e.Pos(), "multiple starred expressions in assignment")
			}
			star = i
			e = st.X
		}
		p, err := c.target(e, s)
		if err != nil {
			return nil, err
		}
		parts[i] = p
	}
	n := len(elts)
	py2 := c.py2
	return func(f *frame, v pyval.Value) error {
		ctx := f.env.Ctx
		var items []pyval.Value
		switch v.K {
		case pyval.TupleKind:
			items = v.O.(*pyval.Tuple).Items
		case pyval.ListKind:
			items = v.O.(*pyval.List).Items
		default:
			limit := n + 1
			if star >= 0 {
				limit = -1
			}
			stop := &pyval.Exception{Type: "StopIteration"}
			err := pyval.Iterate(ctx, v, func(x pyval.Value) error {
				items = append(items, x)
				if len(items) == limit {
					return stop
				}
				return ctx.CheckSize(len(items))
			})
			if err != nil && err != stop {
				if isNotIterable(err) && !py2 {
					return pyval.Errorf("TypeError", "cannot unpack non-iterable %s object", pyval.TypeName(v))
				}
				return err
			}
		}
		if star < 0 {
			if len(items) < n {
				if py2 {
					return pyval.Errorf("ValueError", "need more than %d %s to unpack", len(items), plural(len(items), "value"))
				}
				return pyval.Errorf("ValueError", "not enough values to unpack (expected %d, got %d)", n, len(items))
			}
			if len(items) > n {
				if py2 {
					return pyval.Errorf("ValueError", "too many values to unpack")
				}
				return pyval.Errorf("ValueError", "too many values to unpack (expected %d)", n)
			}
			for i, p := range parts {
				if err := p(f, items[i]); err != nil {
					return err
				}
			}
			return nil
		}
		if len(items) < n-1 {
			return pyval.Errorf("ValueError", "not enough values to unpack (expected at least %d, got %d)", n-1, len(items))
		}
		after := n - 1 - star
		for i := 0; i < star; i++ {
			if err := parts[i](f, items[i]); err != nil {
				return err
			}
		}
		mid := append([]pyval.Value(nil), items[star:len(items)-after]...)
		if err := parts[star](f, pyval.NewList(mid)); err != nil {
			return err
		}
		for i := 0; i < after; i++ {
			if err := parts[star+1+i](f, items[len(items)-after+i]); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// keyValue evaluates a dict item's key and value in the order of the
// mode: Python 2 evaluates the value first (STORE_MAP, MAP_ADD), Python 3.8
// and later the key; which one raises first shows.
func keyValue(f *frame, key, val node, valueFirst bool) (k, v pyval.Value, err error) {
	if valueFirst {
		if v, err = val(f); err != nil {
			return k, v, err
		}
		k, err = key(f)
		return k, v, err
	}
	if k, err = key(f); err != nil {
		return k, v, err
	}
	v, err = val(f)
	return k, v, err
}
