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
	if len(d.errs) > 0 {
		return nil, d.errs.Sorted()
	}
	b, err := json.Marshal(v)
	if err != nil {
		d.errs.Add(Pos{File: name}, "internal error: %v", err)
		return nil, d.errs.Sorted()
	}
	x := &Experiment{Source: string(data), File: name}
	if err := json.Unmarshal(b, x); err != nil {
		d.errs.Add(Pos{File: name, Line: 1, Col: 1}, "%v", err)
		return nil, d.errs.Sorted()
	}
	d.check(x)
	if err := d.errs.Sorted(); err != nil {
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
	return config.NodePos(d.file, config.Find(d.root, path, key))
}

// add reports a problem at path with the path spelled in the message.
func (d *decoder) add(path []string, format string, args ...any) {
	d.errs.Add(d.at(path, false), "%s: %s", pointer(path), fmt.Sprintf(format, args...))
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
			}
		case *kind.Required:
			d.errs.Add(d.at(loc, false), "%s: missing %s", pointer(loc), strings.Join(k.Missing, ", "))
		case *kind.Pattern:
			if strings.Contains(k.Want, "ns|us") {
				d.add(loc, "invalid duration %q; want e.g. 500ms, 2s, 1m30s", k.Got)
			} else {
				d.add(loc, "invalid amount %q; want a count (3) or a percentage (25%%)", k.Got)
			}
		case *kind.AnyOf:
			d.add(loc, "want a count (3) or a percentage (\"25%%\")")
		case *kind.Enum:
			d.add(loc, "%s", config.Message(e))
		default:
			return false
		}
		return true
	}, func(e *jsonschema.ValidationError) {
		d.add(e.InstanceLocation, "%s", config.Message(e))
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
