package formula

import (
	"strings"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// Displays: tuple, list, set and dict literals, with *iterable and
// **mapping unpacking; and f-strings.

// elems compiles display elements; star marks *x entries.
func (c *compiler) elems(elts []syntax.Expr, s *scope) ([]argc, bool, error) {
	out := make([]argc, len(elts))
	allConst := true
	for i, e := range elts {
		if st, ok := e.(*syntax.Starred); ok {
			x, err := c.expr(st.X, s)
			if err != nil {
				return nil, false, err
			}
			out[i] = argc{x: x, star: true}
			allConst = false
			continue
		}
		x, err := c.expr(e, s)
		if err != nil {
			return nil, false, err
		}
		out[i] = argc{x: x}
		if !x.konst || !foldable(x.val) {
			allConst = false
		}
	}
	return out, allConst, nil
}

// evalElems evaluates display elements into a fresh slice.
func evalElems(f *frame, elts []argc, pos syntax.Pos, extend bool) ([]pyval.Value, error) {
	items := make([]pyval.Value, 0, len(elts))
	ctx := f.env.Ctx
	for _, e := range elts {
		v, err := e.x.fn(f)
		if err != nil {
			return nil, err
		}
		if !e.star {
			items = append(items, v)
			continue
		}
		switch v.K {
		case pyval.TupleKind:
			items = append(items, v.O.(*pyval.Tuple).Items...)
		case pyval.ListKind:
			items = append(items, v.O.(*pyval.List).Items...)
		default:
			err := pyval.Iterate(ctx, v, func(x pyval.Value) error {
				items = append(items, x)
				return ctx.CheckSize(len(items))
			})
			if err != nil && extend && isNotIterable(err) {
				// LIST_EXTEND's message (a set display's SET_UPDATE
				// keeps the plain one).
				err = pyval.Errorf("TypeError", "Value after * must be an iterable, not %s", pyval.TypeName(v))
			}
			if err != nil {
				return nil, errAt(err, pos)
			}
		}
		if err := ctx.CheckSize(len(items)); err != nil {
			return nil, errAt(err, pos)
		}
	}
	return items, nil
}

func (c *compiler) tuple(e *syntax.Tuple, s *scope) (*cx, error) {
	elts, allConst, err := c.elems(e.Elts, s)
	if err != nil {
		return nil, err
	}
	if allConst {
		items := make([]pyval.Value, len(elts))
		for i, x := range elts {
			items[i] = x.x.val
		}
		return konst(pyval.NewTuple(items)), nil
	}
	pos := e.Pos()
	return dyn(func(f *frame) (pyval.Value, error) {
		items, err := evalElems(f, elts, pos, true)
		if err != nil {
			return pyval.Value{}, err
		}
		return pyval.NewTuple(items), nil
	}), nil
}

func (c *compiler) list(e *syntax.List, s *scope) (*cx, error) {
	elts, _, err := c.elems(e.Elts, s)
	if err != nil {
		return nil, err
	}
	pos := e.Pos()
	return dyn(func(f *frame) (pyval.Value, error) {
		items, err := evalElems(f, elts, pos, true)
		if err != nil {
			return pyval.Value{}, err
		}
		return pyval.NewList(items), nil
	}), nil
}

func (c *compiler) set(e *syntax.Set, s *scope) (*cx, error) {
	elts, allConst, err := c.elems(e.Elts, s)
	if err != nil {
		return nil, err
	}
	pos := e.Pos()
	if allConst && !c.py2 && allCPythonConst(e.Elts) {
		if layout, err := constSetLayout(c.fold, elts); err == nil {
			return dyn(func(f *frame) (pyval.Value, error) {
				set, v := pyval.NewSet(false)
				if err := set.Update(f.env.Ctx, layout); err != nil {
					return pyval.Value{}, errAt(err, pos)
				}
				return v, nil
			}), nil
		}
	}
	return dyn(func(f *frame) (pyval.Value, error) {
		items, err := evalElems(f, elts, pos, false)
		if err != nil {
			return pyval.Value{}, err
		}
		set, v := pyval.NewSet(false)
		for _, it := range items {
			if err := set.Add(f.env.Ctx, it); err != nil {
				return pyval.Value{}, errAt(err, pos)
			}
		}
		return v, nil
	}), nil
}

// constSetLayout is the frozenset CPython 3 makes of a set display of more
// than two constants ({5, 13, 21}), which the code then merges into an
// empty set (BUILD_SET 0, LOAD_CONST, SET_UPDATE): the compiler builds the
// frozenset from the items, and its constant merging builds it again from
// the first one's iteration order. Each build can reorder the items, and
// the order shows: {5, 13, 21} is {21, 5, 13}.
func constSetLayout(ctx *pyval.Context, elts []argc) (pyval.Value, error) {
	first, _ := pyval.NewSet(true)
	for _, e := range elts {
		if err := first.Add(ctx, e.x.val); err != nil {
			return pyval.Value{}, err
		}
	}
	again, v := pyval.NewSet(true)
	for _, it := range first.Items() {
		if err := again.Add(ctx, it); err != nil {
			return pyval.Value{}, err
		}
	}
	return v, nil
}

// allCPythonConst reports whether there are more than two elements and
// CPython's AST optimizer makes a constant of every one: literals, and
// unary and binary operations and tuples of them (a name, even a
// global's, is not one).
func allCPythonConst(elts []syntax.Expr) bool {
	if len(elts) <= 2 {
		return false
	}
	for _, e := range elts {
		if !constTree(e, false) {
			return false
		}
	}
	return true
}

func (c *compiler) dict(e *syntax.Dict, s *scope) (*cx, error) {
	keys := make([]*cx, len(e.Keys))
	vals := make([]*cx, len(e.Values))
	for i := range e.Values {
		if e.Keys[i] != nil {
			k, err := c.expr(e.Keys[i], s)
			if err != nil {
				return nil, err
			}
			keys[i] = k
		}
		v, err := c.expr(e.Values[i], s)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	pos := e.Pos()
	valueFirst := c.py2
	return dyn(func(f *frame) (pyval.Value, error) {
		ctx := f.env.Ctx
		d, dv := pyval.NewDict()
		for i, vc := range vals {
			if keys[i] == nil {
				m, err := vc.fn(f)
				if err != nil {
					return m, err
				}
				md, ok := m.O.(*pyval.Dict)
				if m.K != pyval.DictKind || !ok {
					return pyval.Value{}, pyErr(pos, "TypeError", "'%s' object is not a mapping", pyval.TypeName(m))
				}
				if err := md.Items(func(k, v pyval.Value) error { return d.Set(ctx, k, v) }); err != nil {
					return pyval.Value{}, errAt(err, pos)
				}
				continue
			}
			k, v, err := keyValue(f, keys[i].fn, vc.fn, valueFirst)
			if err != nil {
				return pyval.Value{}, err
			}
			if err := d.Set(ctx, k, v); err != nil {
				return pyval.Value{}, errAt(err, pos)
			}
		}
		if err := ctx.CheckSize(d.Len()); err != nil {
			return pyval.Value{}, errAt(err, pos)
		}
		return dv, nil
	}), nil
}

// fstring compiles f"...{x!r:>10}...".
func (c *compiler) fstring(e *syntax.JoinedStr, s *scope) (*cx, error) {
	type part struct {
		lit  string
		x    node
		conv rune
		spec node // nil: empty spec
	}
	parts := make([]part, 0, len(e.Values))
	for _, v := range e.Values {
		switch v := v.(type) {
		case *syntax.Constant:
			parts = append(parts, part{lit: v.Str})
		case *syntax.FormattedValue:
			x, err := c.expr(v.Value, s)
			if err != nil {
				return nil, err
			}
			p := part{x: x.fn, conv: v.Conversion}
			if v.FormatSpec != nil {
				sp, err := c.expr(v.FormatSpec, s)
				if err != nil {
					return nil, err
				}
				p.spec = sp.fn
			}
			parts = append(parts, p)
		default:
			return nil, c.errorf(v.Pos(), "unexpected f-string part")
		}
	}
	pos := e.Pos()
	return dyn(func(f *frame) (pyval.Value, error) {
		ctx := f.env.Ctx
		var b strings.Builder
		for _, p := range parts {
			if p.x == nil {
				b.WriteString(p.lit)
				continue
			}
			v, err := p.x(f)
			if err != nil {
				return v, err
			}
			switch p.conv {
			case 's':
				str, err := pyval.ToStr(ctx, v)
				if err != nil {
					return pyval.Value{}, errAt(err, pos)
				}
				v = pyval.Str(str)
			case 'r', 'a':
				str, err := pyval.Repr(ctx, v)
				if err != nil {
					return pyval.Value{}, errAt(err, pos)
				}
				if p.conv == 'a' {
					str = asciiEscape(str)
				}
				v = pyval.Str(str)
			}
			spec := ""
			if p.spec != nil {
				sv, err := p.spec(f)
				if err != nil {
					return sv, err
				}
				spec = sv.String()
			}
			var out string
			if spec == "" && v.K == pyval.StrKind {
				out = v.String()
			} else {
				out, err = pyval.FormatValue(ctx, v, spec)
				if err != nil {
					return pyval.Value{}, errAt(err, pos)
				}
			}
			b.WriteString(out)
			if err := ctx.CheckSize(b.Len()); err != nil {
				return pyval.Value{}, errAt(err, pos)
			}
		}
		return pyval.Str(b.String()), nil
	}), nil
}

// asciiEscape is ascii() applied to a repr: non-ASCII code points become
// \xhh, \uhhhh or \Uhhhhhhhh.
func asciiEscape(s string) string {
	var b strings.Builder
	const hex = "0123456789abcdef"
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r < 0x100:
			b.WriteString(`\x`)
			b.WriteByte(hex[r>>4])
			b.WriteByte(hex[r&15])
		case r < 0x10000:
			b.WriteString(`\u`)
			for sh := 12; sh >= 0; sh -= 4 {
				b.WriteByte(hex[(r>>sh)&15])
			}
		default:
			b.WriteString(`\U`)
			for sh := 28; sh >= 0; sh -= 4 {
				b.WriteByte(hex[(r>>sh)&15])
			}
		}
	}
	return b.String()
}
