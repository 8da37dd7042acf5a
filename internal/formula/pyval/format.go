package pyval

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The format-spec mini-language (format(), str.format, f-strings), after
// CPython 3.11's Python/formatter_unicode.c: parsing, validation messages,
// grouping with zero padding, alignment and the float presentation types.

type fmtSpec struct {
	fill      string
	align     byte // 0, '<', '>', '^', '='
	sign      byte // 0, '+', '-', ' '
	noNeg0    bool
	alt       bool
	width     int // -1: absent
	sep       byte
	sepSeen   bool
	prec      int // -1: absent
	typ       rune
	fillGiven bool
}

// FormatValue is format(v, spec).
func FormatValue(ctx *Context, v Value, spec string) (string, error) {
	if spec == "" {
		return ToStr(ctx, v)
	}
	switch v.K {
	case IntKind, BoolKind, BigKind, FloatKind, StrKind:
	case ObjectKind:
		if f, ok := v.O.(interface {
			Format(*Context, string) (string, error)
		}); ok {
			return f.Format(ctx, spec)
		}
		fallthrough
	default:
		if ctx.py2() {
			// Python 2's object.__format__ formats str(self) with the spec.
			s, err := ToStr(ctx, v)
			if err != nil {
				return "", err
			}
			return FormatValue(ctx, Str(s), spec)
		}
		return "", typeError("unsupported format string passed to " + typeName(ctx, v) + ".__format__")
	}
	defAlign := byte('>')
	if v.K == StrKind {
		defAlign = '<'
	}
	fs, err := parseSpec(ctx, spec, defAlign, v)
	if err != nil {
		return "", err
	}
	switch v.K {
	case StrKind:
		return formatStrSpec(ctx, v.String(), fs)
	case FloatKind:
		return formatFloatSpec(ctx, v.Float64(), fs)
	}
	return formatIntSpec(ctx, v, fs)
}

func unknownCode(ctx *Context, typ rune, v Value) error {
	if typ > 32 && typ < 128 {
		return valueError("Unknown format code '" + string(typ) + "' for object of type '" + typeName(ctx, v) + "'")
	}
	return valueError("Unknown format code '\\x" + strconv.FormatInt(int64(typ), 16) + "' for object of type '" + typeName(ctx, v) + "'")
}

func isAlign(r rune) bool { return r == '<' || r == '>' || r == '^' || r == '=' }

func parseSpec(ctx *Context, spec string, defAlign byte, v Value) (fmtSpec, error) {
	fs := fmtSpec{fill: " ", align: defAlign, width: -1, prec: -1}
	rs := []rune(spec)
	pos, end := 0, len(rs)
	alignGiven := false
	if end-pos >= 2 && isAlign(rs[1]) {
		fs.align, fs.fill = byte(rs[1]), string(rs[0])
		fs.fillGiven, alignGiven = true, true
		pos = 2
	} else if end-pos >= 1 && isAlign(rs[0]) {
		fs.align = byte(rs[0])
		alignGiven = true
		pos = 1
	}
	if pos < end && (rs[pos] == '+' || rs[pos] == '-' || rs[pos] == ' ') {
		fs.sign = byte(rs[pos])
		pos++
	}
	if pos < end && rs[pos] == 'z' {
		fs.noNeg0 = true
		pos++
	}
	if pos < end && rs[pos] == '#' {
		fs.alt = true
		pos++
	}
	if !fs.fillGiven && pos < end && rs[pos] == '0' {
		fs.fill = "0"
		if !alignGiven && defAlign == '>' {
			fs.align = '='
		}
		pos++
	}
	n, consumed, err := specInt(rs, &pos)
	if err != nil {
		return fs, err
	}
	if consumed > 0 {
		fs.width = n
	}
	if pos < end && rs[pos] == ',' {
		fs.sep, fs.sepSeen = ',', true
		pos++
	}
	if pos < end && rs[pos] == '_' {
		if fs.sepSeen {
			return fs, valueError("Cannot specify both ',' and '_'.")
		}
		fs.sep, fs.sepSeen = '_', true
		pos++
	}
	if pos < end && rs[pos] == ',' && fs.sep == '_' {
		return fs, valueError("Cannot specify both ',' and '_'.")
	}
	if pos < end && rs[pos] == '.' {
		pos++
		n, consumed, err := specInt(rs, &pos)
		if err != nil {
			return fs, err
		}
		if consumed == 0 {
			return fs, valueError("Format specifier missing precision")
		}
		fs.prec = n
	}
	if end-pos > 1 {
		return fs, valueError("Invalid format specifier '" + spec + "' for object of type '" + typeName(ctx, v) + "'")
	}
	if end-pos == 1 {
		fs.typ = rs[pos]
	} else {
		switch v.K {
		case StrKind:
			fs.typ = 's'
		case IntKind, BoolKind, BigKind:
			fs.typ = 'd'
		}
	}
	if fs.sepSeen {
		switch fs.typ {
		case 'd', 'e', 'f', 'g', 'E', 'G', '%', 'F', 0:
		case 'b', 'o', 'x', 'X':
			if fs.sep == '_' {
				break
			}
			fallthrough
		default:
			t := fs.typ
			if t == 0 {
				t = 's'
			}
			if t > 32 && t < 128 {
				return fs, valueError("Cannot specify '" + string(rune(fs.sep)) + "' with '" + string(t) + "'.")
			}
			return fs, valueError("Cannot specify '" + string(rune(fs.sep)) + "' with '\\x" + strconv.FormatInt(int64(t), 16) + "'.")
		}
	}
	return fs, nil
}

func specInt(rs []rune, pos *int) (n, consumed int, err error) {
	for *pos < len(rs) && rs[*pos] >= '0' && rs[*pos] <= '9' {
		if n > (math.MaxInt64-9)/10 {
			return 0, 0, valueError("Too many decimal digits in format string")
		}
		n = n*10 + int(rs[*pos]-'0')
		*pos++
		consumed++
	}
	return n, consumed, nil
}

func formatStrSpec(ctx *Context, s string, fs fmtSpec) (string, error) {
	if fs.typ != 0 && fs.typ != 's' {
		return "", unknownCode(ctx, fs.typ, Str(s))
	}
	switch {
	case fs.sign == ' ':
		return "", valueError("Space not allowed in string format specifier")
	case fs.sign != 0:
		return "", valueError("Sign not allowed in string format specifier")
	case fs.noNeg0:
		return "", valueError("Negative zero coercion (z) not allowed in string format specifier")
	case fs.alt:
		return "", valueError("Alternate form (#) not allowed in string format specifier")
	case fs.align == '=':
		return "", valueError("'=' alignment not allowed in string format specifier")
	}
	if fs.prec >= 0 {
		s = truncRunes(s, fs.prec, false)
	}
	if err := ctx.CheckSize(max(0, fs.width)); err != nil {
		return "", err
	}
	return alignText(s, strLen(s), fs), nil
}

// alignText pads s (n code points) to the width with the fill character.
func alignText(s string, n int, fs fmtSpec) string {
	if fs.width <= n {
		return s
	}
	if fs.width > DefaultMaxSize {
		fs.width = n // callers check the width first; never allocate wildly
	}
	pad := fs.width - n
	left, right := 0, 0
	switch fs.align {
	case '<':
		right = pad
	case '^':
		left = pad / 2
		right = pad - left
	default:
		left = pad
	}
	return strings.Repeat(fs.fill, left) + s + strings.Repeat(fs.fill, right)
}

func formatIntSpec(ctx *Context, v Value, fs fmtSpec) (string, error) {
	switch fs.typ {
	case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		f, err := intToFloat(ctx, v)
		if err != nil {
			return "", err
		}
		return formatFloatSpec(ctx, f, fs)
	case 0, 'd', 'n', 'b', 'o', 'x', 'X', 'c':
	default:
		return "", unknownCode(ctx, fs.typ, v)
	}
	if fs.prec >= 0 {
		return "", valueError("Precision not allowed in integer format specifier")
	}
	if fs.noNeg0 {
		return "", valueError("Negative zero coercion (z) not allowed in integer format specifier")
	}
	b := BigOf(v)
	if fs.typ == 'c' {
		if fs.sign != 0 {
			return "", valueError("Sign not allowed with integer format specifier 'c'")
		}
		if fs.alt {
			return "", valueError("Alternate form (#) not allowed with integer format specifier 'c'")
		}
		if !b.IsInt64() {
			return "", overflowError("Python int too large to convert to C long")
		}
		if b.Int64() < 0 || b.Int64() > 0x10ffff {
			return "", overflowError("%c arg not in range(0x110000)")
		}
		ch := string(rune(b.Int64()))
		fs.sep = 0
		return layoutNumber(ctx, "", "", ch, "", fs, 0)
	}
	neg := b.Sign() < 0
	abs := new(big.Int).Abs(b)
	var digits, prefix string
	group := 3
	switch fs.typ {
	case 'b':
		digits, prefix, group = abs.Text(2), "0b", 4
	case 'o':
		digits, prefix, group = abs.Text(8), "0o", 4
	case 'x':
		digits, prefix, group = abs.Text(16), "0x", 4
	case 'X':
		digits, prefix, group = strings.ToUpper(abs.Text(16)), "0X", 4
	default:
		s, err := intString(ctx, abs)
		if err != nil {
			return "", err
		}
		digits = s
	}
	if !fs.alt {
		prefix = ""
	}
	sign := numSign(neg, fs.sign)
	return layoutNumber(ctx, sign, prefix, digits, "", fs, group)
}

func numSign(neg bool, sign byte) string {
	switch {
	case neg:
		return "-"
	case sign == '+':
		return "+"
	case sign == ' ':
		return " "
	}
	return ""
}

func formatFloatSpec(ctx *Context, f float64, fs fmtSpec) (string, error) {
	typ := fs.typ
	switch typ {
	case 0, 'e', 'E', 'f', 'F', 'g', 'G', 'n', '%':
	default:
		return "", unknownCode(ctx, typ, Float(f))
	}
	prec := fs.prec
	addDot0 := false
	code := byte(typ)
	defPrec := 6
	if typ == 0 {
		addDot0 = true
		code = 'r'
		defPrec = 0
		if ctx.py2() {
			// Python 2: 'g' at str()'s 12 digits (PyFloat_STR_PRECISION).
			code, defPrec = 'g', 12
		}
	}
	if typ == 'n' {
		code = 'g'
	}
	pct := false
	if typ == '%' {
		code = 'f'
		f *= 100
		pct = true
	}
	if prec < 0 {
		prec = defPrec
	} else if code == 'r' {
		code = 'g'
	}
	if prec > ctx.maxSize() {
		return "", ctx.CheckSize(prec)
	}
	neg := math.Signbit(f) && !math.IsNaN(f)
	body := formatFloat(math.Abs(f), code, prec, fs.alt, addDot0)
	if fs.noNeg0 && neg && allZeroDigits(body) {
		neg = false
	}
	// Split the leading digits (grouped, zero-padded) from the remainder.
	i := 0
	for i < len(body) && body[i] >= '0' && body[i] <= '9' {
		i++
	}
	digits, rest := body[:i], body[i:]
	if pct {
		rest += "%"
	}
	return layoutNumber(ctx, numSign(neg, fs.sign), "", digits, rest, fs, 3)
}

// allZeroDigits reports whether the mantissa digits of a formatted float are
// all zero (so that "z" drops the sign of a negative zero result).
func allZeroDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 'e' || c == 'E' {
			break
		}
		if c >= '1' && c <= '9' || c == 'n' || c == 'i' || c == 'N' || c == 'I' {
			return false
		}
	}
	return true
}

// layoutNumber assembles sign, prefix, (grouped) digits and remainder and
// pads to the width like CPython's calc_number_widths/fill_number. Digits
// are grouped every group digits (0: never, as for 'c').
func layoutNumber(ctx *Context, sign, prefix, digits, rest string, fs fmtSpec, group int) (string, error) {
	if err := ctx.CheckSize(max(0, fs.width)); err != nil {
		return "", err
	}
	minWidth := 0
	if fs.fill == "0" && fs.align == '=' && fs.width > 0 {
		minWidth = fs.width - len(sign) - len(prefix) - strLen(rest)
	}
	if group > 0 && digits != "" {
		sep := ""
		if fs.sep != 0 {
			sep = string(rune(fs.sep))
		}
		digits = groupDigits(digits, minWidth, sep, group)
	}
	body := digits + rest
	n := len(sign) + len(prefix) + utf8.RuneCountInString(body)
	if fs.width <= n {
		return sign + prefix + body, nil
	}
	pad := fs.width - n
	if fs.align == '=' {
		return sign + prefix + strings.Repeat(fs.fill, pad) + body, nil
	}
	return alignText(sign+prefix+body, n, fs), nil
}

// groupDigits inserts the thousands separator every size digits from the
// right and pads with zeros to minWidth, like
// _PyUnicode_InsertThousandsGrouping.
func groupDigits(digits string, minWidth int, sep string, size int) string {
	if sep == "" {
		if minWidth > len(digits) {
			return strings.Repeat("0", minWidth-len(digits)) + digits
		}
		return digits
	}
	var pieces []string // right to left
	remaining := len(digits)
	mw := max(0, minWidth)
	useSep := false
	for {
		l := min(size, max(max(remaining, mw), 1))
		nZeros := max(0, l-remaining)
		nChars := max(0, min(remaining, l))
		if useSep {
			pieces = append(pieces, sep)
		}
		pieces = append(pieces, strings.Repeat("0", nZeros)+digits[remaining-nChars:remaining])
		useSep = true
		remaining -= nChars
		mw -= l
		if remaining <= 0 && mw <= 0 {
			break
		}
		mw -= len(sep)
	}
	var sb strings.Builder
	for i := len(pieces) - 1; i >= 0; i-- {
		sb.WriteString(pieces[i])
	}
	return sb.String()
}
