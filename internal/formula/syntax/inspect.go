package syntax

// Inspect traverses the tree rooted at n depth-first, in source order, like
// go/ast.Inspect: it calls f(n); if that returns true it inspects each
// child and then calls f(nil). Besides expressions, the walk visits the
// *Arg parameters of a lambda, the *Keyword arguments of a call and the
// *Comprehension clauses; Dict's nil keys are skipped.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	walk := func(xs ...Node) {
		for _, x := range xs {
			if x != nil {
				Inspect(x, f)
			}
		}
	}
	walkExprs := func(xs []Expr) {
		for _, x := range xs {
			if x != nil {
				Inspect(x, f)
			}
		}
	}
	switch n := n.(type) {
	case *UnaryOp:
		walk(n.X)
	case *BinOp:
		walk(n.X, n.Y)
	case *BoolOp:
		walkExprs(n.Values)
	case *Compare:
		walk(n.Left)
		walkExprs(n.Comparators)
	case *IfExp:
		walk(n.Body, n.Test, n.OrElse)
	case *NamedExpr:
		walk(n.Target, n.Value)
	case *Lambda:
		a := n.Args
		// Parameters in source order, each followed by its default.
		pos := append(append([]*Arg{}, a.PosOnly...), a.Args...)
		firstDef := len(pos) - len(a.Defaults)
		for i, p := range pos {
			walk(p)
			if i >= firstDef {
				walk(a.Defaults[i-firstDef])
			}
		}
		if a.Vararg != nil {
			walk(a.Vararg)
		}
		for i, p := range a.KwOnly {
			walk(p)
			if i < len(a.KwDefaults) && a.KwDefaults[i] != nil {
				walk(a.KwDefaults[i])
			}
		}
		if a.Kwarg != nil {
			walk(a.Kwarg)
		}
		walk(n.Body)
	case *Call:
		walk(n.Func)
		walkExprs(n.Args)
		for _, k := range n.Keywords {
			walk(k)
		}
	case *Keyword:
		walk(n.Value)
	case *Attribute:
		walk(n.X)
	case *Subscript:
		walk(n.X, n.Index)
	case *Slice:
		if n.Lower != nil {
			walk(n.Lower)
		}
		if n.Upper != nil {
			walk(n.Upper)
		}
		if n.Step != nil {
			walk(n.Step)
		}
	case *Starred:
		walk(n.X)
	case *Tuple:
		walkExprs(n.Elts)
	case *List:
		walkExprs(n.Elts)
	case *Set:
		walkExprs(n.Elts)
	case *Dict:
		for i := range n.Values {
			if n.Keys[i] != nil {
				walk(n.Keys[i])
			}
			walk(n.Values[i])
		}
	case *ListComp:
		walk(n.Elt)
		walkComps(n.Generators, f)
	case *SetComp:
		walk(n.Elt)
		walkComps(n.Generators, f)
	case *GeneratorExp:
		walk(n.Elt)
		walkComps(n.Generators, f)
	case *DictComp:
		walk(n.Key, n.Value)
		walkComps(n.Generators, f)
	case *Comprehension:
		walk(n.Target, n.Iter)
		walkExprs(n.Ifs)
	case *JoinedStr:
		walkExprs(n.Values)
	case *FormattedValue:
		walk(n.Value)
		if n.FormatSpec != nil {
			walk(n.FormatSpec)
		}
	case *Repr:
		walk(n.X)
	}
	f(nil)
}

func walkComps(gs []*Comprehension, f func(Node) bool) {
	for _, g := range gs {
		Inspect(g, f)
	}
}
