package syntax

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a syntax error in a formula. Pos locates the offending token;
// Source is the whole formula text, kept so Excerpt can show the line.
type Error struct {
	Pos    Pos
	Msg    string
	Source string
}

// Error formats the error as "line L:C: message".
func (e *Error) Error() string {
	return fmt.Sprintf("line %d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
}

// Excerpt returns the source line holding the error followed by a line with
// a caret under the offending column, the way CPython prints SyntaxErrors.
// Tabs in the prefix are kept so the caret lines up in a terminal.
func (e *Error) Excerpt() string {
	line := sourceLine(e.Source, e.Pos.Line)
	var b strings.Builder
	b.WriteString(line)
	b.WriteByte('\n')
	n := 0
	for _, r := range line {
		if n >= e.Pos.Col-1 {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		n++
	}
	for ; n < e.Pos.Col-1; n++ {
		b.WriteByte(' ')
	}
	b.WriteByte('^')
	return b.String()
}

// sourceLine returns line number n (1-based) of src without its terminator.
// Any of \n, \r\n and \r ends a line, as in the lexer.
func sourceLine(src string, n int) string {
	cur := 1
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\n' && c != '\r' {
			continue
		}
		if cur == n {
			return sanitizeLine(src[start:i])
		}
		if c == '\r' && i+1 < len(src) && src[i+1] == '\n' {
			i++
		}
		cur++
		start = i + 1
	}
	if cur == n {
		return sanitizeLine(src[start:])
	}
	return ""
}

// sanitizeLine replaces invalid UTF-8 so an excerpt is always printable text.
func sanitizeLine(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// bailout carries an *Error up the recursive-descent parser via panic; Parse
// recovers it. Other panics are bugs and are re-raised.
type bailout struct {
	err   *Error
	lexer bool // raised by the tokenizer rather than the grammar
}
