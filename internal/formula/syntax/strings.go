package syntax

import (
	"strings"
	"unicode/utf8"
)

// strPrefix holds the flags of a string literal's prefix.
type strPrefix struct {
	raw, bytes, fstr, uraw bool // uraw: Python 2 ur'' (only \u and \U are escapes)
	unicode                bool
}

func parsePrefix(p string) strPrefix {
	var f strPrefix
	for i := 0; i < len(p); i++ {
		switch p[i] | 0x20 {
		case 'r':
			f.raw = true
		case 'b':
			f.bytes = true
		case 'f':
			f.fstr = true
		case 'u':
			f.unicode = true
		}
	}
	if f.unicode && f.raw {
		f.raw, f.uraw = false, true
	}
	return f
}

// strBuilder accumulates the parts of implicitly concatenated literals.
type strBuilder struct {
	parts []Expr // for f-strings: *Constant and *FormattedValue
	buf   strings.Builder
	fstr  bool
	span  Span // whole concatenation, for the constant parts
}

func (b *strBuilder) flush() {
	if b.buf.Len() == 0 {
		return
	}
	b.parts = append(b.parts, &Constant{Kind: ConstStr, Str: b.buf.String()})
	b.buf.Reset()
}

// strings parses one or more adjacent string tokens into a Constant or,
// if any is an f-string, a JoinedStr.
func (p *parser) strings() Expr {
	first := *p.tok()
	var b strBuilder
	bytesSeen, strSeen := false, false
	start := first.pos
	for p.tok().kind == tString {
		t := p.advance()
		p.strTokEnd = t.end
		i := strings.IndexAny(t.val, "'\"")
		pre := parsePrefix(t.val[:i])
		if pre.bytes {
			bytesSeen = true
		} else {
			strSeen = true
		}
		q := 1
		if len(t.val)-i >= 6 && t.val[i+1] == t.val[i] && t.val[i+2] == t.val[i] {
			q = 3
		}
		bodyOff := t.pos.Offset + i + q
		body := t.val[i+q : len(t.val)-q]
		bodyPos := advancePos(t.pos, t.val[:i+q])
		if pre.fstr {
			b.fstr = true
			p.fstring(&b, body, bodyOff, bodyPos, pre.raw, 0)
			continue
		}
		if pre.bytes {
			for j := 0; j < len(body); j++ {
				if body[j] >= utf8.RuneSelf {
					p.fail(t.pos, "bytes can only contain ASCII literal characters")
				}
			}
		}
		b.buf.WriteString(p.decode(body, bodyPos, pre))
	}
	span := Span{start, p.prevEnd()}
	if bytesSeen && strSeen {
		// CPython reports this at the token after the literals.
		if t := p.tok(); t.kind != tEOF && t.kind != tNewline {
			p.fail(t.pos, "cannot mix bytes and nonbytes literals")
		}
		// At the end of the line CPython points at its last character.
		ls := strings.LastIndexAny(p.src[:span.To.Offset], "\r\n") + 1
		line := sourceLine(p.src, span.To.Line)
		_, size := utf8.DecodeLastRuneInString(line)
		p.fail(Pos{Offset: ls + len(line) - size, Line: span.To.Line, Col: utf8.RuneCountInString(line)}, "cannot mix bytes and nonbytes literals")
	}
	if !b.fstr {
		kind := ConstStr
		if bytesSeen {
			kind = ConstBytes
		}
		return &Constant{Span: span, Kind: kind, Str: b.buf.String()}
	}
	b.flush()
	for _, part := range b.parts {
		if c, ok := part.(*Constant); ok {
			c.Span = span
		}
	}
	return &JoinedStr{Span: span, Values: b.parts}
}

// strErrPos is where CPython 3.11 reports errors inside a string literal:
// the last character of the literal's token.
func (p *parser) strErrPos() Pos {
	e := p.strTokEnd
	return Pos{Offset: e.Offset - 1, Line: e.Line, Col: e.Col - 1}
}

// advancePos returns the position just after text, which starts at p.
func advancePos(p Pos, text string) Pos {
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		p.Offset += n
		switch {
		case r == '\r' && i < len(text) && text[i] == '\n':
			i++
			p.Offset++
			fallthrough
		case r == '\n' || r == '\r':
			p.Line++
			p.Col = 1
		default:
			p.Col++
		}
	}
	return p
}

// decode processes the escapes of a literal body (raw bodies only get their
// line endings normalized, as CPython's tokenizer does).
func (p *parser) decode(body string, at Pos, pre strPrefix) string {
	if !strings.ContainsAny(body, "\\\r") {
		return body
	}
	if pre.raw {
		return normalizeNewlines(body)
	}
	var out []byte
	for i := 0; i < len(body); {
		c := body[i]
		if c == '\r' {
			out = append(out, '\n')
			i++
			if i < len(body) && body[i] == '\n' {
				i++
			}
			continue
		}
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(body) {
			out = append(out, '\\')
			break
		}
		esc := body[i+1]
		if pre.uraw && esc != 'u' && esc != 'U' {
			out = append(out, '\\')
			i++
			continue
		}
		escStart := i
		errAt := func(end int, what string) {
			if pre.bytes {
				p.fail(p.strErrPos(), "(value error) invalid \\x escape at position %d", escStart)
			}
			p.fail(p.strErrPos(), "(unicode error) 'unicodeescape' codec can't decode bytes in position %d-%d: %s", escStart, end, what)
		}
		i += 2
		switch esc {
		case '\n':
		case '\r':
			if i < len(body) && body[i] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			out = append(out, esc)
		case 'a':
			out = append(out, 7)
		case 'b':
			out = append(out, 8)
		case 'f':
			out = append(out, 12)
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, 11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(esc - '0')
			for k := 0; k < 2 && i < len(body) && body[i] >= '0' && body[i] <= '7'; k++ {
				v = v*8 + int(body[i]-'0')
				i++
			}
			if pre.bytes {
				out = append(out, byte(v))
			} else {
				out = utf8.AppendRune(out, rune(v))
			}
		case 'x', 'u', 'U':
			if esc != 'x' && pre.bytes {
				out = append(out, '\\', esc)
				break
			}
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[esc]
			start := i - 2
			v := 0
			for k := 0; k < n; k++ {
				if i >= len(body) || digitVal(body[i]) >= 16 {
					errAt(i-1, map[byte]string{'x': "truncated \\xXX escape", 'u': "truncated \\uXXXX escape", 'U': "truncated \\UXXXXXXXX escape"}[esc])
				}
				v = v*16 + digitVal(body[i])
				i++
			}
			_ = start
			switch {
			case pre.bytes:
				out = append(out, byte(v))
			case v > utf8.MaxRune:
				errAt(i-1, "illegal Unicode character")
			default:
				out = appendWTF8(out, rune(v))
			}
		case 'N':
			if pre.bytes {
				out = append(out, '\\', esc)
				break
			}
			if i >= len(body) || body[i] != '{' {
				errAt(i-1, "malformed \\N character escape")
			}
			end := strings.IndexByte(body[i:], '}')
			if end < 0 {
				errAt(len(body)-1, "malformed \\N character escape")
			}
			name := body[i+1 : i+end]
			r, ok := lookupUnicodeName(name)
			if !ok {
				errAt(i+end, "unknown Unicode character name")
			}
			i += end + 1
			out = utf8.AppendRune(out, r)
		default:
			// Unknown escapes keep their backslash (CPython warns).
			out = append(out, '\\')
			i--
		}
	}
	return string(out)
}

func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// appendWTF8 encodes r, including lone surrogates (which Python strings may
// hold), in the generalized UTF-8 encoding; Dump prints them as \udxxx.
func appendWTF8(b []byte, r rune) []byte {
	if r >= 0xD800 && r <= 0xDFFF {
		return append(b, 0xED, byte(0x80|(r>>6)&0x3F), byte(0x80|r&0x3F))
	}
	return utf8.AppendRune(b, r)
}

// fstring parses the body of an f-string (Python 3.11 rules) into b.
// lvl is 0 for the string itself and 1 inside a format spec.
// It returns the index in body where parsing stopped (a '}' ending a
// format spec, or len(body)).
func (p *parser) fstring(b *strBuilder, body string, off int, at Pos, raw bool, lvl int) int {
	i := 0
	tr := &posTracker{body: body, at: at, p: at}
	pos := tr.pos
	for i < len(body) {
		// Literal part up to a brace.
		litStart := i
		for i < len(body) {
			c := body[i]
			if !raw && c == '\\' && i+1 < len(body) {
				if body[i+1] == '{' || body[i+1] == '}' {
					// "\{": the backslash stays literal, the brace opens a field.
					i++
					break
				}
				if body[i+1] == 'N' && i+2 < len(body) && body[i+2] == '{' {
					if e := strings.IndexByte(body[i:], '}'); e > 0 {
						i += e + 1
						continue
					}
				}
				i += 2
				continue
			}
			if c == '{' || c == '}' {
				break
			}
			i++
		}
		lit := body[litStart:i]
		if lit != "" {
			b.buf.WriteString(p.decode(lit, pos(litStart), strPrefix{raw: raw}))
		}
		if i >= len(body) {
			break
		}
		c := body[i]
		if lvl == 0 && i+1 < len(body) && body[i+1] == c {
			b.buf.WriteByte(c)
			i += 2
			continue
		}
		if c == '}' {
			if lvl > 0 {
				return i
			}
			p.fail(p.strErrPos(), "f-string: single '}' is not allowed")
		}
		i = p.fstringField(b, body, off, tr, raw, lvl, i)
	}
	return i
}

// fstringField parses one `{expr[=][!c][:spec]}` field starting at body[i]
// == '{' and returns the index after its closing brace.
func (p *parser) fstringField(b *strBuilder, body string, off int, tr *posTracker, raw bool, lvl int, i int) int {
	pos := tr.pos
	if lvl >= 2 {
		p.fail(p.strErrPos(), "f-string: expressions nested too deeply")
	}
	openPos := pos(i)
	i++
	exprStart := i
	// Find the end of the expression, skipping nested brackets and strings.
	var stack []byte
	var quote byte
	quoteLen := 0
	for ; i < len(body); i++ {
		c := body[i]
		if c == '\\' {
			p.fail(p.strErrPos(), "f-string expression part cannot include a backslash")
		}
		if quote != 0 {
			if c == quote && (quoteLen == 1 || (i+2 < len(body) && body[i+1] == quote && body[i+2] == quote)) {
				i += quoteLen - 1
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote, quoteLen = c, 1
			if i+2 < len(body) && body[i+1] == c && body[i+2] == c {
				quoteLen = 3
				i += 2
			}
			continue
		case '(', '[', '{':
			if len(stack) >= maxNesting {
				p.fail(p.strErrPos(), "f-string: too many nested parenthesis")
			}
			stack = append(stack, c)
			continue
		case ')', ']', '}':
			if len(stack) == 0 {
				if c == '}' {
					goto done
				}
				p.fail(p.strErrPos(), "f-string: unmatched '%c'", c)
			}
			o := stack[len(stack)-1]
			if closing[string(o)] != string(c) {
				p.fail(p.strErrPos(), "f-string: closing parenthesis '%c' does not match opening parenthesis '%c'", c, o)
			}
			stack = stack[:len(stack)-1]
			continue
		case '#':
			p.fail(p.strErrPos(), "f-string expression part cannot include '#'")
		}
		if len(stack) > 0 {
			continue
		}
		next := byte(0)
		if i+1 < len(body) {
			next = body[i+1]
		}
		switch c {
		case '!', '=', '<', '>':
			if next == '=' {
				i++
				continue
			}
			if c == '<' || c == '>' {
				continue
			}
			goto done
		case ':':
			goto done
		}
	}
done:
	if quote != 0 {
		p.fail(p.strErrPos(), "f-string: unterminated string")
	}
	if i >= len(body) {
		if len(stack) > 0 {
			p.fail(p.strErrPos(), "f-string: unmatched '%c'", stack[len(stack)-1])
		}
		p.fail(p.strErrPos(), "f-string: expecting '}'")
	}
	exprText := body[exprStart:i]
	if strings.Trim(exprText, " \t\n\r\f") == "" {
		p.fail(p.strErrPos(), "f-string: empty expression not allowed")
	}
	x := p.subExpr(off+exprStart, off+i, pos(exprStart))
	fv := &FormattedValue{Value: x}
	explicit := false
	if body[i] == '=' {
		i++
		for i < len(body) && strings.IndexByte(" \t\n\r\f", body[i]) >= 0 {
			i++
		}
		b.buf.WriteString(normalizeNewlines(body[exprStart:i]))
		if i >= len(body) {
			p.fail(p.strErrPos(), "f-string: expecting '}'")
		}
		fv.Conversion = 'r'
	}
	if body[i] == '!' {
		i++
		if i >= len(body) {
			p.fail(p.strErrPos(), "f-string: expecting '}'")
		}
		switch body[i] {
		case 's', 'r', 'a':
			fv.Conversion = rune(body[i])
			explicit = true
		default:
			p.fail(p.strErrPos(), "f-string: invalid conversion character: expected 's', 'r', or 'a'")
		}
		i++
		if i >= len(body) || (body[i] != ':' && body[i] != '}') {
			p.fail(p.strErrPos(), "f-string: expecting '}'")
		}
	}
	if body[i] == ':' {
		if !explicit {
			fv.Conversion = 0 // a debug field with a format spec uses format(), not repr()
		}
		i++
		var spec strBuilder
		spec.fstr = true
		n := p.fstring(&spec, body[i:], off+i, pos(i), raw, lvl+1)
		spec.flush()
		i += n
		js := &JoinedStr{Span: Span{openPos, pos(i)}, Values: spec.parts}
		if js.Values == nil {
			js.Values = []Expr{}
		}
		for _, part := range js.Values {
			if c, ok := part.(*Constant); ok {
				c.Span = js.Span
			}
		}
		fv.FormatSpec = js
	}
	if i >= len(body) || body[i] != '}' {
		p.fail(p.strErrPos(), "f-string: expecting '}'")
	}
	i++
	fv.Span = Span{openPos, pos(i)}
	b.flush()
	b.parts = append(b.parts, fv)
	return i
}

// posTracker converts byte indexes of a literal body into positions,
// walking forward from the last query so that long f-strings stay linear.
type posTracker struct {
	body string
	at   Pos // position of body[0]
	k    int // index of the last query
	p    Pos // its position
}

func (t *posTracker) pos(k int) Pos {
	if k < t.k {
		t.k, t.p = 0, t.at
	}
	t.p = advancePos(t.p, t.body[t.k:k])
	t.k = k
	return t.p
}

// subExpr parses the source slice [from, to) as the inside of parentheses,
// which is how CPython 3.11 compiles f-string fields.
func (p *parser) subExpr(from, to int, at Pos) Expr {
	if p.depth+50 > maxDepth {
		p.fail(at, "expression too deeply nested")
	}
	sub := &parser{src: p.src, opts: p.opts, depth: p.depth + 1, lambdas: p.lambdas}
	defer func() {
		// CPython 3.11 prefixes errors inside f-string fields.
		if r := recover(); r != nil {
			if b, ok := r.(bailout); ok && !strings.HasPrefix(b.err.Msg, "f-string") {
				b.err.Msg = "f-string: " + b.err.Msg
			}
			panic(r)
		}
	}()
	sub.lx = newLexer(p.src, at, to, p.opts.Py2, true)
	defer func() {
		if sub.lateErr != nil {
			p.late(sub.lateErr.Pos, "%s", sub.lateErr.Msg)
		}
	}()
	if t := *sub.tok(); t.kind == tName && t.val == "yield" {
		sub.advance()
		p.late(t.pos, "'yield' outside function")
		if sub.tok().kind != tEOF {
			sub.expressions()
		}
		return &Constant{Span: Span{t.pos, sub.prevEnd()}, Kind: ConstNone}
	}
	first := sub.starNamedExpr()
	var x Expr = first
	switch {
	case sub.isKw("for"):
		if _, ok := first.(*Starred); ok {
			sub.fail(first.Pos(), "iterable unpacking cannot be used in comprehension")
		}
		gens := sub.comprehension()
		x = &GeneratorExp{Span: Span{first.Pos(), sub.prevEnd()}, Elt: first, Generators: gens}
	case sub.is(","):
		elts := []Expr{first}
		for sub.is(",") {
			sub.advance()
			if sub.tok().kind == tEOF {
				break
			}
			elts = append(elts, sub.starNamedExpr())
		}
		x = &Tuple{Span: Span{first.Pos(), sub.prevEnd()}, Elts: elts}
	default:
		if _, ok := first.(*Starred); ok {
			sub.fail(first.Pos(), "f-string: cannot use starred expression here")
		}
	}
	if sub.tok().kind != tEOF {
		sub.unexpected()
	}
	return x
}
