package syntax

import (
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// number scans a numeric literal following CPython 3.11's tokenizer rules
// (underscores, 0x/0o/0b, leading-zero rule, exponent, imaginary suffix),
// plus Python 2's long suffix and old-style octal in Python 2 mode.
func (lx *lexer) number(start Pos) token {
	c := lx.byteAt(lx.p.Offset)
	if c == '0' {
		switch lx.byteAt(lx.p.Offset+1) | 0x20 {
		case 'x':
			return lx.radix(start, 16, "hexadecimal")
		case 'o':
			return lx.radix(start, 8, "octal")
		case 'b':
			return lx.radix(start, 2, "binary")
		}
	}
	isFloat := false
	if c == '.' {
		lx.advance()
		lx.digits("decimal")
		isFloat = true
	} else {
		leadingZero := c == '0'
		lx.digits("decimal")
		intText := lx.src[start.Offset:lx.p.Offset]
		if lx.byteAt(lx.p.Offset) == '.' {
			lx.advance()
			if isDigit(lx.byteAt(lx.p.Offset)) {
				lx.digits("decimal")
			}
			isFloat = true
		}
		nonzero := strings.Trim(intText, "0_") != ""
		if !isFloat && leadingZero && nonzero && !lx.exponentFollows() && lx.byteAt(lx.p.Offset)|0x20 != 'j' {
			if !lx.py2 {
				lx.fail(start, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers")
			}
			// Python 2 octal such as 0777 or 0777L.
			for _, d := range intText {
				if d > '7' {
					lx.fail(start, "invalid digit '%c' in octal literal", d)
				}
			}
			lx.longSuffix()
			lx.verifyEnd("octal")
			v, _ := new(big.Int).SetString(strings.ReplaceAll(intText, "_", ""), 8)
			return lx.numTok(start, &Constant{Kind: ConstInt, Int: v})
		}
	}
	if lx.byteAt(lx.p.Offset)|0x20 == 'e' && (lx.byteAt(lx.p.Offset+1) == '+' || lx.byteAt(lx.p.Offset+1) == '-') && !isDigit(lx.byteAt(lx.p.Offset+2)) {
		lx.advance()
		lx.advance()
		lx.numFail("invalid decimal literal")
	}
	if lx.exponentFollows() {
		lx.advance()
		if c := lx.byteAt(lx.p.Offset); c == '+' || c == '-' {
			lx.advance()
		}
		lx.digits("decimal")
		isFloat = true
	}
	text := strings.ReplaceAll(lx.src[start.Offset:lx.p.Offset], "_", "")
	if lx.byteAt(lx.p.Offset)|0x20 == 'j' {
		lx.advance()
		lx.verifyEnd("imaginary")
		f, _ := strconv.ParseFloat(text, 64)
		return lx.numTok(start, &Constant{Kind: ConstImag, Float: f})
	}
	if isFloat {
		lx.verifyEnd("decimal")
		// Out-of-range values become ±Inf or 0, as in CPython.
		f, _ := strconv.ParseFloat(text, 64)
		return lx.numTok(start, &Constant{Kind: ConstFloat, Float: f})
	}
	lx.longSuffix()
	lx.verifyEnd("decimal")
	v, _ := new(big.Int).SetString(text, 10)
	return lx.numTok(start, &Constant{Kind: ConstInt, Int: v})
}

func (lx *lexer) numTok(start Pos, c *Constant) token {
	c.Span = Span{start, lx.p}
	return token{kind: tNumber, pos: start, end: lx.p, val: lx.src[start.Offset:lx.p.Offset], num: c}
}

// exponentFollows reports whether an exponent (e, optional sign, digit)
// starts at the current position. A bare 'e' is left for verifyEnd, which
// allows `1else` as CPython does.
func (lx *lexer) exponentFollows() bool {
	o := lx.p.Offset
	if lx.byteAt(o)|0x20 != 'e' {
		return false
	}
	o++
	if c := lx.byteAt(o); c == '+' || c == '-' {
		o++
	}
	return isDigit(lx.byteAt(o))
}

// longSuffix accepts Python 2's L suffix in Python 2 mode.
func (lx *lexer) longSuffix() {
	if lx.py2 && lx.byteAt(lx.p.Offset)|0x20 == 'l' {
		lx.advance()
	}
}

// digits scans digit ('_'? digit)*; the first digit must be present.
func (lx *lexer) digits(kind string) {
	if !isDigit(lx.byteAt(lx.p.Offset)) {
		lx.numFail("invalid " + kind + " literal")
	}
	for {
		c := lx.byteAt(lx.p.Offset)
		if isDigit(c) {
			lx.advance()
			continue
		}
		if c == '_' {
			lx.advance()
			if !isDigit(lx.byteAt(lx.p.Offset)) {
				lx.numFail("invalid " + kind + " literal")
			}
			continue
		}
		return
	}
}

// radix scans 0x, 0o and 0b literals.
func (lx *lexer) radix(start Pos, base int, kind string) token {
	lx.advance()
	lx.advance()
	for {
		if lx.byteAt(lx.p.Offset) == '_' {
			lx.advance()
		}
		c := lx.byteAt(lx.p.Offset)
		if digitVal(c) >= base {
			if isDigit(c) {
				lx.fail(lx.p, "invalid digit '%c' in %s literal", c, kind)
			}
			if lx.p.Offset == start.Offset+2 || lx.src[lx.p.Offset-1] == '_' {
				lx.numFail("invalid " + kind + " literal")
			}
			break
		}
		lx.advance()
	}
	text := strings.ReplaceAll(lx.src[start.Offset+2:lx.p.Offset], "_", "")
	lx.longSuffix()
	lx.verifyEnd(kind)
	v, _ := new(big.Int).SetString(text, base)
	return lx.numTok(start, &Constant{Kind: ConstInt, Int: v})
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return int(c|0x20-'a') + 10
	}
	return 99
}

// verifyEnd rejects a literal glued to a name (`10L` in Python 3, `1abc`)
// but, like CPython 3.11, lets keywords that can follow a number touch it
// (`1if x else 2`).
func (lx *lexer) verifyEnd(kind string) {
	// Only ASCII counts: CPython lets `1ü` tokenize as a number and a name.
	r, n := lx.peekRune()
	if n == 0 || r >= utf8.RuneSelf || !isIdentCont(r) {
		return
	}
	rest := lx.src[lx.p.Offset:lx.limit]
	for _, kw := range []string{"and", "else", "for", "if", "in", "is", "not", "or"} {
		if strings.HasPrefix(rest, kw) {
			return
		}
	}
	lx.numFail("invalid " + kind + " literal")
}

// numFail reports a malformed number at its last consumed character, as
// CPython's tokenizer does (so `10L` points at the 0).
func (lx *lexer) numFail(msg string) {
	p := lx.p
	p.Offset--
	p.Col--
	lx.fail(p, "%s", msg)
}
