package netem

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// ParseToxic decodes the CLI form of a toxic spec: comma-separated key=value
// pairs whose first key is the toxic type, set to the type's main attribute:
//
//	latency=100ms,jitter=10ms,stream=down,toxicity=0.5
//	timeout                      (type with its main attribute left at default)
//	loss=0.2,scope=connection,ttl=30s,name=flaky
//
// Other keys are the envelope (name, stream, toxicity, deadline as RFC 3339,
// ttl) or the toxic's attributes. Errors give the 1-based column and the key.
func ParseToxic(s string) (ToxicSpec, error) {
	var pairs []cliPair
	col := 1
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		pairs = append(pairs, cliPair{key: k, val: strings.TrimSpace(v), col: col, bare: !ok})
		col += len(part) + 1
	}
	first := pairs[0]
	kind, ok := toxicKinds[first.key]
	if !ok {
		if first.key == "" {
			return ToxicSpec{}, &SpecError{Col: 1, Msg: "empty spec; want TYPE=VALUE,... with TYPE one of " + typeList()}
		}
		return ToxicSpec{}, &SpecError{Col: 1, Key: first.key, Msg: "unknown toxic type; want one of " + typeList()}
	}
	typ := first.key
	env := map[string]json.RawMessage{"type": quote(typ)}
	attrs := map[string]json.RawMessage{}
	fields := attributeFields(kind.new())
	if !first.bare {
		first.key = kind.primary
		pairs[0] = first
	} else {
		pairs = pairs[1:]
	}
	for _, p := range pairs {
		fail := func(msg string) error { return &SpecError{Col: p.col, Key: p.key, Msg: msg} }
		if p.key == "" {
			return ToxicSpec{}, fail("empty key; want key=value")
		}
		if p.bare {
			return ToxicSpec{}, fail("missing '=value'")
		}
		if _, dup := env[p.key]; dup || attrs[p.key] != nil {
			return ToxicSpec{}, fail("given twice")
		}
		var raw json.RawMessage
		var err error
		switch p.key {
		case "name", "stream":
			raw = quote(p.val)
		case "ttl":
			raw, err = cliValue(reflect.TypeFor[Duration](), p.val)
		case "toxicity":
			raw, err = cliValue(reflect.TypeFor[float64](), p.val)
		case "deadline":
			raw, err = cliValue(reflect.TypeFor[time.Time](), p.val)
		case "type", "attributes":
			return ToxicSpec{}, fail("not allowed in the CLI form; the first key names the type")
		default:
			f, ok := fields[p.key]
			if !ok {
				return ToxicSpec{}, fail("unknown key for " + typ + "; want name, stream, toxicity, deadline, ttl or one of " + strings.Join(sortedKeys(fields), ", "))
			}
			if raw, err = cliValue(f.Type(), p.val); err != nil {
				break
			}
			attrs[p.key] = raw
			continue
		}
		if err != nil {
			return ToxicSpec{}, fail(err.Error())
		}
		env[p.key] = raw
	}
	a, _ := json.Marshal(attrs)
	env["attributes"] = a
	data, _ := json.Marshal(env)
	spec, err := DecodeToxic(data)
	if err != nil {
		var se *SpecError
		if errors.As(err, &se) {
			se.Col = colOf(pairs, se.Key)
		}
		return ToxicSpec{}, err
	}
	return spec, nil
}

// cliPair is one key=value item of the CLI form.
type cliPair struct {
	key, val string
	col      int
	bare     bool
}

// colOf finds the column of the pair a JSON-side error key refers to.
func colOf(pairs []cliPair, key string) int {
	key = strings.TrimPrefix(key, "attributes.")
	for _, p := range pairs {
		if p.key == key {
			return p.col
		}
	}
	return 0
}

func quote(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// cliValue converts a CLI string to the JSON value for a field of type t.
func cliValue(t reflect.Type, v string) (json.RawMessage, error) {
	switch {
	case t == reflect.TypeFor[Duration]():
		if _, err := time.ParseDuration(v); err != nil {
			return nil, errors.New("invalid duration " + strconv.Quote(v) + "; want e.g. 100ms")
		}
		return quote(v), nil
	case t == reflect.TypeFor[time.Time]():
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return nil, errors.New("invalid time " + strconv.Quote(v) + "; want RFC 3339, e.g. 2026-01-02T15:04:05Z")
		}
		return quote(v), nil
	}
	switch t.Kind() {
	case reflect.Float64:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, errors.New("invalid number " + strconv.Quote(v))
		}
		return json.Marshal(f)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, errors.New("invalid integer " + strconv.Quote(v))
		}
		return json.Marshal(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, errors.New("invalid boolean " + strconv.Quote(v) + "; want true or false")
		}
		return json.Marshal(b)
	case reflect.String:
		return quote(v), nil
	}
	return nil, errors.New("unsupported attribute type " + t.String())
}

// FormatToxic renders a spec in the CLI form ParseToxic reads, for example
// "latency=100ms,jitter=10ms,stream=downstream,name=latency_downstream".
// Zero-valued attributes and a toxicity of 1 are left out.
func FormatToxic(s ToxicSpec) string {
	typ := s.Type()
	kind, ok := toxicKinds[typ]
	if !ok {
		return "?"
	}
	var b strings.Builder
	fields := attributeFields(s.Toxic)
	val := func(v reflect.Value) string {
		if d, ok := v.Interface().(Duration); ok {
			return d.String()
		}
		return fmt.Sprint(v.Interface())
	}
	b.WriteString(typ + "=" + val(fields[kind.primary]))
	for _, k := range sortedKeys(fields) {
		if k != kind.primary && !fields[k].IsZero() {
			b.WriteString("," + k + "=" + val(fields[k]))
		}
	}
	b.WriteString(",stream=" + s.Stream.String())
	if s.Toxicity != 1 {
		b.WriteString(",toxicity=" + strconv.FormatFloat(s.Toxicity, 'g', -1, 64))
	}
	b.WriteString(",name=" + s.Name)
	if !s.Deadline.IsZero() {
		b.WriteString(",deadline=" + s.Deadline.UTC().Format(time.RFC3339Nano))
	}
	if s.TTL > 0 {
		b.WriteString(",ttl=" + s.TTL.String())
	}
	return b.String()
}
