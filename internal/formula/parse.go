package formula

import (
	"errors"

	"chaoslab/internal/formula/syntax"
)

// parse runs the parser and converts its errors to *SyntaxError.
func parse(src string, py2 bool) (syntax.Expr, error) {
	e, err := syntax.Parse(src, syntax.Options{Py2: py2})
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return nil, &SyntaxError{Line: se.Pos.Line, Col: se.Pos.Col, Msg: se.Msg, Source: src}
		}
		return nil, &SyntaxError{Line: 1, Col: 1, Msg: err.Error(), Source: src}
	}
	return e, nil
}
