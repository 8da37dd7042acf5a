package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// TokenError finds the goccy error in err's chain (one that knows its
// token) and returns it as an Error at the token's position (the file
// alone when the token has none). ok is false for other errors.
func TokenError(file string, err error) (e *Error, ok bool) {
	var te interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if !errors.As(err, &te) {
		return nil, false
	}
	e = &Error{Pos: Pos{File: file}, Msg: te.GetMessage()}
	if tk := te.GetToken(); tk != nil && tk.Position != nil {
		e.Pos.Line, e.Pos.Col = tk.Position.Line, tk.Position.Column
	}
	return e, true
}

// SyntaxError turns a goccy parse error into a positioned Error
// ("YAML: message"); errors without a position are put at 1:1.
func SyntaxError(file string, err error) *Error {
	if e, ok := TokenError(file, err); ok && e.Pos.Line > 0 {
		e.Msg = "YAML: " + e.Msg
		return e
	}
	return &Error{Pos: Pos{File: file, Line: 1, Col: 1}, Msg: "YAML: " + err.Error()}
}

// NodePos is where node n starts (the file alone when n has no token).
func NodePos(file string, n ast.Node) Pos {
	if n == nil || n.GetToken() == nil {
		return Pos{File: file}
	}
	p := n.GetToken().Position
	return Pos{File: file, Line: p.Line, Col: p.Column}
}

// ValuePos is where the text of a scalar starts: after the opening quote
// of a quoted scalar, on the line after the indicator of a block scalar.
func ValuePos(file string, n ast.Node) Pos {
	p := NodePos(file, n)
	switch t := Unwrap(n).(type) {
	case *ast.StringNode:
		if tk := t.GetToken(); tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType) {
			p.Col++
		}
	case *ast.LiteralNode:
		if t.Value != nil {
			p = NodePos(file, t.Value)
		}
	}
	return p
}

// Unwrap strips tags and anchors (aliases are kept as they are: a schema
// sees them as strings).
func Unwrap(n ast.Node) ast.Node {
	for {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			n = t.Value
		default:
			return n
		}
	}
}

// Pair is one key/value of a mapping, with the key's node for positions.
type Pair struct {
	Key     string
	KeyNode ast.Node
	Value   ast.Node
}

// Pairs lists the key/value pairs of a mapping node in file order (nil
// for other nodes).
func Pairs(n ast.Node) []Pair {
	var vs []*ast.MappingValueNode
	switch m := Unwrap(n).(type) {
	case *ast.MappingNode:
		vs = m.Values
	case *ast.MappingValueNode:
		vs = []*ast.MappingValueNode{m}
	default:
		return nil
	}
	out := make([]Pair, 0, len(vs))
	for _, v := range vs {
		out = append(out, Pair{Key: ScalarText(v.Key), KeyNode: v.Key, Value: v.Value})
	}
	return out
}

// ScalarText is the text of a scalar node as written (numbers keep their
// spelling: 0.10 stays "0.10"); null is "".
func ScalarText(n ast.Node) string {
	switch t := Unwrap(n).(type) {
	case nil, *ast.NullNode:
		return ""
	case *ast.StringNode:
		return t.Value
	case *ast.LiteralNode:
		if t.Value == nil {
			return ""
		}
		return t.Value.Value
	case *ast.MappingKeyNode:
		return ScalarText(t.Value)
	default:
		if tk := t.GetToken(); tk != nil {
			return tk.Value
		}
	}
	return ""
}

// IsScalar reports whether n is neither a mapping nor a sequence.
func IsScalar(n ast.Node) bool {
	switch Unwrap(n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		return false
	}
	return true
}

// Numbers says how ToValue converts numeric scalars.
type Numbers int

const (
	// ExactNumbers keeps integers exact (json.Number of the integer) and
	// makes .inf and .nan strings, which JSON cannot hold.
	ExactNumbers Numbers = iota
	// FloatNumbers parses every number (.inf and .nan included) as a
	// float64.
	FloatNumbers
)

// ToValue converts the AST to JSON values (maps, slices, json.Number,
// bool, string, nil) for a schema validator or json.Unmarshal. A repeated
// key keeps its last value.
func ToValue(n ast.Node, nums Numbers) any {
	switch t := Unwrap(n).(type) {
	case nil, *ast.NullNode:
		return nil
	case *ast.MappingNode, *ast.MappingValueNode:
		m := map[string]any{}
		for _, p := range Pairs(t) {
			m[p.Key] = ToValue(p.Value, nums)
		}
		return m
	case *ast.SequenceNode:
		s := make([]any, len(t.Values))
		for i, v := range t.Values {
			s[i] = ToValue(v, nums)
		}
		return s
	case *ast.BoolNode:
		return t.Value
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		txt := strings.ReplaceAll(ScalarText(t), "_", "")
		if nums == FloatNumbers {
			if f, err := strconv.ParseFloat(txt, 64); err == nil {
				return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
			}
			return json.Number("0")
		}
		switch t.(type) {
		case *ast.IntegerNode:
			if i, err := strconv.ParseInt(txt, 0, 64); err == nil {
				return json.Number(strconv.FormatInt(i, 10))
			}
			if u, err := strconv.ParseUint(txt, 0, 64); err == nil {
				return json.Number(strconv.FormatUint(u, 10))
			}
			return json.Number("0")
		case *ast.FloatNode:
			if f, err := strconv.ParseFloat(txt, 64); err == nil {
				return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
			}
			return json.Number("0")
		}
		return ScalarText(t) // .inf, .nan: the schema reports a string
	default:
		return ScalarText(t)
	}
}

// Find walks a JSON pointer (as path elements) through the AST; key
// selects the key node of the last element instead of its value. It stops
// at the deepest node found.
func Find(n ast.Node, path []string, key bool) ast.Node {
	for i, el := range path {
		switch t := Unwrap(n).(type) {
		case *ast.SequenceNode:
			j, err := strconv.Atoi(el)
			if err != nil || j < 0 || j >= len(t.Values) {
				return n
			}
			n = t.Values[j]
		default:
			found := false
			for _, p := range Pairs(t) {
				if p.Key == el {
					if key && i == len(path)-1 {
						return p.KeyNode
					}
					n, found = p.Value, true
					break
				}
			}
			if !found {
				return n
			}
		}
	}
	return n
}

// DecodeStrict decodes YAML into v, rejecting unknown fields and duplicate
// keys. A panic inside go-yaml (fuzzing finds inputs with odd tags, e.g.
// "!000", that crash its decoder) becomes an error: no panic reaches a
// user. Every strict decode of a user's file goes through here.
func DecodeStrict(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid YAML (the decoder failed: %v)", r)
		}
	}()
	return yaml.UnmarshalWithOptions(data, v, yaml.Strict(), yaml.DisallowUnknownField())
}
