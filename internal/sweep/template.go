package sweep

import (
	"fmt"
	"strings"
)

// Template is a part of the matrix file into which a case's parameters are
// bound: a tree of mappings, lists and scalars where a string "${expr}"
// becomes the expression's typed value and "text ${expr} text" its
// interpolation (expressions in the formula language, compiled at load
// time, so a typo is reported before anything runs).
type Template struct {
	Pos  Pos
	root *tnode
}

type tnode struct {
	pos   Pos
	kind  ykind
	keys  []string
	vals  []*tnode
	items []*tnode
	lit   Value
	expr  *Expr    // whole-string expression
	parts []string // interpolation: literal, expr, literal, expr ... (odd indexes are expressions)
	exprs []*Expr
}

// compileTemplate compiles a node.
func compileTemplate(n *ynode) (*Template, error) {
	if n == nil {
		return nil, nil
	}
	r, err := compileT(n)
	if err != nil {
		return nil, err
	}
	return &Template{Pos: n.Pos, root: r}, nil
}

func compileT(n *ynode) (*tnode, error) {
	t := &tnode{pos: n.Pos, kind: n.Kind}
	var errs []error
	switch n.Kind {
	case yMap:
		for i, k := range n.Keys {
			c, err := compileT(n.Vals[i])
			if err != nil {
				errs = append(errs, err)
				continue
			}
			t.keys = append(t.keys, k)
			t.vals = append(t.vals, c)
		}
	case ySeq:
		for _, it := range n.Items {
			c, err := compileT(it)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			t.items = append(t.items, c)
		}
	default:
		s, ok := n.Val.(string)
		if !ok || !strings.Contains(s, "${") {
			t.lit = n.Val
			return t, nil
		}
		parts, err := splitInterp(s)
		if err != nil {
			return nil, &PosError{Pos: n.Pos, Msg: err.Error()}
		}
		if len(parts) == 3 && parts[0] == "" && parts[2] == "" {
			e, err := CompileExpr(parts[1], n.Pos)
			if err != nil {
				return nil, err
			}
			t.expr = e
			return t, nil
		}
		t.parts = parts
		for i := 1; i < len(parts); i += 2 {
			e, err := CompileExpr(parts[i], n.Pos)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			t.exprs = append(t.exprs, e)
		}
	}
	return t, joinErrs(errs)
}

// splitInterp splits "a ${x} b" into ["a ", "x", " b"]; "$${" is a literal "${".
func splitInterp(s string) ([]string, error) {
	var parts []string
	var lit strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "$${") {
			lit.WriteString("${")
			i += 3
			continue
		}
		if strings.HasPrefix(s[i:], "${") {
			j := strings.IndexByte(s[i+2:], '}')
			// Braces inside the expression (dict literals) are allowed
			// when balanced.
			depth, end := 0, -1
			for k := i + 2; k < len(s); k++ {
				switch s[k] {
				case '{':
					depth++
				case '}':
					if depth == 0 {
						end = k
					} else {
						depth--
					}
				}
				if end >= 0 {
					break
				}
			}
			if j < 0 || end < 0 {
				return nil, fmt.Errorf("unclosed ${ in %q", s)
			}
			expr := strings.TrimSpace(s[i+2 : end])
			if expr == "" {
				return nil, fmt.Errorf("empty ${} in %q", s)
			}
			parts = append(parts, lit.String(), expr)
			lit.Reset()
			i = end + 1
			continue
		}
		lit.WriteByte(s[i])
		i++
	}
	return append(parts, lit.String()), nil
}

// Bind evaluates the template with vars and returns plain Go values
// (map[string]any, []any, scalars).
func (t *Template) Bind(vars func(string) (Value, bool)) (any, error) {
	if t == nil {
		return nil, nil
	}
	return t.root.bind(vars)
}

func (t *tnode) bind(vars func(string) (Value, bool)) (any, error) {
	switch t.kind {
	case yMap:
		m := make(map[string]any, len(t.keys))
		for i, k := range t.keys {
			v, err := t.vals[i].bind(vars)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	case ySeq:
		l := make([]any, len(t.items))
		for i, it := range t.items {
			v, err := it.bind(vars)
			if err != nil {
				return nil, err
			}
			l[i] = v
		}
		return l, nil
	}
	if t.expr != nil {
		return t.expr.Eval(vars)
	}
	if t.parts != nil {
		var sb strings.Builder
		for i, p := range t.parts {
			if i%2 == 0 {
				sb.WriteString(p)
				continue
			}
			v, err := t.exprs[i/2].Eval(vars)
			if err != nil {
				return nil, err
			}
			sb.WriteString(FormatValue(v))
		}
		return sb.String(), nil
	}
	return t.lit, nil
}
