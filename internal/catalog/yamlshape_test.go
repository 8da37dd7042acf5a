package catalog

import (
	"strings"
	"testing"

	"github.com/goccy/go-yaml/parser"
)

// schemaValid runs the JSON schema on a parsed document.
func schemaValid(t *testing.T, src string) (shape, schema bool, ok bool) {
	f, err := parser.ParseBytes([]byte(src), 0)
	if err != nil || len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return false, false, false
	}
	root := f.Docs[0].Body
	sch, err := compiledSchema()
	if err != nil {
		t.Fatal(err)
	}
	return shapeOK(gnode{root}), sch.Validate(toValue(root)) == nil, true
}

// TestShapeMatchesSchema: whenever the fast shape check accepts a
// document, the schema accepts it too (the check may be stricter).
func TestShapeMatchesSchema(t *testing.T) {
	docs := map[string]string{
		"minimal":      "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n",
		"nulls":        "servers:\nclasses:\ntemplates:\n",
		"null server":  "servers:\n  S/1:\n",
		"host number":  "servers:\n  S/1:\n    host: 12\n",
		"host string":  "servers:\n  S/1:\n    host: h1\n",
		"no class":     "servers:\n  S/1:\n    devices:\n      a/b/c:\n        properties: {}\n",
		"empty class":  "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: ''\n",
		"null device":  "servers:\n  S/1:\n    devices:\n      a/b/c:\n",
		"nested value": "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n        properties:\n          P: {x: 1}\n",
		"list values":  "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n        properties:\n          P: [1, true, x, null]\n",
		"list of list": "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n        properties:\n          P: [[1]]\n",
		"attrs":        "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n        attributes:\n          A:\n            unit: mm\n",
		"attrs bad":    "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n        attributes:\n          A: 3\n",
		"unknown key":  "servers:\n  S/1:\n    hots: x\n",
		"unknown root": "server: {}\n",
		"template":     "templates:\n- devices: '*'\n  class: C\n  properties:\n    P: 1\n",
		"template bad": "templates:\n- devices: '*'\n",
		"template num": "templates:\n- devices: 3\n  class: C\n",
		"classes":      "classes:\n  C:\n    properties:\n      P: [a]\n",
		"classes bad":  "classes:\n  C:\n    props: 1\n",
		"class bool":   "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: true\n",
		"root list":    "- a\n",
		"root scalar":  "hello\n",
		"devices list": "servers:\n  S/1:\n    devices: [a]\n",
		"template map": "templates: {a: 1}\n",
		"dup key":      "servers:\n  S/1:\n    host: a\n    host: 1\n",
		"anchor":       "servers:\n  S/1: &x\n    host: a\n  S/2: *x\n",
		"tagged":       "servers:\n  S/1:\n    host: !!str 5\n",
		"literal":      "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n        properties:\n          P: |\n            x = 1\n",
	}
	for f, data := range testdataYAML(t) {
		docs[f] = string(data)
	}
	for name, src := range docs {
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			shape, schema, ok := schemaValid(t, src)
			if !ok {
				t.Skip("not a parsable document")
			}
			if shape && !schema {
				t.Errorf("shape check accepts a document the schema rejects")
			}
			if strings.HasSuffix(name, ".golden.yaml") && !shape {
				t.Errorf("shape check rejects a valid golden catalog (slow path for a good file)")
			}
		})
	}
}

// FuzzShapeMatchesSchema: for any document, shapeOK implies schema-valid.
func FuzzShapeMatchesSchema(f *testing.F) {
	f.Add("servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n")
	f.Add("templates:\n- devices: '*'\n  class: C\n")
	f.Add("classes:\n  C:\n    properties:\n      P: [a, 1]\n")
	f.Fuzz(func(t *testing.T, src string) {
		if shape, schema, ok := schemaValid(t, src); ok && shape && !schema {
			t.Errorf("shape check accepts a document the schema rejects:\n%s", src)
		}
	})
}
