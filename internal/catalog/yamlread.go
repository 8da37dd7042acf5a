package catalog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Schema is the JSON schema of the YAML catalog form (draft 2020-12).
//
//go:embed schema/catalog.schema.json
var Schema []byte

var (
	schemaOnce sync.Once
	schemaC    *jsonschema.Schema
	schemaErr  error
)

func compiledSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		const url = "catalog.schema.json"
		if err := c.AddResource(url, doc); err != nil {
			schemaErr = err
			return
		}
		schemaC, schemaErr = c.Compile(url)
	})
	return schemaC, schemaErr
}

// ReadYAML reads chaoslab's YAML catalog form. The document is validated
// against Schema; every violation is reported at its YAML line:col, unknown
// keys with a "did you mean" suggestion. File order is kept.
func ReadYAML(name string, data []byte) (*Catalog, error) {
	b := newBuilder(name)
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		b.errs = append(b.errs, yamlSyntaxError(name, err))
		return b.c, b.errs.Err()
	}
	var root ast.Node
	for _, d := range f.Docs {
		if d.Body == nil {
			continue
		}
		if root != nil {
			b.errs.Add(nodePos(name, d.Body), "a catalog is one YAML document: found a second one")
			break
		}
		root = d.Body
	}
	if root == nil {
		return b.finish(false)
	}
	y := &yamlReader{b: b, file: name}
	if !shapeOK(root) {
		y.validate(root) // positioned messages from the schema
	}
	y.root(root)
	return b.finish(false)
}

// yamlSyntaxError turns a goccy error into a positioned Error.
func yamlSyntaxError(name string, err error) *Error {
	type tokened interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if te, ok := err.(tokened); ok && te.GetToken() != nil {
		p := te.GetToken().Position
		return &Error{Pos: Pos{File: name, Line: p.Line, Col: p.Column}, Msg: "YAML: " + te.GetMessage()}
	}
	return &Error{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: "YAML: " + err.Error()}
}

type yamlReader struct {
	b    *builder
	file string
}

func nodePos(file string, n ast.Node) Pos {
	if n == nil || n.GetToken() == nil {
		return Pos{File: file}
	}
	p := n.GetToken().Position
	return Pos{File: file, Line: p.Line, Col: p.Column}
}

// valuePos is where the text of a scalar starts: after the opening quote
// of a quoted scalar, on the line after the indicator of a block scalar.
func valuePos(file string, n ast.Node) Pos {
	p := nodePos(file, n)
	switch t := unwrap(n).(type) {
	case *ast.StringNode:
		if tk := t.GetToken(); tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType) {
			p.Col++
		}
	case *ast.LiteralNode:
		if t.Value != nil {
			p = nodePos(file, t.Value)
		}
	}
	return p
}

// unwrap strips tags, anchors and resolves nothing else (aliases are kept
// as they are; the schema sees them as strings).
func unwrap(n ast.Node) ast.Node {
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

// pairs lists the key/value pairs of a mapping node (nil for other nodes).
type pair struct {
	key    string
	keyPos ast.Node
	value  ast.Node
}

func pairs(n ast.Node) []pair {
	var vs []*ast.MappingValueNode
	switch m := unwrap(n).(type) {
	case *ast.MappingNode:
		vs = m.Values
	case *ast.MappingValueNode:
		vs = []*ast.MappingValueNode{m}
	default:
		return nil
	}
	out := make([]pair, 0, len(vs))
	for _, v := range vs {
		out = append(out, pair{key: scalarText(v.Key), keyPos: v.Key, value: v.Value})
	}
	return out
}

// scalarText is the text of a scalar node as written (numbers keep their
// spelling: 0.10 stays "0.10"); null is "".
func scalarText(n ast.Node) string {
	switch t := unwrap(n).(type) {
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
		return scalarText(t.Value)
	default:
		if tk := t.GetToken(); tk != nil {
			return tk.Value
		}
	}
	return ""
}

func isScalar(n ast.Node) bool {
	switch unwrap(n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		return false
	}
	return true
}

// toValue converts the AST to JSON-like values for the schema validator.
func toValue(n ast.Node) any {
	switch t := unwrap(n).(type) {
	case nil, *ast.NullNode:
		return nil
	case *ast.MappingNode, *ast.MappingValueNode:
		m := map[string]any{}
		for _, p := range pairs(t) {
			m[p.key] = toValue(p.value)
		}
		return m
	case *ast.SequenceNode:
		s := make([]any, len(t.Values))
		for i, v := range t.Values {
			s[i] = toValue(v)
		}
		return s
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		if f, err := strconv.ParseFloat(strings.ReplaceAll(scalarText(t), "_", ""), 64); err == nil {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
		return json.Number("0")
	case *ast.BoolNode:
		return t.Value
	default:
		return scalarText(t)
	}
}

// find walks a JSON pointer (as path elements) through the AST. key
// selects the key node of the last element instead of its value.
func find(n ast.Node, path []string, key bool) ast.Node {
	for i, el := range path {
		switch t := unwrap(n).(type) {
		case *ast.SequenceNode:
			j, err := strconv.Atoi(el)
			if err != nil || j < 0 || j >= len(t.Values) {
				return n
			}
			n = t.Values[j]
		default:
			found := false
			for _, p := range pairs(t) {
				if p.key == el {
					if key && i == len(path)-1 {
						return p.keyPos
					}
					n, found = p.value, true
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

var printer = message.NewPrinter(language.English)

// validate checks the document against the schema and reports every leaf
// violation at its own position.
func (y *yamlReader) validate(root ast.Node) {
	sch, err := compiledSchema()
	if err != nil {
		y.b.errs.Add(Pos{File: y.file}, "internal error: catalog schema: %v", err)
		return
	}
	err = sch.Validate(toValue(root))
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return
	}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		switch k := e.ErrorKind.(type) {
		case *kind.AdditionalProperties:
			allowed := allowedKeys(e.InstanceLocation)
			for _, p := range k.Properties {
				path := append(append([]string(nil), e.InstanceLocation...), p)
				pos := nodePos(y.file, find(root, path, true))
				msg := fmt.Sprintf("unknown key %q", p)
				if len(allowed) > 0 {
					if s := suggest(p, allowed); s != "" {
						msg += fmt.Sprintf(" (did you mean %q?)", s)
					} else {
						msg += fmt.Sprintf(" (expected one of %s)", strings.Join(allowed, ", "))
					}
				}
				y.b.errs.Add(pos, "%s", msg)
			}
			return
		case *kind.AnyOf:
			y.b.errs.Add(nodePos(y.file, find(root, e.InstanceLocation, false)), "%s: a property value must be a scalar or a list of scalars", pointer(e.InstanceLocation))
			return
		case *kind.Required:
			y.b.errs.Add(nodePos(y.file, find(root, e.InstanceLocation, true)), "%s: missing %s", pointer(e.InstanceLocation), strings.Join(k.Missing, ", "))
			return
		}
		if len(e.Causes) == 0 {
			y.b.errs.Add(nodePos(y.file, find(root, e.InstanceLocation, false)), "%s: %s", pointer(e.InstanceLocation), e.ErrorKind.LocalizedString(printer))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
}

// pointer renders an instance location for messages ("servers › A/b › host").
func pointer(path []string) string {
	if len(path) == 0 {
		return "document"
	}
	return strings.Join(path, " › ")
}

// allowedKeys lists the keys the schema allows at an instance location.
func allowedKeys(loc []string) []string {
	switch {
	case len(loc) == 0:
		return []string{"servers", "classes", "templates"}
	case len(loc) == 2 && loc[0] == "servers":
		return []string{"host", "devices"}
	case len(loc) == 4 && loc[0] == "servers" && loc[2] == "devices":
		return []string{"class", "properties", "attributes"}
	case len(loc) == 2 && loc[0] == "classes":
		return []string{"properties"}
	case len(loc) == 2 && loc[0] == "templates":
		return []string{"devices", "class", "server", "properties", "attributes"}
	}
	return nil
}

// root builds the catalog; nodes of the wrong shape are skipped (the
// schema has already reported them).
func (y *yamlReader) root(n ast.Node) {
	for _, p := range pairs(n) {
		switch p.key {
		case "servers":
			for _, sp := range pairs(p.value) {
				y.server(sp)
			}
		case "classes":
			for _, kp := range pairs(p.value) {
				k := y.b.class(kp.key, nodePos(y.file, kp.keyPos))
				for _, f := range pairs(kp.value) {
					if f.key == "properties" {
						y.props(&k.Properties, f.value)
					}
				}
			}
		case "templates":
			if seq, ok := unwrap(p.value).(*ast.SequenceNode); ok {
				for _, tn := range seq.Values {
					y.template(tn)
				}
			}
		}
	}
}

func (y *yamlReader) server(sp pair) {
	var host string
	hostPos := nodePos(y.file, sp.keyPos)
	fs := pairs(sp.value)
	for _, f := range fs {
		if f.key == "host" && isScalar(f.value) {
			host, hostPos = scalarText(f.value), nodePos(y.file, f.value)
		}
	}
	s := y.b.server(sp.key, host, nodePos(y.file, sp.keyPos), hostPos)
	for _, f := range fs {
		if f.key != "devices" {
			continue
		}
		for _, dp := range pairs(f.value) {
			var class string
			classPos := nodePos(y.file, dp.keyPos)
			dfs := pairs(dp.value)
			for _, g := range dfs {
				if g.key == "class" && isScalar(g.value) {
					class, classPos = scalarText(g.value), nodePos(y.file, g.value)
				}
			}
			if _, dup := y.b.devices[devKey{s.Name, dp.key}]; dup {
				y.b.errs.Add(nodePos(y.file, dp.keyPos), "device %s appears twice in server %s", dp.key, s.Name)
				continue
			}
			d := y.b.device(s, dp.key, class, nodePos(y.file, dp.keyPos), classPos)
			for _, g := range dfs {
				switch g.key {
				case "properties":
					y.props(&d.Properties, g.value)
				case "attributes":
					y.attrs(&d.Attributes, g.value)
				}
			}
		}
	}
}

func (y *yamlReader) template(n ast.Node) {
	t := &Template{Pos: nodePos(y.file, n)}
	fs := pairs(n)
	for _, f := range fs {
		switch f.key {
		case "devices":
			t.Pattern, t.Pos = scalarText(f.value), nodePos(y.file, f.value)
		case "class":
			t.Class = scalarText(f.value)
		case "server":
			t.Server = scalarText(f.value)
		case "properties":
			y.props(&t.Properties, f.value)
		case "attributes":
			y.attrs(&t.Attributes, f.value)
		}
	}
	if t.Pattern == "" || t.Class == "" {
		return // reported by the schema
	}
	y.b.c.Templates = append(y.b.c.Templates, t)
}

func (y *yamlReader) attrs(as *[]*AttrConfig, n ast.Node) {
	for _, ap := range pairs(n) {
		if findAttr(*as, ap.key) != nil {
			y.b.errs.Add(nodePos(y.file, ap.keyPos), "attribute %s appears twice (names are case-insensitive)", ap.key)
			continue
		}
		a := &AttrConfig{Name: ap.key, Pos: nodePos(y.file, ap.keyPos)}
		*as = append(*as, a)
		y.props(&a.Properties, ap.value)
	}
}

// props reads a property map: each value a scalar or a list of scalars.
func (y *yamlReader) props(ps *[]*Property, n ast.Node) {
	for _, pp := range pairs(n) {
		p := &Property{Name: pp.key, Pos: nodePos(y.file, pp.keyPos)}
		switch v := unwrap(pp.value).(type) {
		case *ast.SequenceNode:
			p.Values = make([]string, 0, len(v.Values))
			p.At = make([]Pos, 0, len(v.Values))
			for _, e := range v.Values {
				if !isScalar(e) {
					continue
				}
				p.Values = append(p.Values, scalarText(e))
				p.At = append(p.At, valuePos(y.file, e))
			}
		default:
			if !isScalar(v) {
				continue
			}
			p.Values = []string{scalarText(v)}
			p.At = []Pos{valuePos(y.file, v)}
		}
		*ps = append(*ps, p)
	}
}
