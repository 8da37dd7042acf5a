package experiment

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"chaoslab/internal/config"
)

// Schema is the JSON schema of the experiment file (draft 2020-12); a copy
// is published as schema/experiment.schema.json at the repository root.
//
//go:embed experiment.schema.json
var Schema []byte

var schema = &config.Schema{Name: "experiment.schema.json", JSON: Schema}

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
		d.errs = append(d.errs, config.SyntaxError(name, err))
		return nil, d.errs.Sorted()
	}
	var root ast.Node
	for _, doc := range f.Docs {
		if doc.Body == nil {
			continue
		}
		if root != nil {
			d.errs.Add(config.NodePos(name, doc.Body), "an experiment is one YAML document: found a second one")
			return nil, d.errs.Sorted()
		}
		root = doc.Body
	}
	if root == nil {
		d.errs.Add(Pos{File: name, Line: 1, Col: 1}, "empty experiment: want at least title and method")
		return nil, d.errs.Sorted()
	}
	d.root = root
	v := config.ToValue(root, config.ExactNumbers)
	d.validate(v)
	// The semantic checks run on what the schema accepted, so that a user
	// sees an unknown action next to a bad duration in one pass: every
	// node the schema rejected is cut out of the value first, and the
	// semantic errors on or around a cut node (consequences of the cut,
	// such as "missing tolerance" after a bad tolerance) are dropped.
	schemaErrs := len(d.errs) > 0
	for _, p := range d.cuts {
		v = cut(v, p)
	}
	b, err := json.Marshal(v)
	if err != nil {
		d.errs.Add(Pos{File: name}, "internal error: %v", err)
		return nil, d.errs.Sorted()
	}
	x := &Experiment{Source: string(data), File: name}
	if err := json.Unmarshal(b, x); err != nil {
		if !schemaErrs { // else the schema has said what is wrong
			d.errs.Add(Pos{File: name, Line: 1, Col: 1}, "%v", err)
		}
		return nil, d.errs.Sorted()
	}
	d.check(x)
	if err := d.errs.Sorted(); err != nil {
		return nil, err
	}
	return x, nil
}

// cut removes the value at path from v (a map key is deleted, a list item
// becomes null so that later items keep their index).
func cut(v any, path []string) any {
	if len(path) == 0 {
		return nil
	}
	switch t := v.(type) {
	case map[string]any:
		c, ok := t[path[0]]
		if !ok {
			return v
		}
		if len(path) == 1 {
			delete(t, path[0])
		} else {
			t[path[0]] = cut(c, path[1:])
		}
	case []any:
		i, err := strconv.Atoi(path[0])
		if err != nil || i < 0 || i >= len(t) {
			return v
		}
		t[i] = cut(t[i], path[1:])
	}
	return v
}

// related reports whether one path is a prefix of the other (the same
// node, an ancestor or a descendant).
func related(a, b []string) bool {
	n := min(len(a), len(b))
	return slices.Equal(a[:n], b[:n])
}

type decoder struct {
	file string
	root ast.Node
	errs ErrorList
	// cuts are the nodes the schema rejected (cut before decoding);
	// quiet are the paths the schema reported on (cut nodes, missing
	// properties, unknown keys): semantic errors related to one are
	// consequences and are not reported.
	cuts, quiet [][]string
}

// muted reports whether a semantic error at path follows from a schema
// error.
func (d *decoder) muted(path []string) bool {
	for _, q := range d.quiet {
		if related(path, q) {
			return true
		}
	}
	return false
}

// semantic reports a semantic problem at the node at path (its key when
// key is set) unless a schema error explains it.
func (d *decoder) semantic(path []string, key bool, format string, args ...any) {
	if d.muted(path) {
		return
	}
	d.errs.Add(d.at(path, key), format, args...)
}

// at is the position of the node at path (its key when key is set). A
// block mapping is where its first key is (goccy puts it at the first
// colon).
func (d *decoder) at(path []string, key bool) Pos {
	n := config.Find(d.root, path, key)
	switch m := config.Unwrap(n).(type) {
	case *ast.MappingNode:
		if !m.IsFlowStyle && len(m.Values) > 0 {
			n = m.Values[0].Key
		}
	case *ast.MappingValueNode:
		n = m.Key
	}
	return config.NodePos(d.file, n)
}

// add reports a semantic problem at path with the path spelled in the
// message (unless a schema error explains it).
func (d *decoder) add(path []string, format string, args ...any) {
	d.semantic(path, false, "%s: %s", pointer(path), fmt.Sprintf(format, args...))
}

// schemaAdd reports a schema violation at path with the path spelled in
// the message, and cuts the node.
func (d *decoder) schemaAdd(path []string, format string, args ...any) {
	d.errs.Add(d.at(path, false), "%s: %s", pointer(path), fmt.Sprintf(format, args...))
	d.cut(path)
}

func (d *decoder) cut(path []string) {
	p := slices.Clone(path)
	d.cuts = append(d.cuts, p)
	d.quiet = append(d.quiet, p)
}

func (d *decoder) validate(v any) {
	ve, err := schema.Validate(v)
	if err != nil {
		d.errs.Add(Pos{File: d.file}, "internal error: experiment schema: %v", err)
		return
	}
	config.WalkLeaves(ve, func(e *jsonschema.ValidationError) bool {
		loc := e.InstanceLocation
		switch k := e.ErrorKind.(type) {
		case *kind.AdditionalProperties:
			allowed := allowedKeys(e.SchemaURL)
			for _, p := range k.Properties {
				path := append(append([]string(nil), loc...), p)
				d.errs.Add(d.at(path, true), "%s", config.UnknownKey(p, allowed))
				d.cut(path)
			}
		case *kind.Required:
			d.errs.Add(d.at(loc, false), "%s: missing %s", pointer(loc), strings.Join(k.Missing, ", "))
			for _, m := range k.Missing {
				d.quiet = append(d.quiet, append(slices.Clone(loc), m))
			}
		case *kind.Pattern:
			if strings.Contains(k.Want, "ns|us") {
				d.schemaAdd(loc, "invalid duration %q; want e.g. 500ms, 2s, 1m30s", k.Got)
			} else {
				d.schemaAdd(loc, "invalid amount %q; want a count (3) or a percentage (25%%)", k.Got)
			}
		case *kind.AnyOf:
			d.schemaAdd(loc, "want a count (3) or a percentage (\"25%%\")")
		case *kind.Enum:
			d.schemaAdd(loc, "%s", config.Message(e))
		default:
			return false
		}
		return true
	}, func(e *jsonschema.ValidationError) {
		d.schemaAdd(e.InstanceLocation, "%s", config.Message(e))
	})
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
	slices.Sort(out)
	return out
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
