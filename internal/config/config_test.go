package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/parser"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

func TestPosString(t *testing.T) {
	for _, tc := range []struct {
		p    Pos
		want string
	}{
		{Pos{"f.yaml", 3, 7}, "f.yaml:3:7"},
		{Pos{"f.yaml", 3, 0}, "f.yaml:3"},
		{Pos{"f.yaml", 0, 0}, "f.yaml"},
		{Pos{"", 3, 7}, "3:7"},
		{Pos{}, ""},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.p.String(); got != tc.want {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestErrorListSorted(t *testing.T) {
	var l ErrorList
	if l.Sorted() != nil {
		t.Fatal("empty list is not nil")
	}
	l.Add(Pos{"f", 9, 1}, "third")
	l.Add(Pos{"f", 2, 5}, "second %d", 2)
	l.Add(Pos{"f", 2, 1}, "first")
	l.Add(Pos{"f", 2, 5}, "second again")
	err := l.Sorted()
	want := "f:2:1: first\nf:2:5: second 2\nf:2:5: second again\nf:9:1: third"
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Msg != "first" {
		t.Errorf("errors.As: %v", e)
	}
	if n := len(Errors(err)); n != 4 {
		t.Errorf("Errors: %d", n)
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"servers", "devices", "polling_period", "Pressure"}
	for _, tc := range []struct{ in, want string }{
		{"serverz", "servers"},
		{"poling_period", "polling_period"},
		{"PRESSUR", "Pressure"},
		{"poll", "polling_period"}, // prefix
		{"xy", ""},
		{"nothing-like-it", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := Suggest(tc.in, cands); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if got := UnknownKey("serverz", cands); got != `unknown key "serverz" (did you mean "servers"?)` {
		t.Error(got)
	}
	if got := UnknownKey("zzz", []string{"a", "b"}); got != `unknown key "zzz" (expected one of a, b)` {
		t.Error(got)
	}
	if got := UnknownKey("zzz", nil); got != `unknown key "zzz"` {
		t.Error(got)
	}
}

const doc = `a: 1
b:
  - x: "quoted"
    y: [1, 2.50, .inf]
  - 12345678901234567890
c: !tag &anchor true
d: |
  block
`

func TestNodes(t *testing.T) {
	f, err := parser.ParseBytes([]byte(doc), 0)
	if err != nil {
		t.Fatal(err)
	}
	root := f.Docs[0].Body
	var keys []string
	for _, p := range Pairs(root) {
		keys = append(keys, p.Key)
	}
	if strings.Join(keys, ",") != "a,b,c,d" {
		t.Errorf("pairs %v", keys)
	}
	for _, tc := range []struct {
		path []string
		key  bool
		want string
	}{
		{[]string{"b"}, true, "f:2:1"},
		{[]string{"b", "0", "x"}, false, "f:3:8"},
		{[]string{"b", "0", "y", "2"}, false, "f:4:18"},
		{[]string{"b", "9"}, false, "f:3:3"}, // stops at the deepest node found
		{[]string{"nope"}, false, "f:1:2"},
	} {
		t.Run(strings.Join(tc.path, "/"), func(t *testing.T) {
			if got := NodePos("f", Find(root, tc.path, tc.key)).String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	if got := ValuePos("f", Find(root, []string{"b", "0", "x"}, false)).String(); got != "f:3:9" {
		t.Errorf("ValuePos of a quoted scalar: %s", got)
	}
	if got := ValuePos("f", Find(root, []string{"d"}, false)).String(); !strings.HasPrefix(got, "f:8:") {
		t.Errorf("ValuePos of a block scalar: %s", got)
	}
	exact, _ := json.Marshal(ToValue(root, ExactNumbers))
	if want := `{"a":1,"b":[{"x":"quoted","y":[1,2.5,".inf"]},12345678901234567890],"c":true,"d":"block\n"}`; string(exact) != want {
		t.Errorf("exact:\n%s\nwant\n%s", exact, want)
	}
	float := ToValue(Find(root, []string{"b", "1"}, false), FloatNumbers)
	if fmt.Sprint(float) != "12345678901234567000" && fmt.Sprint(float) != "1.2345678901234567e+19" {
		t.Errorf("float: %v", float)
	}
	if !IsScalar(Find(root, []string{"c"}, false)) || IsScalar(root) {
		t.Error("IsScalar")
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := parser.ParseBytes([]byte("a: [1, 2\nb: 3\n"), 0)
	if err == nil {
		t.Fatal("no error")
	}
	e := SyntaxError("f.yaml", err)
	if !strings.HasPrefix(e.Error(), "f.yaml:") || !strings.Contains(e.Msg, "YAML: ") || e.Pos.Line == 0 {
		t.Errorf("got %v", e)
	}
	if e := SyntaxError("f.yaml", errors.New("plain")); e.Error() != "f.yaml:1:1: YAML: plain" {
		t.Errorf("got %v", e)
	}
}

func TestSchemaWalk(t *testing.T) {
	s := &Schema{Name: "t.json", JSON: []byte(`{"type":"object","additionalProperties":false,
"properties":{"n":{"type":"integer"},"m":{"type":"object","required":["k"]}}}`)}
	f, _ := parser.ParseBytes([]byte("n: x\nm: {}\nz: 1\n"), 0)
	ve, err := s.Validate(ToValue(f.Docs[0].Body, ExactNumbers))
	if err != nil || ve == nil {
		t.Fatal(ve, err)
	}
	var got []string
	WalkLeaves(ve, func(e *jsonschema.ValidationError) bool {
		if k, ok := e.ErrorKind.(*kind.AdditionalProperties); ok {
			got = append(got, UnknownKey(k.Properties[0], []string{"n", "m"}))
			return true
		}
		return false
	}, func(e *jsonschema.ValidationError) {
		got = append(got, "/"+strings.Join(e.InstanceLocation, "/")+": "+Message(e))
	})
	joined := strings.Join(got, "\n")
	for _, want := range []string{`unknown key "z"`, "/n: got string, want integer", "/m: missing property 'k'"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing %q in\n%s", want, joined)
		}
	}
	if ve, err := s.Validate(map[string]any{"n": json.Number("1")}); ve != nil || err != nil {
		t.Errorf("valid document: %v %v", ve, err)
	}
}

func FuzzNodes(f *testing.F) {
	f.Add([]byte(doc))
	f.Add([]byte("- a\n- {b: [c, d]}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := parser.ParseBytes(b, 0)
		if err != nil {
			SyntaxError("f", err)
			return
		}
		for _, d := range file.Docs {
			ToValue(d.Body, ExactNumbers)
			ToValue(d.Body, FloatNumbers)
			NodePos("f", Find(d.Body, []string{"a", "0", "b"}, true))
		}
	})
}

// TestDecodeStrictNoPanic: inputs that crash go-yaml's decoder (found by
// fuzzing the hammer rules and the load spec) come back as errors.
func TestDecodeStrictNoPanic(t *testing.T) {
	for _, in := range []string{"hammers: ! ", "targets: !000"} {
		var v struct {
			Hammers []struct{ Alarm string } `yaml:"hammers"`
			Targets []string                 `yaml:"targets"`
		}
		if err := DecodeStrict([]byte(in), &v); err == nil {
			t.Logf("%q decoded without error", in) // fine too: no panic is the contract
		}
	}
	var v struct{ A int }
	if err := DecodeStrict([]byte("a: 1\nb: 2\n"), &v); err == nil {
		t.Error("an unknown key must be an error")
	}
}
