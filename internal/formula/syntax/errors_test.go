package syntax

import (
	"errors"
	"testing"
)

// TestErrors pins messages, positions and caret excerpts for the errors
// users meet most.
func TestErrors(t *testing.T) {
	tests := []struct {
		src     string
		msg     string
		line    int
		col     int
		excerpt string
	}{
		{"x = 1", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 3, "x = 1\n  ^"},
		{"f(x = = 1)", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 7, "f(x = = 1)\n      ^"},
		{"(x = 1)", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 2, "(x = 1)\n ^"},
		{"import os", "invalid syntax", 1, 1, "import os\n^"},
		{"def f(): pass", "invalid syntax", 1, 1, "def f(): pass\n^"},
		{"sin(t", "'(' was never closed", 1, 4, "sin(t\n   ^"},
		{"[1,\n 2,\n 3", "'[' was never closed", 1, 1, "[1,\n^"},
		{"(a]", "closing parenthesis ']' does not match opening parenthesis '('", 1, 3, "(a]\n  ^"},
		{"a)", "unmatched ')'", 1, 2, "a)\n ^"},
		{"'abc", "unterminated string literal (detected at line 1)", 1, 1, "'abc\n^"},
		{"x + '''abc\n", "unterminated triple-quoted string literal (detected at line 2)", 1, 5, "x + '''abc\n    ^"},
		{"0777", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", 1, 1, "0777\n^"},
		{"1 +", "invalid syntax", 1, 4, "1 +\n   ^"},
		{"a b", "invalid syntax", 1, 3, "a b\n  ^"},
		{"f(a b)", "invalid syntax. Perhaps you forgot a comma?", 1, 3, "f(a b)\n  ^"},
		{"1 if x", "expected 'else' after 'if' expression", 1, 1, "1 if x\n^"},
		{"f(a=1, b)", "positional argument follows keyword argument", 1, 9, "f(a=1, b)\n        ^"},
		{"f(x for x in y, 1)", "Generator expression must be parenthesized", 1, 3, "f(x for x in y, 1)\n  ^"},
		{"1\n2", "invalid syntax", 2, 1, "2\n^"},
		{"a\n  + b", "unexpected indent", 2, 2, "  + b\n ^"},
		{"é + €", "invalid character '€' (U+20AC)", 1, 5, "é + €\n    ^"},
		{"a\x01", "invalid non-printable character U+0001", 1, 2, "a\x01\n ^"},
		{"x + \xff", "invalid UTF-8 byte 0xff in formula", 1, 5, "x + \uFFFD\n    ^"},
		{"\tx = 1", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 4, "\tx = 1\n\t  ^"},
		{"f'{x!z}'", "f-string: invalid conversion character: expected 's', 'r', or 'a'", 1, 8, "f'{x!z}'\n       ^"},
		{"f'{}'", "f-string: empty expression not allowed", 1, 5, "f'{}'\n    ^"},
		{"'\\N{NO SUCH NAME}'", "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-15: unknown Unicode character name", 1, 18, "'\\N{NO SUCH NAME}'\n                 ^"},
		{"await x", "'await' outside function", 1, 1, "await x\n^"},
		{"(yield)", "'yield' outside function", 1, 2, "(yield)\n ^"},
		{"lambda x, x: 1", "duplicate argument 'x' in function definition", 1, 11, "lambda x, x: 1\n          ^"},
		{"f(k=1, k=2)", "keyword argument repeated: k", 1, 8, "f(k=1, k=2)\n       ^"},
		{"", "empty formula", 1, 1, "\n^"},
		{"  # just a comment", "empty formula", 1, 19, "  # just a comment\n                  ^"},
		{"print x", "Missing parentheses in call to 'print'. Did you mean print(...)?", 1, 1, "print x\n^"},
		{"[x for 1 in y]", "cannot assign to literal", 1, 8, "[x for 1 in y]\n       ^"},
		{"(a.b := 1)", "cannot use assignment expressions with attribute", 1, 2, "(a.b := 1)\n ^"},
		{"10L", "invalid decimal literal", 1, 2, "10L\n ^"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := Parse(tt.src, Options{})
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if se.Msg != tt.msg || se.Pos.Line != tt.line || se.Pos.Col != tt.col {
				t.Errorf("got %d:%d %q, want %d:%d %q", se.Pos.Line, se.Pos.Col, se.Msg, tt.line, tt.col, tt.msg)
			}
			if got := se.Excerpt(); got != tt.excerpt {
				t.Errorf("excerpt:\n%s\nwant:\n%s", got, tt.excerpt)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	_, err := Parse("a +* b", Options{})
	if got, want := err.Error(), "line 1:4: invalid syntax"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
