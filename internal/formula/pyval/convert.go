package pyval

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// Conversions with the semantics of Python's float() and int()
// constructors, for pylib.

// ToFloat is float(v): ints (OverflowError past the float range), floats,
// and str/bytes in Python's float syntax (surrounding whitespace, PEP 515
// underscores between digits, inf/infinity/nan in any case).
func ToFloat(ctx *Context, v Value) (float64, error) {
	switch v.K {
	case FloatKind:
		return v.Float64(), nil
	case IntKind, BoolKind, BigKind:
		return intToFloat(ctx, v)
	case StrKind, BytesKind:
		s := v.String()
		t := asciiDigits(strings.TrimFunc(s, unicode.IsSpace))
		if f, ok := parsePyFloat(t); ok {
			if math.IsNaN(f) {
				// The sign of a NaN shows through copysign. Python 3 keeps
				// the written sign; Python 2 negates its Py_NAN, which is
				// x86's default NaN (sign bit set), so 'nan' is negative.
				neg := strings.HasPrefix(t, "-")
				if ctx.py2() {
					neg = !neg
				}
				f = math.Abs(f)
				if neg {
					f = -f
				}
			}
			return f, nil
		}
		r, err := Repr(ctx, v)
		if err != nil {
			return 0, err
		}
		return 0, valueError("could not convert string to float: " + r)
	}
	return 0, typeError("float() argument must be a string or a real number, not '" + typeName(ctx, v) + "'")
}

// parsePyFloat parses Python's float literal grammar (no hex).
func parsePyFloat(s string) (float64, bool) {
	body := s
	if body != "" && (body[0] == '+' || body[0] == '-') {
		body = body[1:]
	}
	switch strings.ToLower(body) {
	case "inf", "infinity":
		if s[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case "nan":
		return math.NaN(), true
	}
	// digitpart ['.' [digitpart]] | '.' digitpart, then [exponent]
	i := 0
	digits := func() int {
		start := i
		for i < len(body) {
			c := body[i]
			if c >= '0' && c <= '9' {
				i++
				continue
			}
			if c == '_' && i > start && i+1 < len(body) && body[i+1] >= '0' && body[i+1] <= '9' {
				i++
				continue
			}
			break
		}
		return i - start
	}
	n := digits()
	if i < len(body) && body[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return 0, false
	}
	if i < len(body) && (body[i] == 'e' || body[i] == 'E') {
		i++
		if i < len(body) && (body[i] == '+' || body[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0, false
		}
	}
	if i != len(body) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// ToInt is int(v) (base < 0) or int(v, base): truncation of floats
// (OverflowError for inf, ValueError for nan) and parsing of str/bytes with
// bases 0 and 2..36, prefixes, underscores and the 4300-digit limit.
func ToInt(ctx *Context, v Value, base int) (Value, error) {
	if base >= 0 && v.K != StrKind && v.K != BytesKind {
		return Value{}, typeError("int() can't convert non-string with explicit base")
	}
	switch v.K {
	case IntKind, BigKind:
		return v, nil
	case BoolKind:
		return Int(int64(v.N)), nil
	case FloatKind:
		return floatToInt(v.Float64())
	case StrKind, BytesKind:
		if base < 0 {
			base = 10
		}
		if base == 1 || base > 36 {
			return Value{}, valueError("int() base must be >= 2 and <= 36, or 0")
		}
		r, err := parsePyInt(asciiDigits(strings.TrimFunc(v.String(), unicode.IsSpace)), base)
		if err != nil {
			return Value{}, err
		}
		if r.K == Undefined {
			rep, err := Repr(ctx, v)
			if err != nil {
				return Value{}, err
			}
			// CPython's %.200R: the repr cut to 200 characters.
			return Value{}, valueError("invalid literal for int() with base " + strconv.Itoa(base) + ": " + TruncRunes(rep, 200))
		}
		return r, nil
	}
	return Value{}, typeError("int() argument must be a string, a bytes-like object or a real number, not '" + typeName(ctx, v) + "'")
}

// parsePyInt returns Undefined (and no error) for invalid literals.
func parsePyInt(s string, base int) (Value, error) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	prefixed := false
	if len(s) >= 2 && s[0] == '0' {
		p := s[1] | 0x20
		switch {
		case p == 'x' && (base == 16 || base == 0):
			base, prefixed = 16, true
		case p == 'o' && (base == 8 || base == 0):
			base, prefixed = 8, true
		case p == 'b' && (base == 2 || base == 0):
			base, prefixed = 2, true
		}
		if prefixed {
			s = s[2:]
		}
	}
	if base == 0 {
		// No prefix: decimal, and a leading zero only for zero itself.
		base = 10
		if strings.TrimLeft(strings.ReplaceAll(s, "_", ""), "0") != "" && strings.HasPrefix(s, "0") {
			return Value{}, nil
		}
	}
	// Underscores: single, between digits, or right after a prefix.
	if s == "" || s[len(s)-1] == '_' || (s[0] == '_' && !prefixed) || strings.Contains(s, "__") {
		return Value{}, nil
	}
	clean := strings.ReplaceAll(s, "_", "")
	for i := 0; i < len(clean); i++ {
		d := digitVal(clean[i])
		if d >= base {
			return Value{}, nil
		}
	}
	if base&(base-1) != 0 && len(clean) > MaxStrDigits {
		return Value{}, valueError("Exceeds the limit (4300 digits) for integer string conversion: value has " + strconv.Itoa(len(clean)) + " digits; use sys.set_int_max_str_digits() to increase the limit")
	}
	if len(clean) <= 18 && base <= 10 || len(clean) <= 15 {
		n, err := strconv.ParseInt(clean, base, 64)
		if err == nil {
			if neg {
				n = -n
			}
			return Int(n), nil
		}
	}
	b, ok := new(big.Int).SetString(clean, base)
	if !ok {
		return Value{}, nil
	}
	if neg {
		b.Neg(b)
	}
	return BigInt(b), nil
}

// asciiDigits replaces non-ASCII Unicode decimal digits (category Nd) by
// their ASCII equivalents, as CPython does before parsing numbers.
func asciiDigits(s string) string {
	if isASCII(s) {
		return s
	}
	var sb strings.Builder
	for _, r := range s {
		if r >= 0x80 && unicode.IsDigit(r) {
			start := r
			for unicode.IsDigit(start - 1) {
				start--
			}
			sb.WriteByte(byte('0' + (r-start)%10))
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// IntValue returns v as an int64 when it is an int or bool that fits.
func IntValue(v Value) (int64, bool) {
	if v.K == IntKind || v.K == BoolKind {
		return int64(v.N), true
	}
	return 0, false
}

// TruncRunes returns s cut to at most n characters, as C's "%.nR" and
// "%.nS" cut a repr or str in CPython's messages.
func TruncRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
