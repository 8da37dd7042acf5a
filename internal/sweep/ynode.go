package sweep

import (
	"fmt"
	"math"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// ynode is a YAML node with positions, reduced to what a matrix file uses:
// mappings (ordered), sequences and scalars.
type ynode struct {
	Pos    Pos
	Kind   ykind
	Keys   []string // mapping keys, in file order
	KeyPos []Pos
	Vals   []*ynode
	Items  []*ynode // sequence
	Val    Value    // scalar: int64, float64, string, bool or nil
	Quoted bool     // scalar was a quoted string
}

type ykind uint8

const (
	yScalar ykind = iota
	yMap
	ySeq
)

func (k ykind) String() string {
	switch k {
	case yMap:
		return "a mapping"
	case ySeq:
		return "a list"
	}
	return "a scalar"
}

// parseYAML parses data into a ynode tree; errors carry file:line:col.
func parseYAML(file string, data []byte) (n *ynode, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = nil, &PosError{Pos: Pos{File: file}, Msg: fmt.Sprintf("invalid YAML (the parser failed: %v)", r)}
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var te interface {
			GetToken() *token.Token
			GetMessage() string
		}
		if asErr(err, &te) {
			return nil, &PosError{Pos: tokPos(file, te.GetToken()), Msg: te.GetMessage()}
		}
		return nil, &PosError{Pos: Pos{File: file}, Msg: err.Error()}
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, &PosError{Pos: Pos{File: file, Line: 1, Col: 1}, Msg: "empty file: expected a mapping with a matrix"}
	}
	if len(f.Docs) > 1 {
		return nil, &PosError{Pos: tokPos(file, f.Docs[1].GetToken()), Msg: "more than one YAML document"}
	}
	return convert(file, f.Docs[0].Body)
}

func tokPos(file string, tk *token.Token) Pos {
	if tk == nil || tk.Position == nil {
		return Pos{File: file}
	}
	return Pos{File: file, Line: tk.Position.Line, Col: tk.Position.Column}
}

func convert(file string, n ast.Node) (*ynode, error) {
	pos := tokPos(file, n.GetToken())
	switch x := n.(type) {
	case *ast.DocumentNode:
		return convert(file, x.Body)
	case *ast.MappingNode:
		out := &ynode{Pos: pos, Kind: yMap}
		if len(x.Values) > 0 && !x.IsFlowStyle {
			out.Pos = tokPos(file, x.Values[0].Key.GetToken())
		}
		for _, mv := range x.Values {
			if err := addEntry(file, out, mv); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *ast.MappingValueNode:
		out := &ynode{Pos: tokPos(file, x.Key.GetToken()), Kind: yMap}
		if err := addEntry(file, out, x); err != nil {
			return nil, err
		}
		return out, nil
	case *ast.SequenceNode:
		out := &ynode{Pos: pos, Kind: ySeq}
		for _, v := range x.Values {
			c, err := convert(file, v)
			if err != nil {
				return nil, err
			}
			out.Items = append(out.Items, c)
		}
		return out, nil
	case *ast.AnchorNode:
		return convert(file, x.Value)
	case *ast.AliasNode, *ast.MergeKeyNode:
		return nil, &PosError{Pos: pos, Msg: "YAML aliases and merge keys are not supported in a matrix file"}
	case *ast.TagNode:
		return nil, &PosError{Pos: pos, Msg: fmt.Sprintf("YAML tag %s is not supported in a matrix file", x.Start.Value)}
	case *ast.NullNode:
		return &ynode{Pos: pos}, nil
	case *ast.BoolNode:
		return &ynode{Pos: pos, Val: x.Value}, nil
	case *ast.IntegerNode:
		switch v := x.Value.(type) {
		case int64:
			return &ynode{Pos: pos, Val: v}, nil
		case uint64:
			if v > math.MaxInt64 {
				return nil, &PosError{Pos: pos, Msg: "integer out of range"}
			}
			return &ynode{Pos: pos, Val: int64(v)}, nil
		}
		return nil, &PosError{Pos: pos, Msg: "integer out of range"}
	case *ast.FloatNode:
		return &ynode{Pos: pos, Val: x.Value}, nil
	case *ast.InfinityNode:
		return &ynode{Pos: pos, Val: x.Value}, nil
	case *ast.NanNode:
		return &ynode{Pos: pos, Val: math.NaN()}, nil
	case *ast.StringNode:
		q := x.Token != nil && (x.Token.Type == token.DoubleQuoteType || x.Token.Type == token.SingleQuoteType)
		return &ynode{Pos: pos, Val: x.Value, Quoted: q}, nil
	case *ast.LiteralNode:
		return &ynode{Pos: pos, Val: x.Value.Value, Quoted: true}, nil
	}
	return nil, &PosError{Pos: pos, Msg: fmt.Sprintf("unexpected YAML %s", n.Type())}
}

func addEntry(file string, out *ynode, mv *ast.MappingValueNode) error {
	kp := tokPos(file, mv.Key.GetToken())
	k, ok := mv.Key.(ast.ScalarNode)
	if !ok {
		return &PosError{Pos: kp, Msg: "mapping keys must be plain scalars"}
	}
	key := fmt.Sprint(k.GetValue())
	for i, have := range out.Keys {
		if have == key {
			return &PosError{Pos: kp, Msg: fmt.Sprintf("duplicate key %q (first at line %d)", key, out.KeyPos[i].Line)}
		}
	}
	v, err := convert(file, mv.Value)
	if err != nil {
		return err
	}
	if v.Pos.Line == 0 {
		v.Pos = kp
	}
	out.Keys = append(out.Keys, key)
	out.KeyPos = append(out.KeyPos, kp)
	out.Vals = append(out.Vals, v)
	return nil
}

// get returns the value of key in a mapping node (nil if absent).
func (n *ynode) get(key string) *ynode {
	if n == nil || n.Kind != yMap {
		return nil
	}
	for i, k := range n.Keys {
		if k == key {
			return n.Vals[i]
		}
	}
	return nil
}

// keyPos returns where key is written (the node's own position if absent).
func (n *ynode) keyPos(key string) Pos {
	for i, k := range n.Keys {
		if k == key {
			return n.KeyPos[i]
		}
	}
	return n.Pos
}

// checkKeys reports keys outside allowed, with the list of allowed ones.
func (n *ynode) checkKeys(what string, allowed ...string) error {
	var errs []error
	for i, k := range n.Keys {
		ok := false
		for _, a := range allowed {
			if a == k {
				ok = true
				break
			}
		}
		if !ok {
			errs = append(errs, &PosError{Pos: n.KeyPos[i], Msg: fmt.Sprintf("unknown key %q in %s (expected one of: %s)", k, what, strings.Join(allowed, ", "))})
		}
	}
	return joinErrs(errs)
}

// toAny converts a node to plain Go values (map[string]any, []any, scalars).
func (n *ynode) toAny() any {
	switch n.Kind {
	case yMap:
		m := make(map[string]any, len(n.Keys))
		for i, k := range n.Keys {
			m[k] = n.Vals[i].toAny()
		}
		return m
	case ySeq:
		l := make([]any, len(n.Items))
		for i, it := range n.Items {
			l[i] = it.toAny()
		}
		return l
	}
	return n.Val
}
