package syntax

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies tokens.
type tokKind uint8

const (
	tEOF tokKind = iota
	tNewline
	tName
	tNumber
	tString
	tOp
)

// token is one lexical token. val is the identifier, the operator text or
// the raw literal text (prefix and quotes included for strings).
type token struct {
	kind     tokKind
	pos, end Pos
	val      string
	num      *Constant // tNumber: the decoded value
	indented bool      // first token of a new logical line that starts with whitespace
	depth    int32     // number of enclosing open brackets
}

// bracket is an open bracket awaiting its match.
type bracket struct {
	pos Pos
	val string
}

// maxNesting caps bracket nesting, like CPython's tokenizer (MAXLEVEL).
const maxNesting = 200

// lexer turns source text into tokens on demand. It tracks brackets itself
// for implicit line joining and for CPython's bracket-mismatch messages.
type lexer struct {
	src        string
	limit      int // scan stops here (f-string fields lex a slice of the source)
	py2        bool
	p          Pos // current position
	brackets   []bracket
	bracketBuf [8]bracket // backing store for shallow nesting, saves allocations
	// baseDepth is 1 when lexing an f-string field, which behaves as if
	// parenthesized: newlines inside are ignored.
	baseDepth  int
	lineHasTok bool // a token was produced on the current logical line
	// A NEWLINE token sits where a trailing comment starts, as in CPython.
	commentPos  Pos
	hasComment  bool
	pendingNL   bool // a NEWLINE token is owed before the next real token
	indentedTok bool
}

func newLexer(src string, start Pos, limit int, py2 bool, inParens bool) *lexer {
	lx := &lexer{}
	lx.init(src, start, limit, py2, inParens)
	return lx
}

func (lx *lexer) init(src string, start Pos, limit int, py2 bool, inParens bool) {
	*lx = lexer{src: src, limit: limit, py2: py2, p: start}
	lx.brackets = lx.bracketBuf[:0]
	if inParens {
		lx.baseDepth = 1
	}
}

func (lx *lexer) fail(pos Pos, format string, args ...any) {
	panic(bailout{&Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Source: lx.src}, true})
}

// peekRune decodes the rune at the current position; size 0 at the end.
func (lx *lexer) peekRune() (rune, int) {
	if lx.p.Offset >= lx.limit {
		return 0, 0
	}
	c := lx.src[lx.p.Offset]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(lx.src[lx.p.Offset:lx.limit])
	if r == utf8.RuneError && n == 1 {
		lx.fail(lx.p, "invalid UTF-8 byte 0x%02x in formula", c)
	}
	return r, n
}

func (lx *lexer) byteAt(off int) byte {
	if off < lx.limit {
		return lx.src[off]
	}
	return 0
}

// advance moves over one rune, keeping line and column right; \r\n and a
// lone \r count as one line break, as in CPython.
func (lx *lexer) advance() {
	if lx.p.Offset < lx.limit {
		if c := lx.src[lx.p.Offset]; c >= ' ' && c < utf8.RuneSelf {
			lx.p.Offset++
			lx.p.Col++
			return
		}
	}
	r, n := lx.peekRune()
	if n == 0 {
		return
	}
	lx.p.Offset += n
	switch {
	case r == '\r' && lx.byteAt(lx.p.Offset) == '\n':
		lx.p.Offset++
		fallthrough
	case r == '\n' || r == '\r':
		lx.p.Line++
		lx.p.Col = 1
	default:
		lx.p.Col++
	}
}

func (lx *lexer) nlPos(p Pos) Pos {
	if lx.hasComment {
		return lx.commentPos
	}
	return p
}

func (lx *lexer) depth() int { return lx.baseDepth + len(lx.brackets) }

// next returns the next token.
func (lx *lexer) next() token {
	for {
		r, n := lx.peekRune()
		if n == 0 {
			if lx.lineHasTok && lx.depth() == 0 {
				lx.lineHasTok = false
				return token{kind: tNewline, pos: lx.nlPos(lx.p), end: lx.p}
			}
			return token{kind: tEOF, pos: lx.p, end: lx.p}
		}
		switch r {
		case ' ', '\t', '\f':
			lx.advance()
			continue
		case '#':
			lx.commentPos, lx.hasComment = lx.p, true
			for {
				r, n := lx.peekRune()
				if n == 0 || r == '\n' || r == '\r' {
					break
				}
				lx.advance()
			}
			continue
		case '\\':
			start := lx.p
			lx.advance()
			r, n := lx.peekRune()
			if n == 0 {
				lx.fail(start, "unexpected character after line continuation character")
			}
			if r != '\n' && r != '\r' {
				lx.fail(lx.p, "unexpected character after line continuation character")
			}
			nl := lx.p
			lx.advance()
			if _, n := lx.peekRune(); n == 0 {
				lx.fail(nl, "unexpected EOF while parsing")
			}
			continue
		case '\n', '\r':
			nl := lx.nlPos(lx.p)
			lx.hasComment = false
			lx.advance()
			if lx.depth() == 0 && lx.lineHasTok {
				lx.lineHasTok = false
				lx.indentedTok = false
				// Mark whether the next logical line is indented.
				if c := lx.byteAt(lx.p.Offset); c == ' ' || c == '\t' || c == '\f' {
					lx.indentedTok = true
				}
				return token{kind: tNewline, pos: nl, end: lx.p}
			}
			if lx.depth() == 0 {
				c := lx.byteAt(lx.p.Offset)
				lx.indentedTok = c == ' ' || c == '\t' || c == '\f'
			}
			continue
		case 0:
			lx.fail(lx.p, "source code string cannot contain null bytes")
		}
		depth := len(lx.brackets)
		t := lx.scan(r)
		t.depth = int32(depth)
		if !lx.lineHasTok {
			t.indented = lx.indentedTok
		}
		lx.lineHasTok = true
		return t
	}
}

// scan reads one real token starting with r.
func (lx *lexer) scan(r rune) token {
	start := lx.p
	switch {
	case r < utf8.RuneSelf && isDigit(byte(r)):
		return lx.number(start)
	case r == '.' && isDigit(lx.byteAt(start.Offset+1)):
		return lx.number(start)
	case r == '"' || r == '\'':
		return lx.str(start, 0)
	case isIdentStart(r):
		// ASCII fast path; non-ASCII letters fall through to the rune loop.
		for lx.p.Offset < lx.limit {
			c := lx.src[lx.p.Offset]
			if c >= utf8.RuneSelf || !(c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || (c >= '0' && c <= '9')) {
				break
			}
			lx.p.Offset++
			lx.p.Col++
		}
		for {
			r, n := lx.peekRune()
			if n == 0 || !isIdentCont(r) {
				break
			}
			lx.advance()
		}
		word := lx.src[start.Offset:lx.p.Offset]
		if c := lx.byteAt(lx.p.Offset); (c == '\'' || c == '"') && isStringPrefix(word, lx.py2) {
			return lx.str(start, len(word))
		}
		return token{kind: tName, pos: start, end: lx.p, val: word}
	}
	return lx.operator(start, r)
}

// operators lists the multi-character operators, longest first.
var operators3 = []string{"**=", "//=", ">>=", "<<=", "..."}
var operators2 = []string{"**", "//", "<<", ">>", "<=", ">=", "==", "!=", "<>", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="}

const operators1 = "+-*/%@&|^~<>()[]{},:.;=`!"

func (lx *lexer) operator(start Pos, r rune) token {
	rest := lx.src[start.Offset:lx.limit]
	op := ""
	if r < utf8.RuneSelf && strings.IndexByte(operators1, byte(r)) >= 0 {
		op = rest[:1]
		if len(rest) >= 2 && strings.IndexByte("*/<>=!-:+%&|^@.", rest[1]) >= 0 {
			for _, o := range operators3 {
				if strings.HasPrefix(rest, o) {
					op = o
					break
				}
			}
			if len(op) == 1 {
				for _, o := range operators2 {
					if strings.HasPrefix(rest, o) {
						op = o
						break
					}
				}
			}
		}
	}
	if op == "" {
		switch {
		case r < utf8.RuneSelf && unicode.IsPrint(r):
			// '$', '?': CPython's tokenizer passes these on and the
			// grammar rejects them, so they are tokens here too.
			op = string(r)
		case unicode.IsPrint(r):
			lx.fail(start, "invalid character '%c' (U+%04X)", r, r)
		default:
			lx.fail(start, "invalid non-printable character U+%04X", r)
		}
	}
	for range len(op) {
		lx.advance()
	}
	t := token{kind: tOp, pos: start, val: op}
	switch op {
	case "(", "[", "{":
		if lx.depth() >= maxNesting {
			lx.fail(start, "too many nested parentheses")
		}
		lx.brackets = append(lx.brackets, bracket{pos: start, val: op})
	case ")", "]", "}":
		if len(lx.brackets) == 0 {
			if lx.baseDepth == 0 {
				lx.fail(start, "unmatched '%s'", op)
			}
		} else {
			open := lx.brackets[len(lx.brackets)-1]
			if closing[open.val] != op {
				if open.pos.Line != start.Line {
					lx.fail(start, "closing parenthesis '%s' does not match opening parenthesis '%s' on line %d", op, open.val, open.pos.Line)
				}
				lx.fail(start, "closing parenthesis '%s' does not match opening parenthesis '%s'", op, open.val)
			}
			lx.brackets = lx.brackets[:len(lx.brackets)-1]
		}
	}
	t.end = lx.p
	return t
}

var closing = map[string]string{"(": ")", "[": "]", "{": "}"}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || (r|0x20 >= 'a' && r|0x20 <= 'z')
	}
	return unicode.In(r, unicode.L, unicode.Nl, unicode.Other_ID_Start)
}

func isIdentCont(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || (r|0x20 >= 'a' && r|0x20 <= 'z') || (r >= '0' && r <= '9')
	}
	return unicode.In(r, unicode.L, unicode.Nl, unicode.Other_ID_Start, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)
}

// isStringPrefix reports whether word is a valid string prefix: any case of
// r, u, b, f, br, rb, fr, rf, and in Python 2 mode ur and bR-style as well.
func isStringPrefix(word string, py2 bool) bool {
	if len(word) > 2 {
		return false
	}
	w := strings.ToLower(word)
	switch w {
	case "r", "u", "b", "f", "br", "rb", "fr", "rf":
		return true
	case "ur":
		return py2
	}
	return false
}

// str scans a string literal whose prefix has prefixLen bytes and whose
// opening quote is at the current position.
func (lx *lexer) str(start Pos, prefixLen int) token {
	q := lx.byteAt(lx.p.Offset)
	triple := lx.byteAt(lx.p.Offset+1) == q && lx.byteAt(lx.p.Offset+2) == q
	n := 1
	if triple {
		n = 3
	}
	for range n {
		lx.advance()
	}
	for {
		r, size := lx.peekRune()
		if size == 0 {
			if triple {
				lx.fail(start, "unterminated triple-quoted string literal (detected at line %d)", lx.p.Line)
			}
			lx.fail(start, "unterminated string literal (detected at line %d)", lx.p.Line)
		}
		switch {
		case r == '\\':
			lx.advance()
			if _, size := lx.peekRune(); size != 0 {
				lx.advance()
			}
			continue
		case (r == '\n' || r == '\r') && !triple:
			lx.fail(start, "unterminated string literal (detected at line %d)", lx.p.Line)
		case r == rune(q):
			if !triple {
				lx.advance()
				return token{kind: tString, pos: start, end: lx.p, val: lx.src[start.Offset:lx.p.Offset]}
			}
			if lx.byteAt(lx.p.Offset+1) == q && lx.byteAt(lx.p.Offset+2) == q {
				lx.advance()
				lx.advance()
				lx.advance()
				return token{kind: tString, pos: start, end: lx.p, val: lx.src[start.Offset:lx.p.Offset]}
			}
		case r == 0:
			lx.fail(lx.p, "source code string cannot contain null bytes")
		}
		lx.advance()
	}
}
