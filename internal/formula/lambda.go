package formula

import (
	"fmt"
	"slices"
	"strings"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// Lambdas are closures: the function value captures the frame it was made
// in, so its body sees the enclosing lambda parameters and comprehension
// variables (late-bound, as in CPython) and the formula's names.

type lambdaSig struct {
	params   []string // positional-only, then positional-or-keyword, then keyword-only
	nposonly int
	npos     int // positional parameters (posonly + args)
	nkwonly  int
	vararg   int // index of *args in the frame, or -1
	kwarg    int // index of **kwargs in the frame, or -1
	ndefault int // defaults align with the last ndefault positional parameters
}

func (c *compiler) lambda(e *syntax.Lambda, s *scope) (*cx, error) {
	a := e.Args
	ls := newScope(scopeLambda, s)
	sig := &lambdaSig{vararg: -1, kwarg: -1, nposonly: len(a.PosOnly), ndefault: len(a.Defaults)}
	for _, p := range a.PosOnly {
		sig.params = append(sig.params, p.Name)
	}
	for _, p := range a.Args {
		sig.params = append(sig.params, p.Name)
	}
	sig.npos = len(sig.params)
	for _, p := range a.KwOnly {
		sig.params = append(sig.params, p.Name)
	}
	sig.nkwonly = len(a.KwOnly)
	for _, p := range sig.params {
		if _, dup := ls.locals[p]; dup {
			return nil, c.errorf(e.Pos(), "duplicate argument '%s' in function definition", p)
		}
		ls.add(p)
	}
	// Python 2's tuple parameters: their names are locals too, filled from
	// the hidden parameter when the lambda is called.
	type unpack struct {
		param int
		store store
	}
	var unpacks []unpack
	for i, p := range a.Args {
		if p.Unpack == nil {
			continue
		}
		var dup string
		targetNames(p.Unpack, func(n string) {
			if _, ok := ls.locals[n]; ok && dup == "" {
				dup = n
			}
			ls.add(n)
		})
		if dup != "" {
			return nil, c.errorf(p.Pos(), "duplicate argument '%s' in function definition", dup)
		}
		st, err := c.target(p.Unpack, ls)
		if err != nil {
			return nil, err
		}
		unpacks = append(unpacks, unpack{len(a.PosOnly) + i, st})
	}
	if a.Vararg != nil {
		if _, dup := ls.locals[a.Vararg.Name]; dup {
			return nil, c.errorf(a.Vararg.Pos(), "duplicate argument '%s' in function definition", a.Vararg.Name)
		}
		ls.add(a.Vararg.Name)
		sig.vararg = ls.locals[a.Vararg.Name]
	}
	if a.Kwarg != nil {
		if _, dup := ls.locals[a.Kwarg.Name]; dup {
			return nil, c.errorf(a.Kwarg.Pos(), "duplicate argument '%s' in function definition", a.Kwarg.Name)
		}
		ls.add(a.Kwarg.Name)
		sig.kwarg = ls.locals[a.Kwarg.Name]
	}
	(&binder{py2: c.py2, walrus: true, add: ls.add}).walk(e.Body, false)

	// Defaults are evaluated when the lambda is created, in the enclosing scope.
	defs := make([]node, len(a.Defaults))
	for i, d := range a.Defaults {
		x, err := c.expr(d, s)
		if err != nil {
			return nil, err
		}
		defs[i] = x.fn
	}
	kwdefs := make([]node, len(a.KwDefaults))
	for i, d := range a.KwDefaults {
		if d == nil {
			continue
		}
		x, err := c.expr(d, s)
		if err != nil {
			return nil, err
		}
		kwdefs[i] = x.fn
	}
	body, err := c.expr(e.Body, ls)
	if err != nil {
		return nil, err
	}
	nlocals := ls.n
	bf, pos := body.fn, e.Pos()
	simple := sig.vararg < 0 && sig.kwarg < 0 && sig.nkwonly == 0 && sig.ndefault == 0 && len(unpacks) == 0

	return dyn(func(f *frame) (pyval.Value, error) {
		dv := make([]pyval.Value, len(defs))
		for i, d := range defs {
			v, err := d(f)
			if err != nil {
				return v, err
			}
			dv[i] = v
		}
		kdv := make([]pyval.Value, len(kwdefs))
		for i, d := range kwdefs {
			if d == nil {
				continue
			}
			v, err := d(f)
			if err != nil {
				return v, err
			}
			kdv[i] = v
		}
		parent := f
		run := func(ctx *pyval.Context, lf *frame) (pyval.Value, error) {
			if err := enter(ctx, pos); err != nil {
				return pyval.Value{}, err
			}
			v, err := bf(lf)
			ctx.Depth--
			return v, err
		}
		fn := &pyval.Func{Name: "<lambda>", Lambda: true}
		fn.Fn = func(ctx *pyval.Context, args []pyval.Value, kw []pyval.Keyword) (pyval.Value, error) {
			lf := newFrame(parent.env, parent, nlocals)
			if err := sig.bind(ctx, lf.vars, args, kw, dv, kdv); err != nil {
				return pyval.Value{}, err
			}
			for _, u := range unpacks {
				if err := u.store(lf, lf.vars[u.param]); err != nil {
					return pyval.Value{}, errAt(err, pos)
				}
			}
			return run(ctx, lf)
		}
		if simple && sig.npos == 1 {
			fn.F1 = func(ctx *pyval.Context, a pyval.Value) (pyval.Value, error) {
				lf := newFrame(parent.env, parent, nlocals)
				lf.vars[0] = a
				return run(ctx, lf)
			}
		}
		if simple && sig.npos == 2 {
			fn.F2 = func(ctx *pyval.Context, a, b pyval.Value) (pyval.Value, error) {
				lf := newFrame(parent.env, parent, nlocals)
				lf.vars[0], lf.vars[1] = a, b
				return run(ctx, lf)
			}
		}
		return pyval.NewFunc(fn), nil
	}), nil
}

// enter charges a step and one level of depth for a call or comprehension;
// the caller decrements ctx.Depth when done.
func enter(ctx *pyval.Context, pos syntax.Pos) error {
	if err := ctx.Step(1); err != nil {
		return errAt(err, pos)
	}
	max := ctx.MaxDepth
	if max <= 0 {
		max = pyval.DefaultMaxDepth
	}
	if ctx.Depth >= max {
		return pyErr(pos, "RecursionError", "maximum recursion depth exceeded")
	}
	ctx.Depth++
	return nil
}

// bind fills a lambda frame from call arguments with CPython's rules and
// error messages.
func (sig *lambdaSig) bind(ctx *pyval.Context, vars, args []pyval.Value, kw []pyval.Keyword, defs, kwdefs []pyval.Value) error {
	err := sig.bind3(vars, args, kw, defs, kwdefs)
	if err != nil && ctx != nil && ctx.Py2 && sig.nkwonly == 0 && sig.nposonly == 0 {
		// The same calls fail in Python 2, which words (and orders) its
		// checks differently.
		if e2 := sig.py2Mismatch(args, kw); e2 != nil {
			return e2
		}
	}
	return err
}

// bind3 is bind with Python 3's checks and messages.
func (sig *lambdaSig) bind3(vars, args []pyval.Value, kw []pyval.Keyword, defs, kwdefs []pyval.Value) error {
	const name = "<lambda>"
	n := len(args)
	if n > sig.npos {
		if sig.vararg < 0 {
			return sig.tooMany(n, kw)
		}
		vars[sig.vararg] = pyval.NewTuple(append([]pyval.Value(nil), args[sig.npos:]...))
		n = sig.npos
	} else if sig.vararg >= 0 {
		vars[sig.vararg] = pyval.NewTuple(nil)
	}
	copy(vars, args[:n])
	var kwd *pyval.Dict
	if sig.kwarg >= 0 {
		d, v := pyval.NewDict()
		kwd = d
		vars[sig.kwarg] = v
	}
	var posonlyKw []string
	for _, k := range kw {
		i := -1
		for j, p := range sig.params {
			if p == k.Name {
				i = j
				break
			}
		}
		if i >= 0 && i < sig.nposonly {
			if kwd == nil {
				posonlyKw = append(posonlyKw, k.Name)
				continue
			}
			i = -1
		}
		if i < 0 {
			if kwd == nil {
				return pyval.Errorf("TypeError", "%s() got an unexpected keyword argument '%s'", name, k.Name)
			}
			kwd.SetStr(k.Name, k.Value)
			continue
		}
		if vars[i].K != pyval.Undefined {
			return pyval.Errorf("TypeError", "%s() got multiple values for argument '%s'", name, k.Name)
		}
		vars[i] = k.Value
	}
	if len(posonlyKw) > 0 {
		return pyval.Errorf("TypeError", "%s() got some positional-only arguments passed as keyword arguments: '%s'", name, strings.Join(posonlyKw, ", "))
	}
	var missing []string
	firstDef := sig.npos - sig.ndefault
	for i := 0; i < sig.npos; i++ {
		if vars[i].K == pyval.Undefined {
			if i >= firstDef {
				vars[i] = defs[i-firstDef]
			} else {
				missing = append(missing, sig.params[i])
			}
		}
	}
	if len(missing) > 0 {
		return pyval.Errorf("TypeError", "%s() missing %d required positional %s: %s", name, len(missing), plural(len(missing), "argument"), nameList(missing))
	}
	for j := 0; j < sig.nkwonly; j++ {
		i := sig.npos + j
		if vars[i].K == pyval.Undefined {
			if kwdefs[j].K != pyval.Undefined {
				vars[i] = kwdefs[j]
			} else {
				missing = append(missing, sig.params[i])
			}
		}
	}
	if len(missing) > 0 {
		return pyval.Errorf("TypeError", "%s() missing %d required keyword-only %s: %s", name, len(missing), plural(len(missing), "argument"), nameList(missing))
	}
	return nil
}

// py2Mismatch is Python 2.7's error for a call that does not fit a lambda
// of positional parameters (PyEval_EvalCodeEx: "takes exactly 1 argument
// (2 given)"), in its order of checks, or nil.
func (sig *lambdaSig) py2Mismatch(args []pyval.Value, kw []pyval.Keyword) error {
	const name = "<lambda>"
	n, given := len(args), len(args)+len(kw)
	if sig.npos == 0 && sig.vararg < 0 && sig.kwarg < 0 {
		if given > 0 {
			return pyval.Errorf("TypeError", "%s() takes no arguments (%d given)", name, given)
		}
		return nil
	}
	if n > sig.npos && sig.vararg < 0 {
		bound := "exactly"
		if sig.ndefault > 0 {
			bound = "at most"
		}
		return pyval.Errorf("TypeError", "%s() takes %s %d %s (%d given)", name, bound, sig.npos, plural(sig.npos, "argument"), given)
	}
	set := make([]bool, sig.npos)
	for i := 0; i < n && i < sig.npos; i++ {
		set[i] = true
	}
	for _, k := range kw {
		i := slices.Index(sig.params[:sig.npos], k.Name)
		switch {
		case i < 0 && sig.kwarg < 0:
			return pyval.Errorf("TypeError", "%s() got an unexpected keyword argument '%s'", name, k.Name)
		case i >= 0 && set[i]:
			return pyval.Errorf("TypeError", "%s() got multiple values for keyword argument '%s'", name, k.Name)
		case i >= 0:
			set[i] = true
		}
	}
	required := sig.npos - sig.ndefault
	for i := 0; i < required; i++ {
		if !set[i] {
			bound := "exactly"
			if sig.vararg >= 0 || sig.ndefault > 0 {
				bound = "at least"
			}
			have := 0
			for _, ok := range set {
				if ok {
					have++
				}
			}
			return pyval.Errorf("TypeError", "%s() takes %s %d %s (%d given)", name, bound, required, plural(required, "argument"), have)
		}
	}
	return nil
}

func (sig *lambdaSig) tooMany(n int, kw []pyval.Keyword) error {
	takes := fmt.Sprintf("%d positional %s", sig.npos, plural(sig.npos, "argument"))
	if sig.ndefault > 0 {
		takes = fmt.Sprintf("from %d to %d positional arguments", sig.npos-sig.ndefault, sig.npos)
	}
	kwonly := 0
	for _, k := range kw {
		for _, p := range sig.params[sig.npos:] {
			if p == k.Name {
				kwonly++
			}
		}
	}
	given := fmt.Sprintf("%d %s given", n, wasWere(n))
	if kwonly > 0 {
		given = fmt.Sprintf("%d positional %s (and %d keyword-only %s) were given", n, plural(n, "argument"), kwonly, plural(kwonly, "argument"))
	}
	return pyval.Errorf("TypeError", "<lambda>() takes %s but %s", takes, given)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// nameList formats names as CPython does: 'a', 'a' and 'b', 'a', 'b', and 'c'.
func nameList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	switch len(q) {
	case 1:
		return q[0]
	case 2:
		return q[0] + " and " + q[1]
	}
	return strings.Join(q[:len(q)-1], ", ") + ", and " + q[len(q)-1]
}
