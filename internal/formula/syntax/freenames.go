package syntax

import "sort"

// FreeNames returns the names e reads that are not bound inside it, in
// order of first appearance in the source, without duplicates. Binding
// follows Python 3 scoping: lambda parameters are bound in the body (their
// defaults are read outside); comprehension targets are bound in the whole
// comprehension except its first iterable, which is read outside; a walrus
// target is bound in the nearest enclosing lambda or the formula itself,
// from the point where it is evaluated on. Reads that precede such a
// binding count as free, which errs towards reporting a dependency.
func FreeNames(e Expr) []string {
	fv := freeVars{}
	fv.scopes = []scope{{bound: map[string]bool{}}}
	fv.expr(e)
	sort.SliceStable(fv.found, func(i, j int) bool { return fv.found[i].Pos().Offset < fv.found[j].Pos().Offset })
	var out []string
	seen := map[string]bool{}
	for _, n := range fv.found {
		if !seen[n.Id] {
			seen[n.Id] = true
			out = append(out, n.Id)
		}
	}
	return out
}

type scope struct {
	bound map[string]bool
	comp  bool // comprehension scope: walrus targets go to the enclosing one
}

type freeVars struct {
	scopes []scope
	found  []*Name
}

func (fv *freeVars) isBound(id string) bool {
	for i := len(fv.scopes) - 1; i >= 0; i-- {
		if fv.scopes[i].bound[id] {
			return true
		}
	}
	return false
}

func (fv *freeVars) push(comp bool) *scope {
	fv.scopes = append(fv.scopes, scope{bound: map[string]bool{}, comp: comp})
	return &fv.scopes[len(fv.scopes)-1]
}

func (fv *freeVars) pop() { fv.scopes = fv.scopes[:len(fv.scopes)-1] }

func (fv *freeVars) exprs(xs []Expr) {
	for _, x := range xs {
		if x != nil {
			fv.expr(x)
		}
	}
}

func (fv *freeVars) expr(e Expr) {
	switch e := e.(type) {
	case nil:
	case *Name:
		if !fv.isBound(e.Id) {
			fv.found = append(fv.found, e)
		}
	case *NamedExpr:
		fv.expr(e.Value)
		for i := len(fv.scopes) - 1; i >= 0; i-- {
			if !fv.scopes[i].comp {
				fv.scopes[i].bound[e.Target.Id] = true
				break
			}
		}
	case *Lambda:
		a := e.Args
		fv.exprs(a.Defaults)
		fv.exprs(a.KwDefaults)
		s := fv.push(false)
		for _, group := range [][]*Arg{a.PosOnly, a.Args, a.KwOnly, {a.Vararg, a.Kwarg}} {
			for _, p := range group {
				if p != nil {
					s.bound[p.Name] = true
					if p.Unpack != nil {
						bindTuple(p.Unpack, s.bound)
					}
				}
			}
		}
		fv.expr(e.Body)
		fv.pop()
	case *ListComp:
		fv.comp(e.Generators, e.Elt)
	case *SetComp:
		fv.comp(e.Generators, e.Elt)
	case *GeneratorExp:
		fv.comp(e.Generators, e.Elt)
	case *DictComp:
		fv.comp(e.Generators, e.Key, e.Value)
	default:
		// Every other node only reads its children.
		Inspect(e, func(n Node) bool {
			if n == nil || n == Node(e) {
				return true
			}
			if x, ok := n.(Expr); ok {
				fv.expr(x)
				return false
			}
			return true // keywords: descend to their values
		})
	}
}

// comp handles a comprehension: the first iterable is read in the
// enclosing scope, everything else in the comprehension's own scope.
func (fv *freeVars) comp(gens []*Comprehension, elts ...Expr) {
	if len(gens) == 0 {
		return
	}
	fv.expr(gens[0].Iter)
	s := fv.push(true)
	for _, g := range gens {
		bindTargets(g.Target, s.bound)
	}
	for i, g := range gens {
		fv.targetReads(g.Target)
		if i > 0 {
			fv.expr(g.Iter)
		}
		fv.exprs(g.Ifs)
	}
	fv.exprs(elts)
	fv.pop()
}

// bindTargets records the names an assignment target binds.
func bindTargets(t Expr, bound map[string]bool) {
	switch t := t.(type) {
	case *Name:
		bound[t.Id] = true
	case *Starred:
		bindTargets(t.X, bound)
	case *Tuple:
		for _, x := range t.Elts {
			bindTargets(x, bound)
		}
	case *List:
		for _, x := range t.Elts {
			bindTargets(x, bound)
		}
	}
}

// targetReads visits what a target reads: the object of `x.a` and the
// object and index of `x[i]`.
func (fv *freeVars) targetReads(t Expr) {
	switch t := t.(type) {
	case *Attribute:
		fv.expr(t.X)
	case *Subscript:
		fv.expr(t.X)
		fv.expr(t.Index)
	case *Starred:
		fv.targetReads(t.X)
	case *Tuple:
		for _, x := range t.Elts {
			fv.targetReads(x)
		}
	case *List:
		for _, x := range t.Elts {
			fv.targetReads(x)
		}
	}
}

// bindTuple marks the names of a tuple parameter bound.
func bindTuple(t *Tuple, bound map[string]bool) {
	for _, e := range t.Elts {
		switch e := e.(type) {
		case *Name:
			bound[e.Id] = true
		case *Tuple:
			bindTuple(e, bound)
		}
	}
}
