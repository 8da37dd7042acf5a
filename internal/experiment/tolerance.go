package experiment

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Value is one probe observation: a number, a text, per-device items
// (attribute probes) or a JSON document (HTTP bodies).
type Value struct {
	Num   float64
	IsNum bool
	Str   string
	Items []Value
	JSON  any
	// Band, when set, is the verdict already reached by the probe (an
	// attribute probe judges each device and aggregates by its mode).
	Band *bool
}

// Num returns a numeric Value.
func Num(f float64) Value {
	return Value{Num: f, IsNum: true, Str: strconv.FormatFloat(f, 'g', -1, 64)}
}

// Text returns a text Value (numeric too when it parses as a number).
func Text(s string) Value {
	if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		return Value{Num: f, IsNum: true, Str: s}
	}
	return Value{Str: s}
}

func (v Value) String() string {
	if v.Items != nil {
		return fmt.Sprintf("%d devices", len(v.Items))
	}
	return v.Str
}

// Check reports whether a single value is in the band. Every condition
// set must hold. Time-based and statistical parts are judged on series
// (see Recovered, MannWhitney).
func (t Tolerance) Check(v Value) bool {
	if v.Band != nil {
		return *v.Band
	}
	if t.JSONPath != "" {
		doc := v.JSON
		if doc == nil {
			if json.Unmarshal([]byte(v.Str), &doc) != nil {
				return false
			}
		}
		p, err := parseJSONPath(t.JSONPath)
		if err != nil {
			return false
		}
		got, ok := p.get(doc)
		if !ok {
			return false
		}
		v = jsonValue(got)
	}
	if t.Equals != nil && !equal(v, t.Equals) {
		return false
	}
	if t.OneOf != nil {
		found := false
		for _, o := range t.OneOf {
			if equal(v, o) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if t.Min != nil || t.Max != nil || t.Range != nil {
		if !v.IsNum || math.IsNaN(v.Num) {
			return false
		}
		if t.Min != nil && v.Num < *t.Min {
			return false
		}
		if t.Max != nil && v.Num > *t.Max {
			return false
		}
		if len(t.Range) == 2 && (v.Num < t.Range[0] || v.Num > t.Range[1]) {
			return false
		}
	}
	if t.Regex != "" {
		re, err := regexp.Compile(t.Regex)
		if err != nil || !re.MatchString(v.Str) {
			return false
		}
	}
	return true
}

// Pointwise reports whether the tolerance has any single-value condition.
func (t Tolerance) Pointwise() bool {
	return t.Equals != nil || t.OneOf != nil || t.Min != nil || t.Max != nil || t.Range != nil || t.Regex != "" || t.JSONPath != ""
}

func jsonValue(x any) Value {
	switch t := x.(type) {
	case float64:
		return Num(t)
	case string:
		return Value{Str: t}
	case bool:
		return Value{Str: strconv.FormatBool(t)}
	case nil:
		return Value{Str: "null"}
	}
	b, _ := json.Marshal(x)
	return Value{Str: string(b), JSON: x}
}

// equal compares an observation with a tolerance constant: numerically
// when both are numbers, else as text (booleans as true/false).
func equal(v Value, want any) bool {
	switch w := want.(type) {
	case float64:
		return v.IsNum && v.Num == w
	case json.Number:
		f, err := w.Float64()
		return err == nil && v.IsNum && v.Num == f
	case bool:
		return strings.EqualFold(v.Str, strconv.FormatBool(w))
	case string:
		if v.IsNum {
			if f, err := strconv.ParseFloat(w, 64); err == nil {
				return f == v.Num
			}
		}
		return v.Str == w
	}
	return false
}

// jsonPath is a small JSONPath subset: $.a.b[2].c and $['key'].
type jsonPath []any // string keys and int indexes

func parseJSONPath(s string) (jsonPath, error) {
	if !strings.HasPrefix(s, "$") {
		return nil, fmt.Errorf("jsonpath %q: must start with $", s)
	}
	var p jsonPath
	rest := s[1:]
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			i := strings.IndexAny(rest, ".[")
			if i < 0 {
				i = len(rest)
			}
			if i == 0 {
				return nil, fmt.Errorf("jsonpath %q: empty key", s)
			}
			p = append(p, rest[:i])
			rest = rest[i:]
		case '[':
			j := strings.IndexByte(rest, ']')
			if j < 0 {
				return nil, fmt.Errorf("jsonpath %q: missing ]", s)
			}
			in := rest[1:j]
			rest = rest[j+1:]
			if n, err := strconv.Atoi(in); err == nil {
				p = append(p, n)
			} else if len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0] {
				p = append(p, in[1:len(in)-1])
			} else {
				return nil, fmt.Errorf("jsonpath %q: want [N] or ['key'], found [%s]", s, in)
			}
		default:
			return nil, fmt.Errorf("jsonpath %q: unexpected %q", s, rest[0])
		}
	}
	return p, nil
}

func (p jsonPath) get(doc any) (any, bool) {
	for _, el := range p {
		switch k := el.(type) {
		case string:
			m, ok := doc.(map[string]any)
			if !ok {
				return nil, false
			}
			if doc, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			a, ok := doc.([]any)
			if !ok || k < 0 || k >= len(a) {
				return nil, false
			}
			doc = a[k]
		}
	}
	return doc, true
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
