package load

import (
	"errors"
	"os"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"

	"chaoslab/internal/config"
)

// PosError is a problem at a position of a workload file; it prints as
// file:line:col: message.
type PosError = config.Error

// LoadSpecFile reads a workload file.
func LoadSpecFile(path string) (Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Spec{}, err
	}
	return ParseSpec(path, data)
}

// ParseSpec decodes a workload strictly (unknown keys are errors), fills
// defaults and validates; every error carries file:line:col.
func ParseSpec(name string, data []byte) (Spec, error) {
	var s Spec
	if err := config.DecodeStrict(data, &s); err != nil {
		return Spec{}, yamlErr(name, data, err)
	}
	s = s.Defaults()
	errs := s.Validate()
	if len(errs) == 0 {
		return s, nil
	}
	file, _ := parser.ParseBytes(data, 0)
	out := make(config.ErrorList, len(errs))
	for i, e := range errs {
		pe := &PosError{Pos: config.Pos{File: name}, Msg: e.Error()}
		var fe *FieldError
		if errors.As(e, &fe) && fe.Field != "" && file != nil {
			if p, err := yaml.PathString("$." + fe.Field); err == nil {
				if n, err := p.FilterFile(file); err == nil && n != nil {
					pos := n.GetToken().Position
					pe.Pos.Line, pe.Pos.Col = pos.Line, pos.Column
				}
			}
		}
		out[i] = pe
	}
	return Spec{}, out.Err() // file order of the fields, as Validate found them
}

// yamlErr turns a go-yaml error into a PosError.
func yamlErr(name string, data []byte, err error) error {
	var tx *TextError
	if errors.As(err, &tx) {
		// A scalar our types refused: go-yaml drops the position, so find
		// the first token spelling it.
		for _, tk := range lexer.Tokenize(string(data)) {
			if tk.Value == tx.Text && tk.Position != nil {
				return &PosError{Pos: config.Pos{File: name, Line: tk.Position.Line, Col: tk.Position.Column}, Msg: tx.Msg}
			}
		}
		return &PosError{Pos: config.Pos{File: name}, Msg: tx.Msg}
	}
	if e, ok := config.TokenError(name, err); ok {
		return e
	}
	return &PosError{Pos: config.Pos{File: name}, Msg: err.Error()}
}
