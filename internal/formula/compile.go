package formula

import (
	"math/big"
	"sort"
	"strings"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// A formula compiles to a tree of Go closures over frames. Each scope
// (top, lambda call, comprehension run) has a frame holding its locals;
// free names live in Env.Vars, globals and builtins are constants baked
// into the closures.

// frame is the runtime state of one scope.
type frame struct {
	env    *Env
	vars   []pyval.Value
	parent *frame
	fail   bool // a compiled fused tree gave up (fastpath.go)
}

// newFrame allocates a frame and its locals together (one allocation for
// the usual handful of locals).
func newFrame(env *Env, parent *frame, n int) *frame {
	if n <= 4 {
		fa := &struct {
			frame
			arr [4]pyval.Value
		}{}
		fa.frame = frame{env: env, vars: fa.arr[:n:n], parent: parent}
		return &fa.frame
	}
	return &frame{env: env, vars: make([]pyval.Value, n), parent: parent}
}

// node evaluates one expression.
type node func(f *frame) (pyval.Value, error)

// cx is a compiled expression: its closure, and its value when it is a
// compile-time constant (so that callers can fold or specialize).
type cx struct {
	fn    node
	konst bool
	val   pyval.Value
	slot  int    // >= 0: a plain read of Env.Vars[slot] (for specialization)
	local int    // > 0: a read of local local-1 of the current frame
	fx    *fexpr // the fused float tree of a pure numeric expression, or nil
	bx    *bexpr // the fused bool tree of a pure comparison/not/and/or, or nil
	lit   int    // > 0: a read of lifted literal lit-1 (Env.Lits)
	// litKind is the kind of a lifted literal (the shape key fixes it).
	litKind syntax.ConstKind
	// ffn, bfn are the compiled fx, bx (fastpath.go); trusted when they
	// call no host function (Program.run may then skip its panic guard).
	ffn     fnode
	bfn     bnode
	trusted bool
}

func konst(v pyval.Value) *cx {
	return &cx{fn: func(*frame) (pyval.Value, error) { return v, nil }, konst: true, val: v, slot: -1}
}

func dyn(fn node) *cx { return &cx{fn: fn, slot: -1} }

type compiler struct {
	src      string
	py2      bool
	host     map[string]bool
	globals  map[string]pyval.Value
	builtins map[string]pyval.Value
	slots    map[string]int
	names    []string
	freeAt   map[string]int // first source offset of each free name
	fold     *pyval.Context // context for constant folding
	pure     map[*pyval.Func]bool
	lifted   map[syntax.Expr]int  // Lift: literal indices
	borrow   map[*pyval.Func]bool // callees that do not keep their argument slices
}

// Compile parses and compiles a formula. Errors are *SyntaxError (does not
// parse) or *CompileError (parses, but uses an unsupported construct).
func Compile(src string, opts *Options) (*Program, error) {
	if opts == nil {
		opts = &Options{}
	}
	expr, err := parse(src, opts.Mode == Py2)
	if err != nil {
		return nil, err
	}
	c := &compiler{
		src:      src,
		py2:      opts.Mode == Py2,
		host:     opts.HostNames,
		globals:  opts.Globals,
		builtins: opts.Builtins,
		slots:    map[string]int{},
		freeAt:   map[string]int{},
		fold:     &pyval.Context{Py2: opts.Mode == Py2, Steps: 100_000, MaxSize: 1 << 16, MaxDepth: 50},
	}
	if c.builtins == nil {
		c.builtins = DefaultBuiltins(opts.Mode)
	}
	c.pure = pureFuncs(opts.Mode, c.builtins)
	if len(opts.Pure) > 0 {
		pure := map[*pyval.Func]bool{}
		for f := range c.pure {
			pure[f] = true
		}
		for name := range opts.Pure {
			if v, ok := opts.Globals[name]; ok && v.K == pyval.FuncKind {
				pure[v.O.(*pyval.Func)] = true
			}
		}
		c.pure = pure
	}
	c.borrow = borrowFuncs(opts.Mode)
	if len(opts.Borrow) > 0 {
		b := make(map[*pyval.Func]bool, len(c.borrow)+len(opts.Borrow))
		for f := range c.borrow {
			b[f] = true
		}
		for name := range opts.Borrow {
			if v, ok := opts.Globals[name]; ok && v.K == pyval.FuncKind {
				b[v.O.(*pyval.Func)] = true
			}
		}
		c.borrow = b
	}
	var lits *Literals
	if opts.Lift {
		c.lifted, lits = lift(src, expr)
	}
	top := newScope(scopeTop, nil)
	(&binder{py2: c.py2, walrus: true, add: top.add}).walk(expr, false)
	root, err := c.expr(expr, top)
	if err != nil {
		return nil, err
	}
	free := make([]string, 0, len(c.freeAt))
	for n := range c.freeAt {
		free = append(free, n)
	}
	sort.Slice(free, func(i, j int) bool { return c.freeAt[free[i]] < c.freeAt[free[j]] })
	p := &Program{src: src, slots: c.slots, names: c.names, mode: opts.Mode, root: root.fn, ntop: top.n, free: free}
	if lits != nil && len(lits.Values) > 0 {
		p.lits, p.nlits = lits, len(lits.Values)
	}
	p.litCall = c.literalCall(expr)
	if root.trusted {
		p.fastF, p.fastB = root.ffn, root.bfn
		p.fastOK = (p.fastF != nil || p.fastB != nil) && p.ntop == 0
		if root.fx != nil && p.ntop == 0 && p.nlits == 0 {
			if a, ok := root.fx.matchAffineCall(); ok {
				a.sig = trigKinds()[a.call.fn]
				p.affine = &a
			}
		}
	}

	return p, nil
}

// MustCompile is Compile for formulas known to be valid (tests, tables of
// built-in formulas); it panics on error.
func MustCompile(src string, opts *Options) *Program {
	p, err := Compile(src, opts)
	if err != nil {
		panic(err)
	}
	return p
}

// FreeNames returns every free name of a formula (names it reads and does
// not bind, builtins included) in order of first appearance. The twin
// builds its dependency graphs from it.
func FreeNames(src string, m Mode) ([]string, error) {
	p, err := Compile(src, &Options{Mode: m, Builtins: map[string]pyval.Value{}})
	if err != nil {
		return nil, err
	}
	return p.free, nil
}

func (c *compiler) errorf(p syntax.Pos, format string, args ...any) error {
	return compileErr(c.src, p, format, args...)
}

func (c *compiler) record(name string, p syntax.Pos) {
	if at, ok := c.freeAt[name]; !ok || p.Offset < at {
		c.freeAt[name] = p.Offset
	}
}

func (c *compiler) slot(name string) int {
	if i, ok := c.slots[name]; ok {
		return i
	}
	i := len(c.names)
	c.slots[name] = i
	c.names = append(c.names, name)
	return i
}

// expr compiles e in scope s.
func (c *compiler) expr(e syntax.Expr, s *scope) (*cx, error) {
	switch e := e.(type) {
	case *syntax.Constant:
		if i, ok := c.lifted[e]; ok {
			return c.lit(i, e), nil
		}
		return c.constant(e)
	case *syntax.Name:
		return c.name(e, s), nil
	case *syntax.UnaryOp:
		if i, ok := c.lifted[e]; ok {
			return c.lit(i, e), nil
		}
		return c.unary(e, s)
	case *syntax.BinOp:
		return c.binop(e, s)
	case *syntax.BoolOp:
		return c.boolop(e, s)
	case *syntax.Compare:
		return c.compare(e, s)
	case *syntax.IfExp:
		return c.ifexp(e, s)
	case *syntax.NamedExpr:
		return c.walrus(e, s)
	case *syntax.Lambda:
		return c.lambda(e, s)
	case *syntax.Call:
		return c.call(e, s)
	case *syntax.Attribute:
		return c.attribute(e, s)
	case *syntax.Subscript:
		return c.subscript(e, s)
	case *syntax.Slice:
		return nil, c.errorf(e.Pos(), "invalid syntax: slice outside a subscript")
	case *syntax.Starred:
		return nil, c.errorf(e.Pos(), "can't use starred expression here")
	case *syntax.Tuple:
		return c.tuple(e, s)
	case *syntax.List:
		return c.list(e, s)
	case *syntax.Set:
		return c.set(e, s)
	case *syntax.Dict:
		return c.dict(e, s)
	case *syntax.ListComp:
		return c.comprehension(e.Pos(), compList, e.Generators, s, e.Elt, nil)
	case *syntax.SetComp:
		return c.comprehension(e.Pos(), compSet, e.Generators, s, e.Elt, nil)
	case *syntax.DictComp:
		return c.comprehension(e.Pos(), compDict, e.Generators, s, e.Key, e.Value)
	case *syntax.GeneratorExp:
		return c.comprehension(e.Pos(), compGen, e.Generators, s, e.Elt, nil)
	case *syntax.JoinedStr:
		return c.fstring(e, s)
	case *syntax.FormattedValue:
		return c.fstring(&syntax.JoinedStr{Span: e.Span, Values: []syntax.Expr{e}}, s)
	case *syntax.Repr:
		x, err := c.expr(e.X, s)
		if err != nil {
			return nil, err
		}
		pos := e.Pos()
		return dyn(func(f *frame) (pyval.Value, error) {
			v, err := x.fn(f)
			if err != nil {
				return v, err
			}
			r, err := pyval.Repr(f.env.Ctx, v)
			if err != nil {
				return pyval.Value{}, errAt(err, pos)
			}
			return pyval.Str(r), nil
		}), nil
	case nil:
		return nil, c.errorf(syntax.Pos{Line: 1, Col: 1}, "empty expression")
	}
	return nil, c.errorf(e.Pos(), "unsupported expression %T", e)
}

func (c *compiler) constant(e *syntax.Constant) (*cx, error) {
	switch e.Kind {
	case syntax.ConstNone:
		return konst(pyval.None), nil
	case syntax.ConstTrue:
		return konst(pyval.True), nil
	case syntax.ConstFalse:
		return konst(pyval.False), nil
	case syntax.ConstInt:
		return konst(pyval.BigInt(new(big.Int).Set(e.Int))), nil
	case syntax.ConstFloat:
		return konst(pyval.Float(e.Float)), nil
	case syntax.ConstStr:
		return konst(pyval.Str(e.Str)), nil
	case syntax.ConstBytes:
		return konst(pyval.Value{K: pyval.BytesKind, O: e.Str}), nil
	case syntax.ConstImag:
		return nil, c.errorf(e.Pos(), "complex numbers are not supported in formulas")
	case syntax.ConstEllipsis:
		return nil, c.errorf(e.Pos(), "Ellipsis (...) is not supported in formulas")
	}
	return nil, c.errorf(e.Pos(), "unknown constant")
}

// name compiles a read of a name.
func (c *compiler) name(e *syntax.Name, s *scope) *cx {
	id, pos := e.Id, e.Pos()
	// Python 2 says "global name 'x' is not defined" in a function body
	// (a lambda, a generator, a set or dict comprehension).
	global := c.py2 && s != nil && s.kind != scopeTop
	depth := 0
	for sc := s; sc != nil; sc = sc.parent {
		if i, ok := sc.locals[id]; ok {
			if sc.kind == scopeTop {
				return c.softLocal(id, i, depth, pos, global)
			}
			x := dyn(localRead(id, depth, i, pos))
			if depth == 0 {
				x.local = i + 1
			}
			return x
		}
		depth++
	}
	c.record(id, pos)
	return c.global(id, pos, global)
}

// global resolves a name that no enclosing scope binds; inFunc: the read
// is in a Python 2 function body (NameError's wording).
func (c *compiler) global(id string, pos syntax.Pos, inFunc bool) *cx {
	if !c.host[id] {
		if v, ok := c.globals[id]; ok {
			return konst(v)
		}
		if v, ok := c.builtins[id]; ok {
			return konst(v)
		}
	}
	i := c.slot(id)
	return &cx{fn: slotRead(id, i, pos, inFunc), slot: i}
}

func slotRead(id string, i int, pos syntax.Pos, inFunc bool) node {
	return func(f *frame) (pyval.Value, error) {
		if v := f.env.Vars[i]; v.K != pyval.Undefined {
			return v, nil
		}
		return f.env.lookup(id, pos, inFunc)
	}
}

// lookup finds an unset free name in the persistent namespace.
func (env *Env) lookup(id string, pos syntax.Pos, inFunc bool) (pyval.Value, error) {
	if env.Namespace != nil {
		if v, ok := env.Namespace.GetStr(id); ok {
			return v, nil
		}
	}
	if inFunc {
		return pyval.Value{}, pyErr(pos, "NameError", "global name '%s' is not defined", id)
	}
	return pyval.Value{}, pyErr(pos, "NameError", "name '%s' is not defined", id)
}

func localRead(id string, depth, i int, pos syntax.Pos) node {
	unbound := func() (pyval.Value, error) {
		return pyval.Value{}, pyErr(pos, "UnboundLocalError", "cannot access local variable '%s' where it is not associated with a value", id)
	}
	switch depth {
	case 0:
		return func(f *frame) (pyval.Value, error) {
			if v := f.vars[i]; v.K != pyval.Undefined {
				return v, nil
			}
			return unbound()
		}
	case 1:
		return func(f *frame) (pyval.Value, error) {
			if v := f.parent.vars[i]; v.K != pyval.Undefined {
				return v, nil
			}
			return unbound()
		}
	}
	return func(f *frame) (pyval.Value, error) {
		for d := 0; d < depth; d++ {
			f = f.parent
		}
		if v := f.vars[i]; v.K != pyval.Undefined {
			return v, nil
		}
		return unbound()
	}
}

// softLocal reads a name bound at the top level (walrus, leaked Python 2
// comprehension variable): Python evaluates the formula with a locals dict,
// so before the binding runs the name resolves as any free name.
func (c *compiler) softLocal(id string, i, depth int, pos syntax.Pos, inFunc bool) *cx {
	fb := c.global(id, pos, inFunc).fn
	return dyn(func(f *frame) (pyval.Value, error) {
		t := f
		for d := 0; d < depth; d++ {
			t = t.parent
		}
		if v := t.vars[i]; v.K != pyval.Undefined {
			return v, nil
		}
		return fb(f)
	})
}

// store is an assignment to a name.
type store func(f *frame, v pyval.Value) error

// nameStore compiles an assignment to id from scope s (the scope that owns
// id is found by walking outwards; binder put it there).
func (c *compiler) nameStore(id string, s *scope) store {
	depth := 0
	for sc := s; sc != nil; sc = sc.parent {
		if i, ok := sc.locals[id]; ok {
			top := sc.kind == scopeTop
			if depth == 0 && !top {
				return func(f *frame, v pyval.Value) error {
					f.vars[i] = v
					return nil
				}
			}
			return func(f *frame, v pyval.Value) error {
				for d := 0; d < depth; d++ {
					f = f.parent
				}
				f.vars[i] = v
				if top && f.env.Namespace != nil {
					f.env.Namespace.SetStr(id, v)
				}
				return nil
			}
		}
		depth++
	}
	// Unreachable when binder and compiler agree; fail loudly in tests.
	return func(f *frame, v pyval.Value) error {
		return pyval.Errorf("SystemError", "internal error: no scope binds '%s'", id)
	}
}

func (c *compiler) walrus(e *syntax.NamedExpr, s *scope) (*cx, error) {
	x, err := c.expr(e.Value, s)
	if err != nil {
		return nil, err
	}
	st := c.nameStore(e.Target.Id, s.funcScope())
	return dyn(func(f *frame) (pyval.Value, error) {
		v, err := x.fn(f)
		if err != nil {
			return v, err
		}
		return v, st(f, v)
	}), nil
}

func (c *compiler) ifexp(e *syntax.IfExp, s *scope) (*cx, error) {
	t, err := c.expr(e.Test, s)
	if err != nil {
		return nil, err
	}
	b, err := c.expr(e.Body, s)
	if err != nil {
		return nil, err
	}
	o, err := c.expr(e.OrElse, s)
	if err != nil {
		return nil, err
	}
	if t.konst {
		if truth(t.val) {
			return b, nil
		}
		return o, nil
	}
	if bx := t.bx; bx != nil {
		return dyn(func(f *frame) (pyval.Value, error) {
			r, ok := bx.eval(f)
			if !ok {
				v, err := t.fn(f)
				if err != nil {
					return v, err
				}
				r = truth(v)
			}
			if r {
				return b.get(f)
			}
			return o.get(f)
		}), nil
	}
	return dyn(func(f *frame) (pyval.Value, error) {
		v, err := t.fn(f)
		if err != nil {
			return v, err
		}
		if truth(v) {
			return b.get(f)
		}
		return o.get(f)
	}), nil
}

func (c *compiler) attribute(e *syntax.Attribute, s *scope) (*cx, error) {
	x, err := c.expr(e.X, s)
	if err != nil {
		return nil, err
	}
	name, pos := e.Name, e.Pos()
	if strings.HasPrefix(name, "__") {
		return dyn(func(f *frame) (pyval.Value, error) {
			if v, err := x.fn(f); err != nil {
				return v, err
			}
			return pyval.Value{}, pyErr(pos, "AttributeError", "access to attribute '%s' is not allowed in formulas", name)
		}), nil
	}
	return dyn(func(f *frame) (pyval.Value, error) {
		v, err := x.fn(f)
		if err != nil {
			return v, err
		}
		r, err := pyval.GetAttr(f.env.Ctx, v, name)
		if err != nil {
			return r, errAt(err, pos)
		}
		return r, nil
	}), nil
}

func (c *compiler) optional(e syntax.Expr, s *scope) (*cx, error) {
	if e == nil {
		return konst(pyval.None), nil
	}
	return c.expr(e, s)
}

func (c *compiler) subscript(e *syntax.Subscript, s *scope) (*cx, error) {
	x, err := c.expr(e.X, s)
	if err != nil {
		return nil, err
	}
	pos := e.Pos()
	if sl, ok := e.Index.(*syntax.Slice); ok {
		lo, err := c.optional(sl.Lower, s)
		if err != nil {
			return nil, err
		}
		hi, err := c.optional(sl.Upper, s)
		if err != nil {
			return nil, err
		}
		st, err := c.optional(sl.Step, s)
		if err != nil {
			return nil, err
		}
		return dyn(func(f *frame) (pyval.Value, error) {
			v, err := x.fn(f)
			if err != nil {
				return v, err
			}
			l, err := lo.fn(f)
			if err != nil {
				return l, err
			}
			h, err := hi.fn(f)
			if err != nil {
				return h, err
			}
			k, err := st.fn(f)
			if err != nil {
				return k, err
			}
			r, err := pyval.GetSlice(f.env.Ctx, v, l, h, k)
			if err != nil {
				return r, errAt(err, pos)
			}
			return r, nil
		}), nil
	}
	if t, ok := e.Index.(*syntax.Tuple); ok && hasSlice(t) {
		// Extended slicing (a[i, j:k]) only means something to numpy;
		// builtin containers reject it as CPython does.
		idx := make([]*cx, len(t.Elts))
		for i, el := range t.Elts {
			if sl, ok := el.(*syntax.Slice); ok {
				parts := []syntax.Expr{sl.Lower, sl.Upper, sl.Step}
				var pcs []*cx
				for _, p := range parts {
					pc, err := c.optional(p, s)
					if err != nil {
						return nil, err
					}
					pcs = append(pcs, pc)
				}
				idx[i] = dyn(func(f *frame) (pyval.Value, error) {
					for _, p := range pcs {
						if v, err := p.fn(f); err != nil {
							return v, err
						}
					}
					return pyval.None, nil
				})
				continue
			}
			ic, err := c.expr(el, s)
			if err != nil {
				return nil, err
			}
			idx[i] = ic
		}
		return dyn(func(f *frame) (pyval.Value, error) {
			v, err := x.fn(f)
			if err != nil {
				return v, err
			}
			for _, ic := range idx {
				if r, err := ic.fn(f); err != nil {
					return r, err
				}
			}
			switch v.K {
			case pyval.DictKind:
				return pyval.Value{}, pyErr(pos, "TypeError", "unhashable type: 'slice'")
			case pyval.ListKind, pyval.TupleKind, pyval.StrKind, pyval.BytesKind, pyval.RangeKind:
				return pyval.Value{}, pyErr(pos, "TypeError", "%s indices must be integers or slices, not tuple", pyval.TypeName(v))
			}
			return pyval.Value{}, pyErr(pos, "TypeError", "'%s' object is not subscriptable", pyval.TypeName(v))
		}), nil
	}
	ix, err := c.expr(e.Index, s)
	if err != nil {
		return nil, err
	}
	return dyn(func(f *frame) (pyval.Value, error) {
		v, err := x.fn(f)
		if err != nil {
			return v, err
		}
		i, err := ix.fn(f)
		if err != nil {
			return i, err
		}
		if v.K == pyval.ListKind && i.K == pyval.IntKind {
			items := v.O.(*pyval.List).Items
			n := i.Int64()
			if n < 0 {
				n += int64(len(items))
			}
			if n >= 0 && n < int64(len(items)) {
				return items[n], nil
			}
		}
		r, err := pyval.GetItem(f.env.Ctx, v, i)
		if err != nil {
			return r, errAt(err, pos)
		}
		return r, nil
	}), nil
}

func hasSlice(t *syntax.Tuple) bool {
	for _, e := range t.Elts {
		if _, ok := e.(*syntax.Slice); ok {
			return true
		}
	}
	return false
}

// truth is pyval.Truth with the common kinds inline.
func truth(v pyval.Value) bool {
	if v.K == pyval.BoolKind {
		return v.N != 0
	}
	return truthSlow(v)
}

func truthSlow(v pyval.Value) bool {
	switch v.K {
	case pyval.IntKind:
		return v.N != 0
	case pyval.NoneKind:
		return false
	case pyval.FloatKind:
		return v.Float64() != 0
	}
	return pyval.Truth(v)
}

// get evaluates x. Hot closures use fast first, which the compiler
// inlines: a free slot or a constant is read without a closure call.
func (x *cx) get(f *frame) (pyval.Value, error) {
	if v, ok := x.fast(f); ok {
		return v, nil
	}
	return x.fn(f)
}

// fast returns x's value when it is a constant or a bound free slot.
func (x *cx) fast(f *frame) (pyval.Value, bool) {
	if x.slot >= 0 {
		v := f.env.Vars[x.slot]
		return v, v.K != pyval.Undefined
	}
	if x.local > 0 {
		v := f.vars[x.local-1]
		return v, v.K != pyval.Undefined
	}
	if x.lit > 0 {
		return f.env.consts[x.lit-1], true
	}
	return x.val, x.konst
}
