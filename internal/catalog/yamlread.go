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
	if c, ok, err := readYAMLFast(name, data); ok {
		return c, err
	}
	return readYAMLSlow(name, data)
}

// readYAMLSlow reads any document through goccy/go-yaml.
func readYAMLSlow(name string, data []byte) (*Catalog, error) {
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
	if !shapeOK(gnode{root}) {
		y.validate(root) // positioned messages from the schema
	}
	y.root(gnode{root})
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
func (y *yamlReader) root(n ynode) {
	ps, _ := n.pairs()
	for _, p := range ps {
		switch p.key {
		case "servers":
			sps, _ := p.val.pairs()
			for _, sp := range sps {
				y.server(sp)
			}
		case "classes":
			kps, _ := p.val.pairs()
			for _, kp := range kps {
				k := y.b.class(kp.key, kp.keyNode.pos(y.file))
				fs, _ := kp.val.pairs()
				for _, f := range fs {
					if f.key == "properties" {
						y.props(&k.Properties, f.val)
					}
				}
			}
		case "templates":
			tns, _ := p.val.items()
			for _, tn := range tns {
				y.template(tn)
			}
		}
	}
}

func (y *yamlReader) server(sp ypair) {
	var host string
	hostPos := sp.keyNode.pos(y.file)
	fs, _ := sp.val.pairs()
	for _, f := range fs {
		if f.key == "host" && f.val.isScalar() {
			host, hostPos = f.val.text(), f.val.pos(y.file)
		}
	}
	s := y.b.server(sp.key, host, sp.keyNode.pos(y.file), hostPos)
	for _, f := range fs {
		if f.key != "devices" {
			continue
		}
		dps, _ := f.val.pairs()
		for _, dp := range dps {
			var class string
			classPos := dp.keyNode.pos(y.file)
			dfs, _ := dp.val.pairs()
			for _, g := range dfs {
				if g.key == "class" && g.val.isScalar() {
					class, classPos = g.val.text(), g.val.pos(y.file)
				}
			}
			if _, dup := y.b.devices[devKey{s.Name, dp.key}]; dup {
				y.b.errs.Add(dp.keyNode.pos(y.file), "device %s appears twice in server %s", dp.key, s.Name)
				continue
			}
			d := y.b.device(s, dp.key, class, dp.keyNode.pos(y.file), classPos)
			for _, g := range dfs {
				switch g.key {
				case "properties":
					y.props(&d.Properties, g.val)
				case "attributes":
					y.attrs(&d.Attributes, g.val)
				}
			}
		}
	}
}

func (y *yamlReader) template(n ynode) {
	t := &Template{Pos: n.pos(y.file)}
	fs, _ := n.pairs()
	for _, f := range fs {
		switch f.key {
		case "devices":
			t.Pattern, t.Pos = f.val.text(), f.val.pos(y.file)
		case "class":
			t.Class = f.val.text()
		case "server":
			t.Server = f.val.text()
		case "properties":
			y.props(&t.Properties, f.val)
		case "attributes":
			y.attrs(&t.Attributes, f.val)
		}
	}
	if t.Pattern == "" || t.Class == "" {
		return // reported by the schema
	}
	y.b.c.Templates = append(y.b.c.Templates, t)
}

func (y *yamlReader) attrs(as *[]*AttrConfig, n ynode) {
	aps, _ := n.pairs()
	for _, ap := range aps {
		if findAttr(*as, ap.key) != nil {
			y.b.errs.Add(ap.keyNode.pos(y.file), "attribute %s appears twice (names are case-insensitive)", ap.key)
			continue
		}
		a := &AttrConfig{Name: ap.key, Pos: ap.keyNode.pos(y.file)}
		*as = append(*as, a)
		y.props(&a.Properties, ap.val)
	}
}

// props reads a property map: each value a scalar or a list of scalars.
func (y *yamlReader) props(ps *[]*Property, n ynode) {
	pps, _ := n.pairs()
	for _, pp := range pps {
		p := &Property{Name: pp.key, Pos: pp.keyNode.pos(y.file)}
		if items, ok := pp.val.items(); ok {
			p.Values = make([]string, 0, len(items))
			p.At = make([]Pos, 0, len(items))
			for _, e := range items {
				if !e.isScalar() {
					continue
				}
				p.Values = append(p.Values, e.text())
				p.At = append(p.At, e.valuePos(y.file))
			}
		} else {
			if !pp.val.isScalar() {
				continue
			}
			p.Values = []string{pp.val.text()}
			p.At = []Pos{pp.val.valuePos(y.file)}
		}
		*ps = append(*ps, p)
	}
}
