package catalog

import (
	"github.com/goccy/go-yaml/ast"

	"chaoslab/internal/config"
)

// ynode is what the catalog reader needs of a YAML node. Two parsers
// provide it: goccy/go-yaml, which every document can go through and whose
// AST the schema's positioned messages are mapped to, and yaml.v3, about
// three times faster, for documents of the plain shape (yamlfast.go).
type ynode interface {
	isNull() bool
	// pairs lists a mapping's key/value pairs in file order; ok is false
	// for anything but a mapping.
	pairs() (ps []ypair, ok bool)
	// items lists a sequence's items; ok is false for anything else.
	items() (is []ynode, ok bool)
	isScalar() bool // neither a mapping nor a sequence
	isString() bool // a string for the schema (not a number, bool or null)
	text() string   // a scalar's text as written (null: "")
	pos(file string) Pos
	// valuePos is where a scalar's text starts: after an opening quote.
	valuePos(file string) Pos
}

// ypair is one key/value of a mapping.
type ypair struct {
	key          string
	keyNode, val ynode
}

// gnode is a goccy AST node.
type gnode struct{ n ast.Node }

func (g gnode) isNull() bool {
	switch config.Unwrap(g.n).(type) {
	case nil, *ast.NullNode:
		return true
	}
	return false
}

func (g gnode) pairs() ([]ypair, bool) {
	switch config.Unwrap(g.n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
	default:
		return nil, false
	}
	ps := config.Pairs(g.n)
	out := make([]ypair, len(ps))
	for i, p := range ps {
		out[i] = ypair{key: p.Key, keyNode: gnode{p.KeyNode}, val: gnode{p.Value}}
	}
	return out, true
}

func (g gnode) items() ([]ynode, bool) {
	s, ok := config.Unwrap(g.n).(*ast.SequenceNode)
	if !ok {
		return nil, false
	}
	out := make([]ynode, len(s.Values))
	for i, v := range s.Values {
		out[i] = gnode{v}
	}
	return out, true
}

func (g gnode) isScalar() bool { return config.IsScalar(g.n) }

// isString reports whether toValue makes a JSON string of the node.
func (g gnode) isString() bool {
	switch config.Unwrap(g.n).(type) {
	case nil, *ast.NullNode, *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode, *ast.BoolNode,
		*ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		return false
	}
	return true
}

func (g gnode) text() string             { return config.ScalarText(g.n) }
func (g gnode) pos(file string) Pos      { return nodePos(file, g.n) }
func (g gnode) valuePos(file string) Pos { return valuePos(file, g.n) }
