package pylib

import (
	"math"
	"math/big"
	"strings"

	"chaoslab/internal/formula/pyval"
)

// Python 2's int(), long() and float() of a string (PyInt_FromString,
// PyLong_FromString, PyFloat_FromString in 2.7): a grammar of their own and
// messages of their own, which Python 3 changed.

// py2Space is C's isspace, what Python 2 skips around numbers.
const py2Space = " \t\n\v\f\r"

// parseIntPy2 parses int()/long() text as Python 2 does: whitespace also
// between the sign and the digits, base 0's leading-zero octal ("017" is
// 15), no underscores, and for long() one trailing L. It returns the base
// the digits were read in too (long()'s message names it), and a nil int
// for text that is not a number. Python 2 has no digit limit: the int's
// size is bounded before the (superlinear) conversion, as an arithmetic
// result's is.
func parseIntPy2(ctx *context, s string, base int, long bool) (*big.Int, int, error) {
	s = strings.TrimLeft(s, py2Space)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = strings.TrimLeft(s[1:], py2Space)
	}
	if base == 0 {
		switch {
		case len(s) < 2 || s[0] != '0':
			base = 10
		case s[1]|0x20 == 'x':
			base = 16
		case s[1]|0x20 == 'o':
			base = 8
		case s[1]|0x20 == 'b':
			base = 2
		default:
			base = 8 // "017": the old octal
		}
	}
	if len(s) >= 2 && s[0] == '0' {
		if p := s[1] | 0x20; p == 'x' && base == 16 || p == 'o' && base == 8 || p == 'b' && base == 2 {
			s = s[2:]
		}
	}
	end := 0
	for end < len(s) {
		// A byte: no Latin-1 character is a Unicode decimal digit.
		if d := digitVal(rune(s[end])); d < 0 || d >= base {
			break
		}
		end++
	}
	digits, rest := s[:end], s[end:]
	if long && rest != "" && rest[0]|0x20 == 'l' {
		rest = rest[1:]
	}
	if digits == "" || strings.TrimLeft(rest, py2Space) != "" {
		return nil, base, nil
	}
	if err := ctx.CheckIntBits(float64(len(digits)) * math.Log2(float64(base))); err != nil {
		return nil, base, err
	}
	b, ok := new(big.Int).SetString(digits, base)
	if !ok {
		return nil, base, nil
	}
	if neg {
		b.Neg(b)
	}
	return b, base, nil
}

// intErrPy2 is Python 2's ValueError for int(s, base) or long(s, base):
// the repr of at most 200 characters of the text, which int() shows from
// its first non-blank character, long() whole, and with the base its
// digits were read in.
func intErrPy2(ctx *context, s string, base, readBase int, long bool) error {
	fn := "int"
	if long {
		fn, base = "long", readBase
	} else {
		s = strings.TrimLeft(s, py2Space)
	}
	if len(s) > 200 {
		s = s[:200]
	}
	r, _ := pyval.Repr(ctx, pyval.Str(s))
	return valueErr("invalid literal for %s() with base %d: %s", fn, base, r)
}

// floatErrPy2 is Python 2's ValueError for float(s): "could not convert"
// when no number starts the text, "invalid literal" when one does and
// something follows it; the text after its leading blanks, at most 200
// bytes, not quoted.
func floatErrPy2(s string) error {
	s = strings.TrimLeft(s, py2Space)
	msg := "could not convert string to float: "
	if floatPrefix(s) > 0 {
		msg = "invalid literal for float(): "
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return valueErr("%s", msg+s)
}

// floatPrefix returns the length of the longest start of s that is a
// float literal as C's strtod reads one in Python 2 (sign, digits with one
// point, exponent; inf, infinity, nan), or 0.
func floatPrefix(s string) int {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for _, w := range []string{"infinity", "inf", "nan"} {
		if len(s)-i >= len(w) && strings.EqualFold(s[i:i+len(w)], w) {
			return i + len(w)
		}
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return 0
	}
	if i < len(s) && s[i]|0x20 == 'e' {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	return i
}
