package catalog

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// The fast path. goccy/go-yaml spends about 3 s on a 10,000-device
// catalog (14 MB), yaml.v3 about 1 s. A document that yaml.v3 parses and
// that is plain — one document, scalar keys, no anchors, aliases, tags,
// merge keys, block scalars, empty values or scalars the two parsers
// read or place differently (folded over lines, a tab or trailing
// blanks in an unquoted one), strings where the schema wants strings
// spelled so that no YAML version reads them as anything else, and the
// catalog's shape — is read from yaml.v3's nodes; anything else goes
// through goccy, which reports errors at their positions. Both paths
// build the catalog with the same reader over ynode, and
// TestYAMLFastMatchesSlow and FuzzYAMLFastMatchesSlow hold them to the
// same catalog, positions and errors included.

// readYAMLFast reads a plain document; ok is false when the slow path
// must read it instead.
func readYAMLFast(name string, data []byte) (c *Catalog, ok bool, err error) {
	root, ok := parsePlain(data)
	if !ok {
		return nil, false, nil
	}
	b := newBuilder(name)
	y := &yamlReader{b: b, file: name}
	y.root(root)
	c, err = b.finish(false)
	return c, true, err
}

// parsePlain parses data with yaml.v3 and returns its root mapping if the
// document is plain and of the catalog's shape.
func parsePlain(data []byte) (*vnode, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, false // a second document, or an error after the first
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	root := doc.Content[0]
	pc := plainCheck{src: data}
	if root.Kind != yaml.MappingNode || !pc.plain(root) {
		return nil, false
	}
	r := (*vnode)(root)
	if !shapeOK(r) {
		return nil, false
	}
	return r, true
}

// plainCheck looks at the source text of scalars. The walk meets them
// in document order, so a cursor finds each line.
type plainCheck struct {
	src       []byte
	line, off int // a line number (from 1) and the offset of its first byte
}

// lineAt returns line l (without its newline).
func (pc *plainCheck) lineAt(l int) ([]byte, bool) {
	if l < pc.line || pc.line == 0 {
		pc.line, pc.off = 1, 0
	}
	for pc.line < l {
		i := bytes.IndexByte(pc.src[pc.off:], '\n')
		if i < 0 {
			return nil, false
		}
		pc.off += i + 1
		pc.line++
	}
	line := pc.src[pc.off:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return line, true
}

// plain reports whether n and everything under it avoid the features the
// two parsers might read or place differently.
func (pc *plainCheck) plain(n *yaml.Node) bool {
	if n.Anchor != "" || n.Style&(yaml.TaggedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		// An empty value (an implicit null) has no text to place, and
		// the parsers place it differently.
		return (n.Tag != "!!null" || n.Value != "") && pc.oneLine(n)
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" || k.Tag == "!!null" || !pc.plain(k) || !pc.plain(n.Content[i+1]) {
				return false
			}
		}
		return true
	case yaml.SequenceNode:
		for _, e := range n.Content {
			if !pc.plain(e) {
				return false
			}
		}
		return true
	}
	return false // aliases, documents
}

// oneLine reports whether scalar n's text ends on the line where it
// starts. A plain or quoted scalar folded over several lines is placed
// differently by the two parsers.
func (pc *plainCheck) oneLine(n *yaml.Node) bool {
	line, ok := pc.lineAt(n.Line)
	if !ok || n.Line < 1 {
		return false
	}
	// Columns count characters (in both parsers), from 1.
	off := 0
	for c := 1; c < n.Column; c++ {
		if off >= len(line) {
			return false
		}
		_, size := utf8.DecodeRune(line[off:])
		off += size
	}
	rest := line[off:]
	switch {
	case n.Style&yaml.SingleQuotedStyle != 0:
		// '' is a quote inside; the first lone ' closes.
		for i := 1; i < len(rest); i++ {
			if rest[i] == '\'' {
				if i+1 < len(rest) && rest[i+1] == '\'' {
					i++
					continue
				}
				return rest[0] == '\''
			}
		}
		return false
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := 1; i < len(rest); i++ {
			switch rest[i] {
			case '\\':
				i++
			case '"':
				return rest[0] == '"'
			}
		}
		return false
	}
	// A plain scalar is its source text. goccy drops a tab inside one
	// ("a<TAB>b" reads "ab") and places one followed by blanks at the end
	// of its line after the blanks: those go to goccy, which the fast
	// path must agree with.
	if len(rest) < len(n.Value) || string(rest[:len(n.Value)]) != n.Value || strings.IndexByte(n.Value, '\t') >= 0 {
		return false
	}
	after := bytes.TrimSuffix(rest[len(n.Value):], []byte("\r"))
	return len(after) == 0 || len(bytes.TrimRight(after, " \t")) > 0
}

// vnode is a yaml.v3 node of a plain document.
type vnode yaml.Node

func (v *vnode) isNull() bool { return v.Kind == yaml.ScalarNode && v.Tag == "!!null" }

func (v *vnode) pairs() ([]ypair, bool) {
	if v.Kind != yaml.MappingNode {
		return nil, false
	}
	out := make([]ypair, 0, len(v.Content)/2)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := (*vnode)(v.Content[i])
		out = append(out, ypair{key: k.text(), keyNode: k, val: (*vnode)(v.Content[i+1])})
	}
	return out, true
}

func (v *vnode) items() ([]ynode, bool) {
	if v.Kind != yaml.SequenceNode {
		return nil, false
	}
	out := make([]ynode, len(v.Content))
	for i, e := range v.Content {
		out[i] = (*vnode)(e)
	}
	return out, true
}

func (v *vnode) isScalar() bool { return v.Kind == yaml.ScalarNode }

// isString accepts quoted scalars, and plain ones that read as a string
// in any YAML version (yaml.v3 and goccy disagree on yes, on, 0o17 ...).
func (v *vnode) isString() bool {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
		return false
	}
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return true
	}
	return plainString(v.Value)
}

// plainString: starts with a letter, holds only name characters, and is
// not one of YAML 1.1's booleans or nulls.
func plainString(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-/.*?", c) >= 0) {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return false
	}
	return true
}

func (v *vnode) text() string {
	if v.isNull() {
		return ""
	}
	return v.Value
}

func (v *vnode) pos(file string) Pos { return Pos{File: file, Line: v.Line, Col: v.Column} }

func (v *vnode) valuePos(file string) Pos {
	p := v.pos(file)
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		p.Col++
	}
	return p
}
