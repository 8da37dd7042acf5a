package experiment

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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

// Schema is the JSON schema of the experiment file (draft 2020-12); a copy
// is published as schema/experiment.schema.json at the repository root.
//
//go:embed experiment.schema.json
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
		if err := c.AddResource("experiment.schema.json", doc); err != nil {
			schemaErr = err
			return
		}
		schemaC, schemaErr = c.Compile("experiment.schema.json")
	})
	return schemaC, schemaErr
}

// LoadFile reads and validates an experiment file.
func LoadFile(path string) (*Experiment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	x, err := Load(path, data)
	if err != nil {
		return nil, err
	}
	// A catalog named in the file is relative to the file, as LoadFromFile
	// is relative to its catalog: the experiment then runs from any
	// directory. The state dir stays relative to where the user runs it.
	if c := x.System.Catalog; c != "" && !filepath.IsAbs(c) {
		x.System.Catalog = filepath.Join(filepath.Dir(path), c)
	}
	return x, nil
}

// Load decodes and validates an experiment. Every problem is reported at
// once, as an ErrorList of file:line:col messages; nothing partial is
// returned with an error. run, --dry-run and --replay all go through here.
func Load(name string, data []byte) (*Experiment, error) {
	d := &decoder{file: name}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		d.errs = append(d.errs, syntaxError(name, err))
		return nil, d.errs.Err()
	}
	var root ast.Node
	for _, doc := range f.Docs {
		if doc.Body == nil {
			continue
		}
		if root != nil {
			d.errs.Add(nodePos(name, doc.Body), "an experiment is one YAML document: found a second one")
			return nil, d.errs.Err()
		}
		root = doc.Body
	}
	if root == nil {
		d.errs.Add(Pos{File: name, Line: 1, Col: 1}, "empty experiment: want at least title and method")
		return nil, d.errs.Err()
	}
	d.root = root
	v := toValue(root)
	d.validate(v)
	if len(d.errs) > 0 {
		return nil, d.errs.Err()
	}
	b, err := json.Marshal(v)
	if err != nil {
		d.errs.Add(Pos{File: name}, "internal error: %v", err)
		return nil, d.errs.Err()
	}
	x := &Experiment{Source: string(data), File: name}
	if err := json.Unmarshal(b, x); err != nil {
		d.errs.Add(Pos{File: name, Line: 1, Col: 1}, "%v", err)
		return nil, d.errs.Err()
	}
	d.check(x)
	if err := d.errs.Err(); err != nil {
		return nil, err
	}
	return x, nil
}

type decoder struct {
	file string
	root ast.Node
	errs ErrorList
}

// at is the position of the node at path (its key when key is set).
func (d *decoder) at(path []string, key bool) Pos {
	return nodePos(d.file, find(d.root, path, key))
}

// add reports a problem at path with the path spelled in the message.
func (d *decoder) add(path []string, format string, args ...any) {
	d.errs.Add(d.at(path, false), "%s: %s", pointer(path), fmt.Sprintf(format, args...))
}

var printer = message.NewPrinter(language.English)

func (d *decoder) validate(v any) {
	sch, err := compiledSchema()
	if err != nil {
		d.errs.Add(Pos{File: d.file}, "internal error: experiment schema: %v", err)
		return
	}
	ve, ok := sch.Validate(v).(*jsonschema.ValidationError)
	if !ok {
		return
	}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		loc := e.InstanceLocation
		switch k := e.ErrorKind.(type) {
		case *kind.AdditionalProperties:
			allowed := allowedKeys(e.SchemaURL)
			for _, p := range k.Properties {
				path := append(append([]string(nil), loc...), p)
				msg := fmt.Sprintf("unknown key %q", p)
				if s := suggest(p, allowed); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				} else if len(allowed) > 0 {
					msg += fmt.Sprintf(" (expected one of %s)", strings.Join(allowed, ", "))
				}
				d.errs.Add(d.at(path, true), "%s", msg)
			}
			return
		case *kind.Required:
			d.errs.Add(d.at(loc, false), "%s: missing %s", pointer(loc), strings.Join(k.Missing, ", "))
			return
		case *kind.Pattern:
			if strings.Contains(k.Want, "ns|us") {
				d.add(loc, "invalid duration %q; want e.g. 500ms, 2s, 1m30s", k.Got)
			} else {
				d.add(loc, "invalid amount %q; want a count (3) or a percentage (25%%)", k.Got)
			}
			return
		case *kind.AnyOf:
			d.add(loc, "want a count (3) or a percentage (\"25%%\")")
			return
		case *kind.Enum:
			d.add(loc, "%s", e.ErrorKind.LocalizedString(printer))
			return
		}
		if len(e.Causes) == 0 {
			d.add(loc, "%s", e.ErrorKind.LocalizedString(printer))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
}

// allowedKeys lists the properties of the schema object at schemaURL (for
// "did you mean").
func allowedKeys(schemaURL string) []string {
	var doc map[string]any
	if json.Unmarshal(Schema, &doc) != nil {
		return nil
	}
	_, frag, _ := strings.Cut(schemaURL, "#")
	var cur any = doc
	for _, el := range strings.Split(strings.Trim(frag, "/"), "/") {
		if el == "" {
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[el]
	}
	m, _ := cur.(map[string]any)
	props, _ := m["properties"].(map[string]any)
	out := make([]string, 0, len(props))
	for k := range props {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

func syntaxError(name string, err error) *Error {
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

func nodePos(file string, n ast.Node) Pos {
	if n == nil || n.GetToken() == nil {
		return Pos{File: file}
	}
	p := n.GetToken().Position
	return Pos{File: file, Line: p.Line, Col: p.Column}
}

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

// toValue converts the AST to JSON values (json.Number for numbers).
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
	case *ast.IntegerNode:
		txt := strings.ReplaceAll(scalarText(t), "_", "")
		if i, err := strconv.ParseInt(txt, 0, 64); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		if u, err := strconv.ParseUint(txt, 0, 64); err == nil {
			return json.Number(strconv.FormatUint(u, 10))
		}
		return json.Number("0")
	case *ast.FloatNode:
		if f, err := strconv.ParseFloat(strings.ReplaceAll(scalarText(t), "_", ""), 64); err == nil {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
		return json.Number("0")
	case *ast.InfinityNode, *ast.NanNode:
		return scalarText(t) // not representable in JSON: the schema reports it as a string
	case *ast.BoolNode:
		return t.Value
	default:
		return scalarText(t)
	}
}

// find walks path through the AST; key selects the key node of the last
// element. It stops at the deepest node found.
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

// pointer renders a path for messages: method[2].target.pick.
func pointer(path []string) string {
	if len(path) == 0 {
		return "document"
	}
	var b strings.Builder
	for i, el := range path {
		if _, err := strconv.Atoi(el); err == nil && i > 0 {
			fmt.Fprintf(&b, "[%s]", el)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(el)
	}
	return b.String()
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
