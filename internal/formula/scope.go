package formula

import (
	"chaoslab/internal/formula/syntax"
)

// Scopes follow Python 3: the formula itself (top), each lambda and each
// comprehension is a scope. Lambda parameters, comprehension variables and
// walrus targets are locals; everything else resolves, at compile time, to
// a host slot, a global, a builtin or a free slot. In Python 2 mode a list
// comprehension is not a scope: its variables belong to (and leak into) the
// enclosing one.

type scopeKind uint8

const (
	scopeTop scopeKind = iota
	scopeLambda
	scopeComp
)

type scope struct {
	kind   scopeKind
	parent *scope
	locals map[string]int
	n      int
}

func newScope(kind scopeKind, parent *scope) *scope {
	return &scope{kind: kind, parent: parent, locals: map[string]int{}}
}

func (s *scope) add(name string) {
	if _, ok := s.locals[name]; !ok {
		s.locals[name] = s.n
		s.n++
	}
}

// funcScope is the nearest enclosing lambda or top scope: where walrus binds.
func (s *scope) funcScope() *scope {
	for s.kind == scopeComp {
		s = s.parent
	}
	return s
}

// targetNames calls add for every name bound by an assignment target.
func targetNames(t syntax.Expr, add func(string)) {
	switch t := t.(type) {
	case *syntax.Name:
		add(t.Id)
	case *syntax.Tuple:
		for _, e := range t.Elts {
			targetNames(e, add)
		}
	case *syntax.List:
		for _, e := range t.Elts {
			targetNames(e, add)
		}
	case *syntax.Starred:
		targetNames(t.X, add)
	}
}

// binder collects the names a scope binds in the expressions evaluated in
// it: walrus targets (when the scope is a lambda or the top, since walrus
// inside comprehensions binds in the enclosing function scope) and, in
// Python 2 mode, the variables of list comprehensions that belong to it.
type binder struct {
	py2    bool
	walrus bool // collect walrus targets
	add    func(string)
}

// walk visits e; inner reports that e is inside a nested comprehension
// scope (whose Python 2 list comprehensions are not ours).
func (b *binder) walk(e syntax.Expr, inner bool) {
	if e == nil {
		return
	}
	switch e := e.(type) {
	case *syntax.NamedExpr:
		if b.walrus {
			b.add(e.Target.Id)
		}
		b.walk(e.Value, inner)
	case *syntax.Lambda:
		// Defaults are evaluated here; the body is another scope.
		for _, d := range e.Args.Defaults {
			b.walk(d, inner)
		}
		for _, d := range e.Args.KwDefaults {
			b.walk(d, inner)
		}
	case *syntax.ListComp:
		if b.py2 {
			for _, g := range e.Generators {
				if !inner {
					targetNames(g.Target, b.add)
				}
				b.walk(g.Iter, inner)
				for _, c := range g.Ifs {
					b.walk(c, inner)
				}
			}
			b.walk(e.Elt, inner)
			return
		}
		b.comp(e.Generators, inner, e.Elt)
	case *syntax.SetComp:
		b.comp(e.Generators, inner, e.Elt)
	case *syntax.GeneratorExp:
		b.comp(e.Generators, inner, e.Elt)
	case *syntax.DictComp:
		b.comp(e.Generators, inner, e.Key, e.Value)
	default:
		children(e, func(c syntax.Expr) { b.walk(c, inner) })
	}
}

func (b *binder) comp(gens []*syntax.Comprehension, inner bool, elts ...syntax.Expr) {
	for i, g := range gens {
		if i == 0 {
			b.walk(g.Iter, inner) // evaluated in the enclosing scope
		} else {
			b.walk(g.Iter, true)
		}
		for _, c := range g.Ifs {
			b.walk(c, true)
		}
	}
	for _, e := range elts {
		b.walk(e, true)
	}
}

// children calls f for each direct sub-expression of e (for node kinds
// without scoping rules of their own).
func children(e syntax.Expr, f func(syntax.Expr)) {
	switch e := e.(type) {
	case *syntax.UnaryOp:
		f(e.X)
	case *syntax.BinOp:
		f(e.X)
		f(e.Y)
	case *syntax.BoolOp:
		for _, v := range e.Values {
			f(v)
		}
	case *syntax.Compare:
		f(e.Left)
		for _, v := range e.Comparators {
			f(v)
		}
	case *syntax.IfExp:
		f(e.Test)
		f(e.Body)
		f(e.OrElse)
	case *syntax.NamedExpr:
		f(e.Value)
	case *syntax.Call:
		f(e.Func)
		for _, a := range e.Args {
			f(a)
		}
		for _, k := range e.Keywords {
			f(k.Value)
		}
	case *syntax.Attribute:
		f(e.X)
	case *syntax.Subscript:
		f(e.X)
		f(e.Index)
	case *syntax.Slice:
		if e.Lower != nil {
			f(e.Lower)
		}
		if e.Upper != nil {
			f(e.Upper)
		}
		if e.Step != nil {
			f(e.Step)
		}
	case *syntax.Starred:
		f(e.X)
	case *syntax.Tuple:
		for _, v := range e.Elts {
			f(v)
		}
	case *syntax.List:
		for _, v := range e.Elts {
			f(v)
		}
	case *syntax.Set:
		for _, v := range e.Elts {
			f(v)
		}
	case *syntax.Dict:
		for i, v := range e.Values {
			if e.Keys[i] != nil {
				f(e.Keys[i])
			}
			f(v)
		}
	case *syntax.JoinedStr:
		for _, v := range e.Values {
			f(v)
		}
	case *syntax.FormattedValue:
		f(e.Value)
		if e.FormatSpec != nil {
			f(e.FormatSpec)
		}
	case *syntax.Repr:
		f(e.X)
	}
}
