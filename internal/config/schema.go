package config

import (
	"bytes"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Schema is a JSON schema compiled on first use.
type Schema struct {
	// Name is the resource name (also the base of SchemaURLs).
	Name string
	// JSON is the schema document.
	JSON []byte

	once sync.Once
	s    *jsonschema.Schema
	err  error
}

// Compiled returns the compiled schema.
func (s *Schema) Compiled() (*jsonschema.Schema, error) {
	s.once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(s.JSON))
		if err != nil {
			s.err = err
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(s.Name, doc); err != nil {
			s.err = err
			return
		}
		s.s, s.err = c.Compile(s.Name)
	})
	return s.s, s.err
}

// Validate validates v; it returns nil when v is valid and the
// validation error tree otherwise (other errors are returned as the
// second result).
func (s *Schema) Validate(v any) (*jsonschema.ValidationError, error) {
	sch, err := s.Compiled()
	if err != nil {
		return nil, err
	}
	switch e := sch.Validate(v).(type) {
	case nil:
		return nil, nil
	case *jsonschema.ValidationError:
		return e, nil
	default:
		return nil, e
	}
}

var printer = message.NewPrinter(language.English)

// Message is the English text of a validation error's own kind.
func Message(e *jsonschema.ValidationError) string {
	return e.ErrorKind.LocalizedString(printer)
}

// WalkLeaves visits the validation errors of a tree that a user should
// see: handle is offered each error from the root down; when it returns
// true the error (and its causes) are done. Otherwise its causes are
// walked, and an error without causes goes to leaf.
func WalkLeaves(ve *jsonschema.ValidationError, handle func(*jsonschema.ValidationError) bool, leaf func(*jsonschema.ValidationError)) {
	if ve == nil {
		return
	}
	if handle(ve) {
		return
	}
	if len(ve.Causes) == 0 {
		leaf(ve)
		return
	}
	for _, c := range ve.Causes {
		WalkLeaves(c, handle, leaf)
	}
}
