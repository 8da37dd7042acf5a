package formula

import (
	"math/big"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// LiteralEval evaluates a Python literal with ast.literal_eval's rules:
// numbers, strings, bytes, None/True/False, tuples, lists, dicts, sets and
// set(), with unary + and - on numbers. Anything else is a *CompileError
// naming the position of the offending expression.
func LiteralEval(src string, m Mode) (pyval.Value, error) {
	e, err := parse(src, m == Py2)
	if err != nil {
		return pyval.Value{}, err
	}
	ctx := &pyval.Context{Py2: m == Py2, Steps: pyval.DefaultSteps}
	return literal(ctx, src, e)
}

func literal(ctx *pyval.Context, src string, e syntax.Expr) (pyval.Value, error) {
	bad := func(n syntax.Node) error {
		return compileErr(src, n.Pos(), "malformed literal: only numbers, strings, bytes, None, True, False, tuples, lists, dicts and sets are allowed")
	}
	items := func(elts []syntax.Expr) ([]pyval.Value, error) {
		out := make([]pyval.Value, len(elts))
		for i, x := range elts {
			v, err := literal(ctx, src, x)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	switch e := e.(type) {
	case *syntax.Constant:
		switch e.Kind {
		case syntax.ConstNone:
			return pyval.None, nil
		case syntax.ConstTrue:
			return pyval.True, nil
		case syntax.ConstFalse:
			return pyval.False, nil
		case syntax.ConstInt:
			return pyval.BigInt(new(big.Int).Set(e.Int)), nil
		case syntax.ConstFloat:
			return pyval.Float(e.Float), nil
		case syntax.ConstStr:
			return pyval.Str(e.Str), nil
		case syntax.ConstBytes:
			return pyval.Value{K: pyval.BytesKind, O: e.Str}, nil
		}
		return pyval.Value{}, bad(e)
	case *syntax.UnaryOp:
		if e.Op != syntax.USub && e.Op != syntax.UAdd {
			return pyval.Value{}, bad(e)
		}
		c, ok := e.X.(*syntax.Constant)
		if !ok || (c.Kind != syntax.ConstInt && c.Kind != syntax.ConstFloat) {
			return pyval.Value{}, bad(e)
		}
		v, _ := literal(ctx, src, c)
		r, err := pyval.Unary(ctx, pyval.UnOp(e.Op), v)
		if err != nil {
			return pyval.Value{}, compileErr(src, e.Pos(), "%v", err)
		}
		return r, nil
	case *syntax.Tuple:
		it, err := items(e.Elts)
		if err != nil {
			return pyval.Value{}, err
		}
		return pyval.NewTuple(it), nil
	case *syntax.List:
		it, err := items(e.Elts)
		if err != nil {
			return pyval.Value{}, err
		}
		return pyval.NewList(it), nil
	case *syntax.Set:
		it, err := items(e.Elts)
		if err != nil {
			return pyval.Value{}, err
		}
		s, sv := pyval.NewSet(false)
		for _, v := range it {
			if err := s.Add(ctx, v); err != nil {
				return pyval.Value{}, compileErr(src, e.Pos(), "%v", err)
			}
		}
		return sv, nil
	case *syntax.Dict:
		d, dv := pyval.NewDict()
		for i, k := range e.Keys {
			if k == nil {
				return pyval.Value{}, bad(e.Values[i])
			}
			kv, err := literal(ctx, src, k)
			if err != nil {
				return pyval.Value{}, err
			}
			vv, err := literal(ctx, src, e.Values[i])
			if err != nil {
				return pyval.Value{}, err
			}
			if err := d.Set(ctx, kv, vv); err != nil {
				return pyval.Value{}, compileErr(src, k.Pos(), "%v", err)
			}
		}
		return dv, nil
	case *syntax.Call:
		if n, ok := e.Func.(*syntax.Name); ok && n.Id == "set" && len(e.Args) == 0 && len(e.Keywords) == 0 {
			_, sv := pyval.NewSet(false)
			return sv, nil
		}
	}
	return pyval.Value{}, bad(e)
}
