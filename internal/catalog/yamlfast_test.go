package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fastAndSlow reads src through both paths; fast is false when the fast
// path declined it.
func fastAndSlow(src []byte) (fastC, slowC *Catalog, fastErr, slowErr error, fast bool) {
	fastC, fast, fastErr = readYAMLFast("f.yaml", src)
	slowC, slowErr = readYAMLSlow("f.yaml", src)
	return
}

func sameRead(t *testing.T, label string, src []byte) {
	t.Helper()
	fc, sc, fe, se, fast := fastAndSlow(src)
	if !fast {
		return
	}
	if !reflect.DeepEqual(fc, sc) {
		t.Errorf("%s: the fast path reads another catalog: %s", label, firstDiff(sc, fc))
	}
	if (fe == nil) != (se == nil) || fe != nil && fe.Error() != se.Error() {
		t.Errorf("%s: errors differ:\nfast: %v\nslow: %v", label, fe, se)
	}
}

// testdataYAML returns every YAML catalog of testdata, good and bad, by
// path.
func testdataYAML(t *testing.T) map[string][]byte {
	t.Helper()
	good, _ := filepath.Glob("testdata/*.yaml")
	bad, _ := filepath.Glob("testdata/bad/*.yaml")
	out := map[string][]byte{}
	for _, f := range append(good, bad...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = data
	}
	return out
}

// TestYAMLFastMatchesSlow: wherever the yaml.v3 path reads a document,
// it builds the catalog goccy's path builds, positions and errors
// included; and it takes the documents it should.
func TestYAMLFastMatchesSlow(t *testing.T) {
	for f, data := range testdataYAML(t) {
		sameRead(t, f, data)
	}
	// Every CSV catalog written as YAML (what chaoslab catalog convert
	// gives): the fast path must take these.
	for _, f := range csvFiles(t) {
		var buf bytes.Buffer
		if err := WriteYAML(&buf, mustLoad(t, f)); err != nil {
			t.Fatal(err)
		}
		if _, _, _, _, fast := fastAndSlow(buf.Bytes()); !fast {
			t.Errorf("%s written as YAML: the fast path declined it", f)
		}
		sameRead(t, f+" as YAML", buf.Bytes())
	}
	sameRead(t, "generated", gen10kYAML(t, 300))
	for name, src := range map[string]string{
		"crlf":            "servers:\r\n  S/1:\r\n    devices:\r\n      a/b/c:\r\n        class: C\r\n        properties:\r\n          P: x y\r\n          Q: 'q'\r\n",
		"quotes inside":   "classes:\n  C:\n    properties:\n      P: ['it''s', \"a\\\"b\", 'x''', \"\\\\\"]\n      Q: '' # c\n",
		"quoted and flow": "servers:\n  'S/1':\n    host: \"h1\"\n    devices: {a/b/c: {class: C, properties: {P: ['x', \"y\", 1.50, ~, true]}}}\n",
		"unicode":         "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n        attributes:\n          T: {unit: °C, label: [é, ü]}\n",
		"nulls":           "servers: ~\nclasses:\n  C:\n    properties: null\ntemplates: ~\n",
		"duplicate attr":  "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n        attributes:\n          A: {unit: m}\n          a: {unit: s}\n",
		"template":        "templates:\n- devices: a/b/*\n  class: C\n  server: S/1\n  properties:\n    P: 1\nservers:\n  S/1:\n    devices:\n      a/b/c: {class: C}\n",
		"comments":        "# c\nservers: # c\n  S/1: # c\n    devices:\n      a/b/c:\n        class: C # c\n        properties:\n          P: x # c\n",
		"multi-line":      "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: C\n        properties:\n          P: a\n            b\n",
	} {
		sameRead(t, name, []byte(src))
		if _, _, _, _, fast := fastAndSlow([]byte(src)); !fast && name != "multi-line" {
			t.Errorf("%s: the fast path declined it", name)
		}
	}
	// Documents the fast path must leave to goccy.
	for name, src := range map[string]string{
		"anchor":             "servers:\n  S/1: &s\n    host: h\n",
		"alias":              "classes:\n  C: {properties: {P: &x 1}}\n  D: {properties: {P: *x}}\n",
		"tag":                "servers:\n  S/1:\n    host: !!str 12\n",
		"block scalar":       "classes:\n  C:\n    properties:\n      P: |\n        x\n",
		"two docs":           "servers:\n---\nservers:\n",
		"yes class":          "servers:\n  S/1:\n    devices:\n      a/b/c:\n        class: yes\n",
		"number host":        "servers:\n  S/1:\n    host: 12\n",
		"bad shape":          "servers:\n  S/1:\n    hots: h\n",
		"syntax":             "servers: [\n",
		"tab in plain":       "classes:\n  C:\n    properties:\n      P: a\tb\n",
		"blanks after plain": "classes:\n  C:\n    properties:\n      P: ab   \n      Q: c\n",
		"folded plain":       "classes:\n  C:\n    properties:\n      P: 0\n        -0\n",
		"folded single":      "classes:\n  C:\n    properties:\n      P: 'a\n        b'\n",
		"folded double":      "classes:\n  C:\n    properties:\n      P: \"a\n        b\"\n",
	} {
		if _, _, _, _, fast := fastAndSlow([]byte(src)); fast {
			t.Errorf("%s: the fast path took it", name)
		}
	}
}

// FuzzYAMLFastMatchesSlow: for any document the fast path takes, both
// paths build the same catalog.
func FuzzYAMLFastMatchesSlow(f *testing.F) {
	seedFiles(f, "testdata/*.golden.yaml")
	f.Add([]byte("servers: {A/b: {devices: {a/b/c: {class: X, properties: {P: [1, 2.50, true, ~]}}}}}"))
	f.Add([]byte("templates:\n- devices: a/b/*\n  class: C\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if strings.Count(string(data), "\n") > 400 {
			return
		}
		sameRead(t, "fuzz", data)
	})
}
