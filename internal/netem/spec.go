package netem

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"
)

// ToxicSpec is the envelope shared by every toxic: the fields every toxic has,
// plus the toxic itself (its parameters, written as "attributes" in JSON).
type ToxicSpec struct {
	// Name identifies the toxic within its proxy; default "<type>_<stream>".
	Name string
	// Stream is the direction the toxic acts on (default downstream).
	Stream Stream
	// Toxicity is the probability that a given connection gets the toxic
	// (default 1). 0 means no connection gets it.
	Toxicity float64
	// Deadline, if not zero, is when the proxy removes the toxic by itself
	// (a dead-man's switch).
	Deadline time.Time
	// TTL, if positive, sets Deadline to "now + TTL" when the toxic is added
	// (the earlier of the two wins). Added toxics report the resolved Deadline.
	TTL time.Duration
	// Toxic holds the type and parameters.
	Toxic Toxic
}

// Type returns the toxic's registered type name.
func (s ToxicSpec) Type() string { return typeOf(s.Toxic) }

// wireSpec is the JSON form of ToxicSpec.
type wireSpec struct {
	Name       string          `json:"name,omitempty"`
	Type       string          `json:"type"`
	Stream     *Stream         `json:"stream,omitempty"`
	Toxicity   *float64        `json:"toxicity,omitempty"`
	Deadline   *time.Time      `json:"deadline,omitempty"`
	TTL        *Duration       `json:"ttl,omitempty"`
	Attributes json.RawMessage `json:"attributes,omitempty"`
}

// MarshalJSON writes the envelope with the parameters under "attributes".
func (s ToxicSpec) MarshalJSON() ([]byte, error) {
	t := s.Type()
	if t == "" {
		return nil, fmt.Errorf("netem: toxic %q has no registered type", s.Name)
	}
	attrs, err := json.Marshal(s.Toxic)
	if err != nil {
		return nil, err
	}
	st, tox := s.Stream, s.Toxicity
	w := wireSpec{Name: s.Name, Type: t, Stream: &st, Toxicity: &tox, Attributes: attrs}
	if !s.Deadline.IsZero() {
		d := s.Deadline
		w.Deadline = &d
	}
	if s.TTL > 0 {
		ttl := Duration(s.TTL)
		w.TTL = &ttl
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes strictly; see DecodeToxic.
func (s *ToxicSpec) UnmarshalJSON(b []byte) error {
	v, err := DecodeToxic(b)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// SpecError is a decoding or validation error. Key names the offending field
// ("attributes.jitter", "toxicity"); Col is the 1-based column in the CLI
// form, or 0 for JSON.
type SpecError struct {
	Key string
	Col int
	Msg string
}

func (e *SpecError) Error() string {
	var b bytes.Buffer
	b.WriteString("toxic spec: ")
	if e.Col > 0 {
		fmt.Fprintf(&b, "col %d: ", e.Col)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, "%s: ", e.Key)
	}
	b.WriteString(e.Msg)
	return b.String()
}

func specErr(key, format string, args ...any) error {
	return &SpecError{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// DecodeToxic decodes one toxic spec from JSON, strictly: unknown fields,
// unknown types, wrong value types and out-of-range values are errors that
// name the key.
func DecodeToxic(data []byte) (ToxicSpec, error) {
	var top map[string]json.RawMessage
	if err := strictUnmarshal(data, &top); err != nil {
		return ToxicSpec{}, jsonErr("", err)
	}
	if top == nil {
		return ToxicSpec{}, specErr("", "want a JSON object")
	}
	var typ string
	if raw, ok := top["type"]; !ok {
		return ToxicSpec{}, specErr("type", "missing; want one of %s", typeList())
	} else if err := json.Unmarshal(raw, &typ); err != nil {
		return ToxicSpec{}, specErr("type", "want a string, got %s", raw)
	}
	kind, ok := toxicKinds[typ]
	if !ok {
		return ToxicSpec{}, specErr("type", "unknown toxic type %q; want one of %s", typ, typeList())
	}
	spec := ToxicSpec{Toxicity: 1, Toxic: kind.new()}
	for _, key := range sortedKeys(top) {
		raw := top[key]
		var err error
		switch key {
		case "type":
		case "name":
			err = json.Unmarshal(raw, &spec.Name)
		case "stream":
			err = json.Unmarshal(raw, &spec.Stream)
		case "toxicity":
			err = json.Unmarshal(raw, &spec.Toxicity)
		case "deadline":
			err = json.Unmarshal(raw, &spec.Deadline)
		case "ttl":
			var d Duration
			err = json.Unmarshal(raw, &d)
			spec.TTL = d.D()
		case "attributes":
			if err := decodeAttributes(spec.Toxic, raw); err != nil {
				return ToxicSpec{}, err
			}
		default:
			return ToxicSpec{}, specErr(key, "unknown field; want name, type, stream, toxicity, deadline, ttl or attributes")
		}
		if err != nil {
			return ToxicSpec{}, specErr(key, "%s", valueErr(err, raw))
		}
	}
	if spec.Name == "" {
		spec.Name = typ + "_" + spec.Stream.String()
	}
	if err := spec.Validate(); err != nil {
		return ToxicSpec{}, err
	}
	return spec, nil
}

// decodeAttributes sets the toxic's parameters from a JSON object, key by key,
// so an error can name the key.
func decodeAttributes(t Toxic, raw json.RawMessage) error {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	var attrs map[string]json.RawMessage
	if err := strictUnmarshal(raw, &attrs); err != nil {
		return specErr("attributes", "want a JSON object: %s", valueErr(err, raw))
	}
	fields := attributeFields(t)
	for _, key := range sortedKeys(attrs) {
		f, ok := fields[key]
		if !ok {
			return specErr("attributes."+key, "unknown attribute for %s; want one of %s", typeOf(t), strings.Join(sortedKeys(fields), ", "))
		}
		if err := json.Unmarshal(attrs[key], f.Addr().Interface()); err != nil {
			return specErr("attributes."+key, "%s", valueErr(err, attrs[key]))
		}
	}
	return nil
}

// attributeFields maps the JSON names of t's parameters to its fields.
func attributeFields(t Toxic) map[string]reflect.Value {
	v := reflect.ValueOf(t).Elem()
	out := map[string]reflect.Value{}
	for i := 0; i < v.NumField(); i++ {
		tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if tag != "" && tag != "-" {
			out[tag] = v.Field(i)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// valueErr phrases a JSON value error without encoding/json's Go type noise.
func valueErr(err error, raw []byte) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("want %s, got %s", kindName(te.Type), truncate(raw))
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func kindName(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[Duration]():
		return "a duration string"
	case t == reflect.TypeFor[time.Time]():
		return "an RFC 3339 time"
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	}
	return t.String()
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// Validate checks the envelope and the toxic's parameters.
func (s ToxicSpec) Validate() error {
	if s.Toxic == nil || s.Type() == "" {
		return specErr("type", "missing or unknown toxic type; want one of %s", typeList())
	}
	if s.Name == "" {
		return specErr("name", "must not be empty")
	}
	if len(s.Name) > 128 {
		return specErr("name", "longer than 128 bytes")
	}
	for _, r := range s.Name {
		if r == '/' || r < ' ' || r == 0x7f {
			return specErr("name", "%q: must not contain '/' or control characters", s.Name)
		}
	}
	if s.Stream != Upstream && s.Stream != Downstream {
		return specErr("stream", "want upstream or downstream")
	}
	if math.IsNaN(s.Toxicity) || s.Toxicity < 0 || s.Toxicity > 1 {
		return specErr("toxicity", "%v: want a probability in [0, 1]", s.Toxicity)
	}
	if s.TTL < 0 {
		return specErr("ttl", "%v: must not be negative", s.TTL)
	}
	if v, ok := s.Toxic.(Validator); ok {
		if err := v.Validate(); err != nil {
			var se *SpecError
			if errors.As(err, &se) {
				se.Key = "attributes." + se.Key
				return se
			}
			return specErr("attributes", "%v", err)
		}
	}
	return nil
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// jsonErr wraps a top-level JSON syntax error.
func jsonErr(key string, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return specErr(key, "invalid JSON at byte %d: %s", se.Offset, valueErr(err, nil))
	}
	return specErr(key, "%s", valueErr(err, nil))
}
