package catalog

import (
	_ "embed"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"chaoslab/internal/config"
)

// Schema is the JSON schema of the YAML catalog form (draft 2020-12).
//
//go:embed schema/catalog.schema.json
var Schema []byte

var schema = &config.Schema{Name: "catalog.schema.json", JSON: Schema}

func compiledSchema() (*jsonschema.Schema, error) { return schema.Compiled() }

// ReadYAML reads chaoslab's YAML catalog form. The document is validated
// against Schema; every violation is reported at its YAML line:col, unknown
// keys with a "did you mean" suggestion. File order is kept.
func ReadYAML(name string, data []byte) (*Catalog, error) {
	b := newBuilder(name)
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		b.errs = append(b.errs, config.SyntaxError(name, err))
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

type yamlReader struct {
	b    *builder
	file string
}

// The AST helpers are the shared ones.
func nodePos(file string, n ast.Node) Pos  { return config.NodePos(file, n) }
func valuePos(file string, n ast.Node) Pos { return config.ValuePos(file, n) }
func toValue(n ast.Node) any               { return config.ToValue(n, config.FloatNumbers) }

// validate checks the document against the schema and reports every leaf
// violation at its own position.
func (y *yamlReader) validate(root ast.Node) {
	ve, err := schema.Validate(toValue(root))
	if err != nil {
		y.b.errs.Add(Pos{File: y.file}, "internal error: catalog schema: %v", err)
		return
	}
	config.WalkLeaves(ve, func(e *jsonschema.ValidationError) bool {
		switch k := e.ErrorKind.(type) {
		case *kind.AdditionalProperties:
			allowed := allowedKeys(e.InstanceLocation)
			for _, p := range k.Properties {
				path := append(append([]string(nil), e.InstanceLocation...), p)
				y.b.errs.Add(nodePos(y.file, config.Find(root, path, true)), "%s", config.UnknownKey(p, allowed))
			}
		case *kind.AnyOf:
			y.b.errs.Add(nodePos(y.file, config.Find(root, e.InstanceLocation, false)), "%s: a property value must be a scalar or a list of scalars", pointer(e.InstanceLocation))
		case *kind.Required:
			y.b.errs.Add(nodePos(y.file, config.Find(root, e.InstanceLocation, true)), "%s: missing %s", pointer(e.InstanceLocation), strings.Join(k.Missing, ", "))
		default:
			return false
		}
		return true
	}, func(e *jsonschema.ValidationError) {
		y.b.errs.Add(nodePos(y.file, config.Find(root, e.InstanceLocation, false)), "%s: %s", pointer(e.InstanceLocation), config.Message(e))
	})
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
	for _, p := range config.Pairs(n) {
		switch p.Key {
		case "servers":
			for _, sp := range config.Pairs(p.Value) {
				y.server(sp)
			}
		case "classes":
			for _, kp := range config.Pairs(p.Value) {
				k := y.b.class(kp.Key, nodePos(y.file, kp.KeyNode))
				for _, f := range config.Pairs(kp.Value) {
					if f.Key == "properties" {
						y.props(&k.Properties, f.Value)
					}
				}
			}
		case "templates":
			if seq, ok := config.Unwrap(p.Value).(*ast.SequenceNode); ok {
				for _, tn := range seq.Values {
					y.template(tn)
				}
			}
		}
	}
}

func (y *yamlReader) server(sp config.Pair) {
	var host string
	hostPos := nodePos(y.file, sp.KeyNode)
	fs := config.Pairs(sp.Value)
	for _, f := range fs {
		if f.Key == "host" && config.IsScalar(f.Value) {
			host, hostPos = config.ScalarText(f.Value), nodePos(y.file, f.Value)
		}
	}
	s := y.b.server(sp.Key, host, nodePos(y.file, sp.KeyNode), hostPos)
	for _, f := range fs {
		if f.Key != "devices" {
			continue
		}
		for _, dp := range config.Pairs(f.Value) {
			var class string
			classPos := nodePos(y.file, dp.KeyNode)
			dfs := config.Pairs(dp.Value)
			for _, g := range dfs {
				if g.Key == "class" && config.IsScalar(g.Value) {
					class, classPos = config.ScalarText(g.Value), nodePos(y.file, g.Value)
				}
			}
			if _, dup := y.b.devices[devKey{s.Name, dp.Key}]; dup {
				y.b.errs.Add(nodePos(y.file, dp.KeyNode), "device %s appears twice in server %s", dp.Key, s.Name)
				continue
			}
			d := y.b.device(s, dp.Key, class, nodePos(y.file, dp.KeyNode), classPos)
			for _, g := range dfs {
				switch g.Key {
				case "properties":
					y.props(&d.Properties, g.Value)
				case "attributes":
					y.attrs(&d.Attributes, g.Value)
				}
			}
		}
	}
}

func (y *yamlReader) template(n ast.Node) {
	t := &Template{Pos: nodePos(y.file, n)}
	fs := config.Pairs(n)
	for _, f := range fs {
		switch f.Key {
		case "devices":
			t.Pattern, t.Pos = config.ScalarText(f.Value), nodePos(y.file, f.Value)
		case "class":
			t.Class = config.ScalarText(f.Value)
		case "server":
			t.Server = config.ScalarText(f.Value)
		case "properties":
			y.props(&t.Properties, f.Value)
		case "attributes":
			y.attrs(&t.Attributes, f.Value)
		}
	}
	if t.Pattern == "" || t.Class == "" {
		return // reported by the schema
	}
	y.b.c.Templates = append(y.b.c.Templates, t)
}

func (y *yamlReader) attrs(as *[]*AttrConfig, n ast.Node) {
	for _, ap := range config.Pairs(n) {
		if findAttr(*as, ap.Key) != nil {
			y.b.errs.Add(nodePos(y.file, ap.KeyNode), "attribute %s appears twice (names are case-insensitive)", ap.Key)
			continue
		}
		a := &AttrConfig{Name: ap.Key, Pos: nodePos(y.file, ap.KeyNode)}
		*as = append(*as, a)
		y.props(&a.Properties, ap.Value)
	}
}

// props reads a property map: each value a scalar or a list of scalars.
func (y *yamlReader) props(ps *[]*Property, n ast.Node) {
	for _, pp := range config.Pairs(n) {
		p := &Property{Name: pp.Key, Pos: nodePos(y.file, pp.KeyNode)}
		switch v := config.Unwrap(pp.Value).(type) {
		case *ast.SequenceNode:
			p.Values = make([]string, 0, len(v.Values))
			p.At = make([]Pos, 0, len(v.Values))
			for _, e := range v.Values {
				if !config.IsScalar(e) {
					continue
				}
				p.Values = append(p.Values, config.ScalarText(e))
				p.At = append(p.At, valuePos(y.file, e))
			}
		default:
			if !config.IsScalar(v) {
				continue
			}
			p.Values = []string{config.ScalarText(v)}
			p.At = []Pos{valuePos(y.file, v)}
		}
		*ps = append(*ps, p)
	}
}
