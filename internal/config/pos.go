package config

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a file; Line and Col start at 1, zero is unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats a position as file:line:col, leaving out unknown parts.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	return b.String()
}

// IsValid reports whether the position is known.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Before orders positions by file, line, column.
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Error is one problem with where it is.
type Error struct {
	Pos Pos
	Msg string
}

// Error prints "file:line:col: message" (the message alone when the
// position is unknown).
func (e *Error) Error() string {
	if s := e.Pos.String(); s != "" {
		return s + ": " + e.Msg
	}
	return e.Msg
}

// ErrorList collects every problem of a file, so a user sees them all at
// once.
type ErrorList []*Error

// Add appends an error at pos.
func (l *ErrorList) Add(pos Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders the list by position (stable: same position keeps insertion order).
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.Before(l[j].Pos) })
}

// Error prints one "file:line:col: message" per line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Sorted sorts the list and returns it as an error (nil when empty).
func (l ErrorList) Sorted() error {
	l.Sort()
	return l.Err()
}

// Unwrap exposes the individual errors to errors.Is/As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Errors returns the errors of err: the elements of an ErrorList, or err itself.
func Errors(err error) []*Error {
	switch e := err.(type) {
	case nil:
		return nil
	case ErrorList:
		return e
	case *Error:
		return []*Error{e}
	}
	return []*Error{{Msg: err.Error()}}
}
