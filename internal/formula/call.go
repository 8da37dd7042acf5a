package formula

import (
	"strings"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// Calls. A call with one or two plain positional arguments goes straight to
// Func.F1/F2 when the callee has them (no argument slice, no allocation);
// other calls build the argument list, expanding *args and **kwargs.

// funcName is the name CPython uses in call errors ("f() got ...").
func funcName(v pyval.Value) string {
	if fn, ok := v.O.(*pyval.Func); ok && v.K == pyval.FuncKind {
		if fn.Class != "" {
			return fn.Class
		}
		return fn.Name
	}
	return pyval.TypeName(v) + " object"
}

type argc struct {
	x    *cx
	star bool
}

type kwc struct {
	name string // "" for **mapping
	x    *cx
}

func (c *compiler) call(e *syntax.Call, s *scope) (*cx, error) {
	pos := e.Pos()
	// locals(), globals() and vars() return the device namespace.
	if n, ok := e.Func.(*syntax.Name); ok && len(e.Args) == 0 && len(e.Keywords) == 0 && c.isBuiltinName(n.Id, s) {
		switch n.Id {
		case "locals", "globals", "vars":
			c.record(n.Id, n.Pos())
			return dyn(func(f *frame) (pyval.Value, error) {
				if f.env.Namespace != nil {
					if h, ok := f.env.Ctx.Host.(LocalsHost); ok {
						h.SyncLocals()
					}
					return pyval.Value{K: pyval.DictKind, O: f.env.Namespace}, nil
				}
				_, d := pyval.NewDict()
				return d, nil
			}), nil
		}
	}
	if a, ok := e.Func.(*syntax.Attribute); ok && !strings.HasPrefix(a.Name, "__") {
		return c.methodCall(e, a, s)
	}
	fn, err := c.expr(e.Func, s)
	if err != nil {
		return nil, err
	}
	args := make([]argc, len(e.Args))
	simple := len(e.Keywords) == 0
	for i, a := range e.Args {
		if st, ok := a.(*syntax.Starred); ok {
			x, err := c.expr(st.X, s)
			if err != nil {
				return nil, err
			}
			args[i] = argc{x: x, star: true}
			simple = false
			continue
		}
		x, err := c.expr(a, s)
		if err != nil {
			return nil, err
		}
		args[i] = argc{x: x}
	}
	kws := make([]kwc, len(e.Keywords))
	for i, k := range e.Keywords {
		x, err := c.expr(k.Value, s)
		if err != nil {
			return nil, err
		}
		kws[i] = kwc{name: k.Name, x: x}
	}
	ff := fn.fn
	if !hasStar(args) && fn.konst && c.borrows(fn.val) && !dupNames(kws) {
		g := fn.val.O.(*pyval.Func)
		if !(simple && (len(args) == 1 && g.F1 != nil || len(args) == 2 && g.F2 != nil)) {
			return borrowCall(fn.val, args, kws, pos), nil
		}
	}
	if simple && len(args) == 1 {
		a0 := args[0].x
		if fn.konst && fn.val.K == pyval.FuncKind {
			if f1 := fn.val.O.(*pyval.Func).F1; f1 != nil {
				return fuseCall(fn.val, args[0].x, dyn(func(f *frame) (pyval.Value, error) {
					a, ok := a0.fast(f)
					if !ok {
						var err error
						if a, err = a0.fn(f); err != nil {
							return a, err
						}
					}
					r, err := f1(f.env.Ctx, a)
					if err != nil {
						return r, errAt(err, pos)
					}
					return r, nil
				}), c.pure), nil
			}
		}
		return dyn(func(f *frame) (pyval.Value, error) {
			fv, err := ff(f)
			if err != nil {
				return fv, err
			}
			a, ok := a0.fast(f)
			if !ok {
				var err error
				if a, err = a0.fn(f); err != nil {
					return a, err
				}
			}
			var r pyval.Value
			if g, ok := fv.O.(*pyval.Func); ok && fv.K == pyval.FuncKind && g.F1 != nil {
				r, err = g.F1(f.env.Ctx, a)
			} else {
				r, err = pyval.Call(f.env.Ctx, fv, []pyval.Value{a}, nil)
			}
			if err != nil {
				return r, errAt(err, pos)
			}
			return r, nil
		}), nil
	}
	if simple && len(args) == 2 {
		a0, a1 := args[0].x, args[1].x
		if fn.konst && fn.val.K == pyval.FuncKind {
			if f2 := fn.val.O.(*pyval.Func).F2; f2 != nil {
				return dyn(func(f *frame) (pyval.Value, error) {
					a, ok := a0.fast(f)
					if !ok {
						var err error
						if a, err = a0.fn(f); err != nil {
							return a, err
						}
					}
					b, ok := a1.fast(f)
					if !ok {
						var err error
						if b, err = a1.fn(f); err != nil {
							return b, err
						}
					}
					r, err := f2(f.env.Ctx, a, b)
					if err != nil {
						return r, errAt(err, pos)
					}
					return r, nil
				}), nil
			}
		}
		return dyn(func(f *frame) (pyval.Value, error) {
			fv, err := ff(f)
			if err != nil {
				return fv, err
			}
			a, ok := a0.fast(f)
			if !ok {
				var err error
				if a, err = a0.fn(f); err != nil {
					return a, err
				}
			}
			b, ok := a1.fast(f)
			if !ok {
				var err error
				if b, err = a1.fn(f); err != nil {
					return b, err
				}
			}
			var r pyval.Value
			if g, ok := fv.O.(*pyval.Func); ok && fv.K == pyval.FuncKind && g.F2 != nil {
				r, err = g.F2(f.env.Ctx, a, b)
			} else {
				r, err = pyval.Call(f.env.Ctx, fv, []pyval.Value{a, b}, nil)
			}
			if err != nil {
				return r, errAt(err, pos)
			}
			return r, nil
		}), nil
	}
	ca := &callArgs{args: args, kws: kws, pos: pos}
	return dyn(func(f *frame) (pyval.Value, error) {
		fv, err := ff(f)
		if err != nil {
			return fv, err
		}
		ctx := f.env.Ctx
		av, kv, err := ca.build(f, func() string { return funcName(fv) })
		if err != nil {
			return pyval.Value{}, err
		}
		r, err := pyval.Call(ctx, fv, av, kv)
		if err != nil {
			return r, errAt(err, pos)
		}
		return r, nil
	}), nil
}

// borrowCall calls a function known not to keep its argument slices
// (Options.Borrow, the math, signal and random functions, max, min ...)
// with plain positional and keyword arguments: the slices are borrowed
// from the Env's argument stack, so the call allocates nothing. The stack
// discipline makes it reentrant: a host function that evaluates another
// formula with the same Env pushes above this call's arguments.
func borrowCall(fv pyval.Value, args []argc, kws []kwc, pos syntax.Pos) *cx {
	n := len(args)
	return dyn(func(f *frame) (pyval.Value, error) {
		env := f.env
		base, kbase := len(env.stack), len(env.kstack)
		for _, a := range args {
			v, err := a.x.get(f)
			if err != nil {
				env.stack, env.kstack = env.stack[:base], env.kstack[:kbase]
				return v, err
			}
			env.stack = append(env.stack, v)
		}
		for _, k := range kws {
			v, err := k.x.get(f)
			if err != nil {
				env.stack, env.kstack = env.stack[:base], env.kstack[:kbase]
				return v, err
			}
			env.kstack = append(env.kstack, pyval.Keyword{Name: k.name, Value: v})
		}
		av := env.stack[base : base+n : base+n]
		var kv []pyval.Keyword
		if len(kws) > 0 {
			kv = env.kstack[kbase : kbase+len(kws) : kbase+len(kws)]
		}
		r, err := pyval.Call(env.Ctx, fv, av, kv)
		clear(av) // drop references: the stack outlives the call
		clear(kv)
		env.stack, env.kstack = env.stack[:base], env.kstack[:kbase]
		if err != nil {
			return r, errAt(err, pos)
		}
		return r, nil
	})
}

// borrows reports whether calls of v may borrow their argument slices.
func (c *compiler) borrows(v pyval.Value) bool {
	g, ok := v.O.(*pyval.Func)
	return ok && v.K == pyval.FuncKind && g.Fn != nil && c.borrow[g]
}

func hasStar(args []argc) bool {
	for _, a := range args {
		if a.star {
			return true
		}
	}
	return false
}

func dupNames(kws []kwc) bool {
	for i, k := range kws {
		if k.name == "" {
			return true // **mapping: the general path
		}
		for _, o := range kws[:i] {
			if o.name == k.name {
				return true
			}
		}
	}
	return false
}

// callArgs are the compiled arguments of a call.
type callArgs struct {
	args []argc
	kws  []kwc
	pos  syntax.Pos
}

// build evaluates the arguments, expanding *iterables and **mappings;
// name gives the callee's name for error messages.
func (ca *callArgs) build(f *frame, name func() string) ([]pyval.Value, []pyval.Keyword, error) {
	ctx, pos := f.env.Ctx, ca.pos
	var av []pyval.Value
	if len(ca.args) > 0 {
		av = make([]pyval.Value, 0, len(ca.args))
	}
	for _, a := range ca.args {
		v, err := a.x.fn(f)
		if err != nil {
			return nil, nil, err
		}
		if !a.star {
			av = append(av, v)
			continue
		}
		if v.K == pyval.TupleKind {
			av = append(av, v.O.(*pyval.Tuple).Items...)
		} else if v.K == pyval.ListKind {
			av = append(av, v.O.(*pyval.List).Items...)
		} else if err := pyval.Iterate(ctx, v, func(x pyval.Value) error { av = append(av, x); return ctx.CheckSize(len(av)) }); err != nil {
			if isNotIterable(err) {
				return nil, nil, pyErr(pos, "TypeError", "%s() argument after * must be an iterable, not %s", name(), pyval.TypeName(v))
			}
			return nil, nil, errAt(err, pos)
		}
		if err := ctx.CheckSize(len(av)); err != nil {
			return nil, nil, errAt(err, pos)
		}
	}
	var kv []pyval.Keyword
	for _, k := range ca.kws {
		v, err := k.x.fn(f)
		if err != nil {
			return nil, nil, err
		}
		if k.name != "" {
			if dupKeyword(kv, k.name) {
				return nil, nil, pyErr(pos, "TypeError", "%s() got multiple values for keyword argument '%s'", name(), k.name)
			}
			kv = append(kv, pyval.Keyword{Name: k.name, Value: v})
			continue
		}
		d, ok := v.O.(*pyval.Dict)
		if v.K != pyval.DictKind || !ok {
			return nil, nil, pyErr(pos, "TypeError", "%s() argument after ** must be a mapping, not %s", name(), pyval.TypeName(v))
		}
		err = d.Items(func(key, val pyval.Value) error {
			if key.K != pyval.StrKind {
				return pyErr(pos, "TypeError", "keywords must be strings")
			}
			kname := key.String()
			if dupKeyword(kv, kname) {
				return pyErr(pos, "TypeError", "%s() got multiple values for keyword argument '%s'", name(), kname)
			}
			kv = append(kv, pyval.Keyword{Name: kname, Value: val})
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return av, kv, nil
}

// methodCall compiles obj.name(args): a method of a built-in type is
// called directly, without building a bound-method object.
func (c *compiler) methodCall(e *syntax.Call, attr *syntax.Attribute, s *scope) (*cx, error) {
	obj, err := c.expr(attr.X, s)
	if err != nil {
		return nil, err
	}
	ca := &callArgs{pos: e.Pos()}
	for _, a := range e.Args {
		star := false
		if st, ok := a.(*syntax.Starred); ok {
			a, star = st.X, true
		}
		x, err := c.expr(a, s)
		if err != nil {
			return nil, err
		}
		ca.args = append(ca.args, argc{x: x, star: star})
	}
	for _, k := range e.Keywords {
		x, err := c.expr(k.Value, s)
		if err != nil {
			return nil, err
		}
		ca.kws = append(ca.kws, kwc{name: k.Name, x: x})
	}
	name, pos, apos := attr.Name, e.Pos(), attr.Pos()
	return dyn(func(f *frame) (pyval.Value, error) {
		x, err := obj.get(f)
		if err != nil {
			return x, err
		}
		ctx := f.env.Ctx
		if m, ok := method(x, name); ok {
			av, kv, err := ca.build(f, func() string { return pyval.TypeName(x) + "." + name })
			if err != nil {
				return pyval.Value{}, err
			}
			r, err := m(ctx, x, av, kv)
			if err != nil {
				return r, errAt(err, pos)
			}
			return r, nil
		}
		fv, err := pyval.GetAttr(ctx, x, name)
		if err != nil {
			return fv, errAt(err, apos)
		}
		av, kv, err := ca.build(f, func() string { return funcName(fv) })
		if err != nil {
			return pyval.Value{}, err
		}
		r, err := pyval.Call(ctx, fv, av, kv)
		if err != nil {
			return r, errAt(err, pos)
		}
		return r, nil
	}), nil
}

// method finds the built-in method name of x's type, as pyval.GetAttr does
// (bool falls back to int's methods, big ints are ints).
func method(x pyval.Value, name string) (pyval.Method, bool) {
	k := x.K
	switch k {
	case pyval.ObjectKind, pyval.FuncKind, pyval.Undefined:
		return nil, false
	case pyval.BoolKind:
		if m, ok := pyval.LookupMethod(k, name); ok {
			return m, true
		}
		k = pyval.IntKind
	case pyval.BigKind:
		k = pyval.IntKind
	}
	return pyval.LookupMethod(k, name)
}

func dupKeyword(kv []pyval.Keyword, name string) bool {
	for _, k := range kv {
		if k.Name == name {
			return true
		}
	}
	return false
}

func isNotIterable(err error) bool {
	e, ok := err.(*pyval.Exception)
	return ok && e.Type == "TypeError" && strings.HasSuffix(e.Msg, "is not iterable")
}

// isBuiltinName reports whether id, read in scope s, resolves to the
// builtin namespace (not a local, host name or global).
func (c *compiler) isBuiltinName(id string, s *scope) bool {
	for sc := s; sc != nil; sc = sc.parent {
		if _, ok := sc.locals[id]; ok {
			return false
		}
	}
	if c.host[id] {
		return false
	}
	if _, ok := c.globals[id]; ok {
		return false
	}
	if _, ok := c.builtins[id]; ok {
		return true
	}
	// Not provided by the builtin table: still the namespace functions.
	return id == "locals" || id == "globals" || id == "vars"
}
