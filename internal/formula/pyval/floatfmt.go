package pyval

import (
	"math"
	"strconv"
	"strings"
)

// Float to text, laid out like CPython's PyOS_double_to_string. strconv
// supplies correctly rounded digits (shortest or to a precision); the layout
// rules (when to use an exponent, ".0" suffixes, alternate forms) are
// Python's.

// floatRepr is repr(float) in Python 3 (and Python 2.7).
func floatRepr(f float64) string {
	return formatFloat(f, 'r', 0, false, true)
}

// floatStrPy2 is Python 2's str(float): 12 significant digits.
func floatStrPy2(f float64) string {
	return formatFloat(f, 'g', 12, false, true)
}

// formatFloat formats f with a format code of 'r' (shortest repr), 'e',
// 'f', 'g' (upper-case variants give upper-case output) and precision prec.
// alt is the '#' flag; addDot0 appends ".0" to integral fixed-point output
// (repr and str do, %g does not).
func formatFloat(f float64, code byte, prec int, alt, addDot0 bool) string {
	upper := code == 'E' || code == 'F' || code == 'G'
	if upper {
		code += 'a' - 'A'
	}
	var s string
	switch {
	case math.IsNaN(f):
		s = "nan"
	case math.IsInf(f, 1):
		s = "inf"
	case math.IsInf(f, -1):
		s = "-inf"
	default:
		s = formatFinite(f, code, prec, alt, addDot0)
	}
	if upper {
		s = strings.ToUpper(s)
	}
	return s
}

func formatFinite(f float64, code byte, prec int, alt, addDot0 bool) string {
	neg := math.Signbit(f)
	a := math.Abs(f)
	var out string
	switch code {
	case 'f':
		out = strconv.FormatFloat(a, 'f', prec, 64)
		if alt && prec == 0 {
			out += "."
		}
	case 'e':
		digits, decpt := floatDigits(a, prec+1)
		out = layoutExp(digits, decpt, alt)
	case 'g', 'r':
		var digits string
		var decpt int
		var useExp bool
		if code == 'r' {
			digits, decpt = floatDigits(a, -1)
			useExp = decpt <= -4 || decpt > 16
		} else {
			if prec == 0 {
				prec = 1
			}
			digits, decpt = floatDigits(a, prec)
			digits = strings.TrimRight(digits, "0")
			if digits == "" {
				digits = "0"
			}
			if addDot0 {
				useExp = decpt <= -4 || decpt > prec-1
			} else {
				useExp = decpt <= -4 || decpt > prec
			}
			if alt && len(digits) < prec {
				digits += strings.Repeat("0", prec-len(digits))
			}
		}
		if useExp {
			out = layoutExp(digits, decpt, alt)
		} else {
			out = layoutFixed(digits, decpt, alt, addDot0)
		}
	}
	if neg {
		return "-" + out
	}
	return out
}

// floatDigits returns the decimal digits of a >= 0 rounded to n significant
// digits (n < 0: shortest round-trip) and the decimal point position:
// a = 0.DIGITS * 10**decpt.
func floatDigits(a float64, n int) (string, int) {
	var buf [32]byte
	var b []byte
	if n < 0 {
		b = strconv.AppendFloat(buf[:0], a, 'e', -1, 64)
	} else {
		b = strconv.AppendFloat(buf[:0], a, 'e', n-1, 64)
	}
	// b is "d[.ddd]e±XX": collect the digits in place, parse the exponent.
	var dbuf [32]byte
	digits := dbuf[:0]
	i := 0
	for ; i < len(b) && b[i] != 'e'; i++ {
		if b[i] != '.' {
			digits = append(digits, b[i])
		}
	}
	exp, neg := 0, false
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '-':
			neg = true
		case c >= '0' && c <= '9':
			exp = exp*10 + int(c-'0')
		}
	}
	if neg {
		exp = -exp
	}
	if a == 0 {
		return string(digits), 1
	}
	return string(digits), exp + 1
}

func layoutExp(digits string, decpt int, alt bool) string {
	var sb strings.Builder
	sb.WriteByte(digits[0])
	if len(digits) > 1 || alt {
		sb.WriteByte('.')
		sb.WriteString(digits[1:])
	}
	exp := decpt - 1
	sb.WriteByte('e')
	if exp < 0 {
		sb.WriteByte('-')
		exp = -exp
	} else {
		sb.WriteByte('+')
	}
	if exp < 10 {
		sb.WriteByte('0')
	}
	sb.WriteString(strconv.Itoa(exp))
	return sb.String()
}

func layoutFixed(digits string, decpt int, alt, addDot0 bool) string {
	switch {
	case decpt <= 0:
		return "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		s := digits + strings.Repeat("0", decpt-len(digits))
		if addDot0 {
			return s + ".0"
		}
		if alt {
			return s + "."
		}
		return s
	}
	return digits[:decpt] + "." + digits[decpt:]
}
