package formula

import (
	"fmt"
	"strings"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/formula/syntax"
)

// SyntaxError is a formula that does not parse. Line and Col are 1-based
// (Col counts code points); Source is the formula text.
type SyntaxError struct {
	Line, Col int
	Msg       string
	Source    string
}

// Error reads like Python's: "SyntaxError: msg at line:col", then the
// offending source line and a caret under the column.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("SyntaxError: %s at %d:%d\n%s", e.Msg, e.Line, e.Col, excerpt(e.Source, e.Line, e.Col))
}

// CompileError is a formula that parses but uses a construct the dialect
// does not support (complex literals, await, yield, assignment to
// attributes); it has the same shape and format as SyntaxError.
type CompileError struct {
	Line, Col int
	Msg       string
	Source    string
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("SyntaxError: %s at %d:%d\n%s", e.Msg, e.Line, e.Col, excerpt(e.Source, e.Line, e.Col))
}

// RuntimeError is an exception raised while evaluating a formula. Line and
// Col locate the innermost expression that raised it.
type RuntimeError struct {
	Err       *pyval.Exception
	Line, Col int

	off    int  // byte offset of Line:Col
	placed bool // positioned in the evaluated text (see Program.place)
}

// Error is exactly Python's last traceback line, "Type: message".
func (e *RuntimeError) Error() string { return e.Err.Error() }

// Unwrap gives the *pyval.Exception.
func (e *RuntimeError) Unwrap() error { return e.Err }

// excerpt returns the source line and a caret under col, indented as in
// CPython's SyntaxError report.
func excerpt(src string, line, col int) string {
	x := (&syntax.Error{Pos: syntax.Pos{Line: line, Col: col}, Source: src}).Excerpt()
	return "    " + strings.ReplaceAll(x, "\n", "\n    ")
}

// errAt attaches a position to a Python exception; errors that already
// carry one (inner positions win) or that are not exceptions (host errors)
// pass through unchanged.
func errAt(err error, p syntax.Pos) error {
	if e, ok := err.(*pyval.Exception); ok {
		return &RuntimeError{Err: e, Line: p.Line, Col: p.Col, off: p.Offset}
	}
	return err
}

// pyErr builds a positioned runtime error.
func pyErr(p syntax.Pos, typ, format string, args ...any) error {
	return errAt(pyval.Errorf(typ, format, args...), p)
}

func compileErr(src string, p syntax.Pos, format string, args ...any) error {
	return &CompileError{Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...), Source: src}
}
