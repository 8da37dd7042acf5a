package pyval

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// printf-style formatting: str % args and bytes % args, following CPython
// 3.11's PyUnicode_Format / _PyBytes_FormatEx (argument fetching order,
// flags, error messages).

type pctSpec struct {
	minus, plus, space, alt, zero bool
	width, prec                   int // -1: absent
}

type pctState struct {
	ctx    *Context
	bytes  bool
	args   []Value // tuple items (nil for a single argument)
	arg0   Value   // the single non-tuple argument
	argi   int
	single bool // the argument is arg0 (nargs() == 1)
	dict   Value
	hasMap bool
}

// nargs is the number of positional arguments.
func (st *pctState) nargs() int {
	if st.single {
		return 1
	}
	return len(st.args)
}

func (st *pctState) next() (Value, error) {
	if st.argi >= st.nargs() {
		return Value{}, typeError("not enough arguments for format string")
	}
	st.argi++
	if st.single {
		return st.arg0, nil
	}
	return st.args[st.argi-1], nil
}

// isMapping mirrors PyMapping_Check for the %(key) forms: anything
// subscriptable except tuples and strings.
func isMapping(v Value) bool {
	switch v.K {
	case DictKind, ListKind, BytesKind, RangeKind:
		return true
	case ObjectKind:
		_, ok := v.O.(interface {
			GetItem(*Context, Value) (Value, error)
		})
		return ok
	}
	return false
}

// PercentFormat is format % args for a str (or, with bytes set, a bytes)
// format string.
func PercentFormat(ctx *Context, format string, args Value, bytes bool) (string, error) {
	return percentFormat(ctx, format, args, bytes)
}

func percentFormat(ctx *Context, format string, args Value, bytes bool) (string, error) {
	st := pctState{ctx: ctx, bytes: bytes}
	if args.K == TupleKind {
		st.args = args.O.(*Tuple).Items
	} else {
		st.arg0 = args // no []Value: formatting one value does not allocate for it
		st.single = true
	}
	if args.K != TupleKind && args.K != StrKind && !(bytes && args.K == BytesKind) && isMapping(args) {
		st.dict, st.hasMap = args, true
	}
	var out pctOut
	pos := 0 // code point index, for error messages
	for i := 0; i < len(format); {
		c := format[i]
		if c != '%' {
			j := strings.IndexByte(format[i:], '%')
			if j < 0 {
				j = len(format) - i
			}
			out.write(format[i:i+j], len(format))
			if bytes {
				pos += j
			} else {
				pos += utf8.RuneCountInString(format[i : i+j])
			}
			i += j
			continue
		}
		i++
		pos++
		if i < len(format) && format[i] == '%' {
			out.write("%", len(format))
			i++
			pos++
			continue
		}
		var arg Value
		haveArg := false
		// %(key)
		if i < len(format) && format[i] == '(' {
			if !st.hasMap {
				return "", typeError("format requires a mapping")
			}
			depth, j := 1, i+1
			for ; j < len(format) && depth > 0; j++ {
				switch format[j] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			if depth > 0 {
				return "", valueError("incomplete format key")
			}
			key := format[i+1 : j-1]
			pos += utf8.RuneCountInString(format[i:j])
			i = j
			var kv Value
			if bytes {
				kv = Bytes(key)
			} else {
				kv = Str(key)
			}
			v, err := GetItem(ctx, st.dict, kv)
			if err != nil {
				return "", err
			}
			arg, haveArg = v, true
			st.args, st.argi, st.single = nil, 0, false
		}
		sp := pctSpec{width: -1, prec: -1}
	flags:
		for i < len(format) {
			switch format[i] {
			case '-':
				sp.minus = true
			case '+':
				sp.plus = true
			case ' ':
				sp.space = true
			case '#':
				sp.alt = true
			case '0':
				sp.zero = true
			default:
				break flags
			}
			i++
			pos++
		}
		// width
		if i < len(format) && format[i] == '*' {
			v, err := st.next()
			if err != nil {
				return "", err
			}
			if !isInt(v) {
				return "", typeError("* wants int")
			}
			if v.K == BigKind {
				return "", overflowError("Python int too large to convert to C ssize_t")
			}
			w := int64(v.N)
			if w < 0 {
				sp.minus = true
				w = -w
			}
			sp.width = int(min(w, math.MaxInt32))
			i++
			pos++
		} else {
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				if sp.width < 0 {
					sp.width = 0
				}
				sp.width = sp.width*10 + int(format[i]-'0')
				if sp.width > math.MaxInt64/10 {
					return "", valueError("width too big")
				}
				i++
				pos++
			}
		}
		// precision
		if i < len(format) && format[i] == '.' {
			i++
			pos++
			sp.prec = 0
			if i < len(format) && format[i] == '*' {
				v, err := st.next()
				if err != nil {
					return "", err
				}
				if !isInt(v) {
					return "", typeError("* wants int")
				}
				if v.K == BigKind || int64(v.N) > math.MaxInt32 || int64(v.N) < math.MinInt32 {
					return "", overflowError("Python int too large to convert to C int")
				}
				sp.prec = int(max(0, min(int64(v.N), math.MaxInt32)))
				i++
				pos++
			} else {
				for i < len(format) && format[i] >= '0' && format[i] <= '9' {
					sp.prec = sp.prec*10 + int(format[i]-'0')
					if sp.prec > math.MaxInt64/10 {
						return "", valueError("precision too big")
					}
					i++
					pos++
				}
			}
		}
		if i < len(format) && (format[i] == 'h' || format[i] == 'l' || format[i] == 'L') {
			// One length modifier is skipped ("%ld"); "%lld" is refused.
			i++
			pos++
		}
		if i >= len(format) {
			return "", valueError("incomplete format")
		}
		conv, size := rune(format[i]), 1
		if !bytes && format[i] >= utf8.RuneSelf {
			conv, size = utf8.DecodeRuneInString(format[i:])
		}
		convPos := pos
		i += size
		pos++
		if conv == '%' && ctx.py2() {
			// Python 2: a '%' with flags or width takes no argument and
			// is padded with blanks ("%5%" is "    %").
			if err := ctx.CheckSize(out.len() + max(sp.width, 1)); err != nil {
				return "", err
			}
			pad := strings.Repeat(" ", max(sp.width-1, 0))
			if sp.minus {
				out.write("%"+pad, len(format))
			} else {
				out.write(pad+"%", len(format))
			}
			continue
		}
		if !haveArg {
			v, err := st.next()
			if err != nil {
				return "", err
			}
			arg = v
		}
		s, err := st.convert(conv, convPos, sp, arg)
		if err != nil {
			return "", err
		}
		if err := ctx.CheckSize(out.len() + len(s)); err != nil {
			return "", err
		}
		out.write(s, len(format))
	}
	if st.argi < st.nargs() && !st.hasMap {
		if bytes {
			return "", typeError("not all arguments converted during bytes formatting")
		}
		return "", typeError("not all arguments converted during string formatting")
	}
	return out.String(), nil
}

// pctOut collects the pieces of a % result; a result that is one piece
// ('%.3f' % x) is returned without copying it.
type pctOut struct {
	b     strings.Builder
	first string
	n     int
}

func (o *pctOut) write(s string, hint int) {
	switch o.n {
	case 0:
		o.first, o.n = s, 1
		return
	case 1:
		o.b.Grow(len(o.first) + len(s) + hint)
		o.b.WriteString(o.first)
		o.n = 2
	}
	o.b.WriteString(s)
}

func (o *pctOut) len() int {
	if o.n <= 1 {
		return len(o.first)
	}
	return o.b.Len()
}

func (o *pctOut) String() string {
	if o.n <= 1 {
		return o.first
	}
	return o.b.String()
}

// convert formats one argument.
func (st *pctState) convert(conv rune, convPos int, sp pctSpec, arg Value) (string, error) {
	ctx := st.ctx
	if sp.width > ctx.maxSize() || sp.prec > ctx.maxSize() {
		return "", ctx.CheckSize(max(sp.width, sp.prec))
	}
	switch conv {
	case 's', 'r', 'a':
		var s string
		var err error
		switch {
		case conv == 's' && st.bytes:
			if arg.K != BytesKind {
				return "", typeError("%b requires a bytes-like object, or an object that implements __bytes__, not '" + typeName(ctx, arg) + "'")
			}
			s = arg.String()
		case conv == 's':
			s, err = ToStr(ctx, arg)
		case conv == 'r' && !st.bytes:
			s, err = Repr(ctx, arg)
		default:
			s, err = Ascii(ctx, arg)
		}
		if err != nil {
			return "", err
		}
		if sp.prec >= 0 {
			s = truncRunes(s, sp.prec, st.bytes)
		}
		return pad(s, sp.width, sp.minus, st.bytes), nil
	case 'c':
		var s string
		switch {
		case isInt(arg):
			lim := int64(0x110000)
			if st.bytes {
				lim = 256
			}
			if arg.K == BigKind || int64(arg.N) < 0 || int64(arg.N) >= lim {
				if st.bytes {
					return "", overflowError("%c arg not in range(256)")
				}
				return "", overflowError("%c arg not in range(0x110000)")
			}
			if st.bytes {
				s = string([]byte{byte(arg.N)})
			} else {
				s = string(rune(arg.N))
			}
		case !st.bytes && arg.K == StrKind && utf8.RuneCountInString(arg.String()) == 1:
			s = arg.String()
		case st.bytes && arg.K == BytesKind && len(arg.String()) == 1:
			s = arg.String()
		default:
			if st.bytes {
				return "", typeError("%c requires an integer in range(256) or a single byte")
			}
			return "", typeError("%c requires int or char")
		}
		return pad(s, sp.width, sp.minus, st.bytes), nil
	case 'd', 'i', 'u', 'x', 'X', 'o':
		var n Value
		switch {
		case isInt(arg):
			n = arg
		case arg.K == FloatKind && (conv == 'd' || conv == 'i' || conv == 'u' || ctx.py2()):
			// Python 2 truncates floats for %x and %o too, and reports
			// inf and nan as a TypeError.
			v, err := floatToInt(arg.Float64())
			if err != nil {
				if ctx.py2() {
					return "", typeError("%" + string(conv) + " format: a number is required, not float")
				}
				return "", err
			}
			n = v
		case conv == 'd' || conv == 'i' || conv == 'u':
			if ctx.py2() {
				return "", typeError("%" + string(conv) + " format: a number is required, not " + typeName(ctx, arg))
			}
			return "", typeError("%" + string(conv) + " format: a real number is required, not " + typeName(ctx, arg))
		default:
			return "", typeError("%" + string(conv) + " format: an integer is required, not " + typeName(ctx, arg))
		}
		return formatIntPct(ctx, n, conv, sp)
	case 'e', 'E', 'f', 'F', 'g', 'G':
		var f float64
		switch {
		case arg.K == FloatKind:
			f = arg.Float64()
		case isInt(arg):
			x, err := intToFloat(ctx, arg)
			if err != nil && ctx.py2() {
				// Python 2 reports the failed float() as a wrong type.
				return "", typeError("float argument required, not " + typeName(ctx, arg))
			}
			if err != nil {
				return "", err
			}
			f = x
		default:
			if ctx.py2() || st.bytes {
				return "", typeError("float argument required, not " + typeName(ctx, arg))
			}
			return "", typeError("must be real number, not " + typeName(ctx, arg))
		}
		prec := sp.prec
		if prec < 0 {
			prec = 6
		}
		body := formatFloat(math.Abs(f), byte(conv), prec, sp.alt, false)
		return padNumber(signOf(math.Signbit(f) && !math.IsNaN(f), sp), "", body, sp), nil
	}
	ch := '?'
	if conv > 32 && conv < 127 {
		ch = conv
	}
	return "", valueError("unsupported format character '" + string(ch) + "' (0x" + strconv.FormatInt(int64(conv), 16) + ") at index " + strconv.Itoa(convPos))
}

func signOf(neg bool, sp pctSpec) string {
	switch {
	case neg:
		return "-"
	case sp.plus:
		return "+"
	case sp.space:
		return " "
	}
	return ""
}

// formatIntPct formats an int for %d %i %u %x %X %o.
func formatIntPct(ctx *Context, n Value, conv rune, sp pctSpec) (string, error) {
	b := BigOf(n)
	neg := b.Sign() < 0
	abs := new(big.Int).Abs(b)
	var digits, prefix string
	switch conv {
	case 'x', 'X':
		digits = abs.Text(16)
		if sp.alt {
			prefix = "0x"
		}
		if conv == 'X' {
			digits = strings.ToUpper(digits)
			prefix = strings.ToUpper(prefix)
		}
	case 'o':
		digits = abs.Text(8)
		if sp.alt {
			prefix = "0o"
		}
	default:
		s, err := intString(ctx, abs)
		if err != nil {
			return "", err
		}
		digits = s
	}
	if sp.prec > len(digits) {
		digits = strings.Repeat("0", sp.prec-len(digits)) + digits
	}
	if ctx.py2() && sp.prec == 0 && abs.Sign() == 0 && n.K != BigKind {
		// Python 2 formats an int with C's printf: precision 0 prints
		// no digit for a zero.
		digits = ""
	}
	if conv == 'o' && sp.alt && ctx.py2() {
		// Python 2's alternate octal form is a leading 0, added only
		// when the digits do not already start with one.
		prefix = ""
		if digits == "" || digits[0] != '0' {
			prefix = "0"
		}
	}
	return padNumber(signOf(neg, sp), prefix, digits, sp), nil
}

// padNumber lays out sign, prefix and digits in the field width.
func padNumber(sign, prefix, body string, sp pctSpec) string {
	n := len(sign) + len(prefix) + len(body)
	if sp.width <= n {
		return sign + prefix + body
	}
	fill := sp.width - n
	switch {
	case sp.minus:
		return sign + prefix + body + strings.Repeat(" ", fill)
	case sp.zero:
		return sign + prefix + strings.Repeat("0", fill) + body
	}
	return strings.Repeat(" ", fill) + sign + prefix + body
}

// pad right-aligns s in width (left-aligns with minus), counting code
// points for str.
func pad(s string, width int, minus, bytes bool) string {
	n := len(s)
	if !bytes {
		n = strLen(s)
	}
	if width <= n {
		return s
	}
	if minus {
		return s + strings.Repeat(" ", width-n)
	}
	return strings.Repeat(" ", width-n) + s
}

// truncRunes keeps the first n code points (bytes for bytes).
func truncRunes(s string, n int, bytes bool) string {
	if bytes || isASCII(s) {
		if n < len(s) {
			return s[:n]
		}
		return s
	}
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// Ascii is ascii(v): repr(v) with non-ASCII characters escaped.
func Ascii(ctx *Context, v Value) (string, error) {
	s, err := Repr(ctx, v)
	if err != nil || isASCII(s) {
		return s, err
	}
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			sb.WriteRune(r)
		case r < 0x100:
			sb.WriteString(`\x`)
			writeHex(&sb, uint32(r), 2)
		case r < 0x10000:
			sb.WriteString(`\u`)
			writeHex(&sb, uint32(r), 4)
		default:
			sb.WriteString(`\U`)
			writeHex(&sb, uint32(r), 8)
		}
	}
	return sb.String(), nil
}

// floatToInt is int(f): truncation, OverflowError for inf, ValueError for nan.
func floatToInt(f float64) (Value, error) {
	switch {
	case math.IsNaN(f):
		return Value{}, valueError("cannot convert float NaN to integer")
	case math.IsInf(f, 0):
		return Value{}, overflowError("cannot convert float infinity to integer")
	}
	t := math.Trunc(f)
	if t >= -(1<<63) && t < 1<<63 {
		return Int(int64(t)), nil
	}
	b, _ := new(big.Float).SetFloat64(t).Int(nil)
	return BigInt(b), nil
}
