package pyval

import (
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxStrDigits is CPython 3.11's default limit on int<->decimal string
// conversion (sys.get_int_max_str_digits()).
const MaxStrDigits = 4300

// maxReprDepth bounds container nesting in repr, like CPython's recursion
// limit.
const maxReprDepth = 1000

// Repr returns repr(v), identical to CPython's.
func Repr(ctx *Context, v Value) (string, error) {
	switch v.K {
	case IntKind:
		return strconv.FormatInt(int64(v.N), 10), nil
	case FloatKind:
		return floatRepr(v.Float64()), nil
	case StrKind:
		if ctx.py2() {
			return bytesRepr(v.String(), false), nil
		}
		return strRepr(v.String()), nil
	}
	r := reprState{ctx: ctx}
	if err := r.repr(v); err != nil {
		return "", err
	}
	return r.sb.String(), nil
}

// ToStr returns str(v).
func ToStr(ctx *Context, v Value) (string, error) {
	switch v.K {
	case StrKind:
		return v.String(), nil
	case FloatKind:
		if ctx.py2() {
			return floatStrPy2(v.Float64()), nil
		}
		return floatRepr(v.Float64()), nil
	case BigKind:
		return intString(ctx, v.O.(*big.Int))
	case ObjectKind:
		if s, ok := v.O.(interface{ Str() string }); ok {
			return s.Str(), nil
		}
	}
	return Repr(ctx, v)
}

// intString converts a big int to decimal, with CPython 3's 4300-digit limit
// (Python 2 has none: the size budget bounds its ints).
func intString(ctx *Context, b *big.Int) (string, error) {
	if ctx.py2() {
		return b.String(), nil
	}
	// Reject obviously huge numbers before converting (as CPython does).
	if float64(b.BitLen())*0.30102999566398120 > MaxStrDigits+1 {
		return "", errStrDigits
	}
	s := b.String()
	n := len(s)
	if b.Sign() < 0 {
		n--
	}
	if n > MaxStrDigits {
		return "", errStrDigits
	}
	return s, nil
}

var errStrDigits = valueError("Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit")

type reprState struct {
	ctx   *Context
	sb    strings.Builder
	stack []uintptr // containers being printed, for [...] on recursion
}

func (r *reprState) enter(p uintptr) (seen bool, err error) {
	for _, q := range r.stack {
		if q == p {
			return true, nil
		}
	}
	if len(r.stack) >= maxReprDepth {
		return false, &Exception{Type: "RecursionError", Msg: "maximum recursion depth exceeded while getting the repr of an object"}
	}
	if r.sb.Len() > r.ctx.maxSize() {
		return false, r.ctx.CheckSize(r.sb.Len())
	}
	r.stack = append(r.stack, p)
	return false, nil
}

func (r *reprState) leave() { r.stack = r.stack[:len(r.stack)-1] }

func (r *reprState) items(open, close string, items []Value) error {
	r.sb.WriteString(open)
	for i, it := range items {
		if i > 0 {
			r.sb.WriteString(", ")
		}
		if err := r.repr(it); err != nil {
			return err
		}
		if r.sb.Len() > r.ctx.maxSize() {
			return r.ctx.CheckSize(r.sb.Len())
		}
	}
	r.sb.WriteString(close)
	return nil
}

func (r *reprState) repr(v Value) error {
	sb := &r.sb
	switch v.K {
	case Undefined:
		sb.WriteString("<undefined>")
	case NoneKind:
		sb.WriteString("None")
	case BoolKind:
		if v.N != 0 {
			sb.WriteString("True")
		} else {
			sb.WriteString("False")
		}
	case IntKind:
		sb.WriteString(strconv.FormatInt(int64(v.N), 10))
	case BigKind:
		s, err := intString(r.ctx, v.O.(*big.Int))
		if err != nil {
			return err
		}
		sb.WriteString(s)
		if r.ctx.py2() {
			sb.WriteByte('L')
		}
	case FloatKind:
		sb.WriteString(floatRepr(v.Float64()))
	case StrKind:
		if r.ctx.py2() {
			sb.WriteString(bytesRepr(v.String(), false))
		} else {
			sb.WriteString(strRepr(v.String()))
		}
	case BytesKind:
		sb.WriteString(bytesRepr(v.String(), true))
	case ListKind, TupleKind, DictKind, SetKind:
		seen, err := r.enter(addrOf(v.O))
		if err != nil {
			return err
		}
		if seen {
			switch v.K {
			case ListKind:
				sb.WriteString("[...]")
			case TupleKind:
				sb.WriteString("(...)")
			case DictKind:
				sb.WriteString("{...}")
			default:
				sb.WriteString(typeName(r.ctx, v) + "(...)")
			}
			return nil
		}
		defer r.leave()
		return r.container(v)
	case RangeKind:
		rg := v.O.(*Range)
		if r.ctx.py2() {
			sb.WriteString(xrangeRepr(rg))
		} else {
			sb.WriteString(rg.repr())
		}
	case FuncKind:
		sb.WriteString(funcReprCtx(r.ctx, v.O.(*Func)))
	case IterKind:
		it := v.O.(*Iterator)
		if it.Name == "generator" {
			sb.WriteString("<generator object <genexpr> at " + addrString(it) + ">")
		} else {
			sb.WriteString("<" + typeName(r.ctx, v) + " object at " + addrString(it) + ">")
		}
	case ObjectKind:
		sb.WriteString(v.O.(Object).Repr())
	}
	return nil
}

func (r *reprState) container(v Value) error {
	sb := &r.sb
	switch v.K {
	case ListKind:
		return r.items("[", "]", v.O.(*List).Items)
	case TupleKind:
		items := v.O.(*Tuple).Items
		if len(items) == 1 {
			return r.items("(", ",)", items)
		}
		return r.items("(", ")", items)
	case DictKind:
		sb.WriteByte('{')
		first := true
		err := v.O.(*Dict).Items(func(k, val Value) error {
			if !first {
				sb.WriteString(", ")
			}
			first = false
			if err := r.repr(k); err != nil {
				return err
			}
			sb.WriteString(": ")
			if err := r.repr(val); err != nil {
				return err
			}
			if sb.Len() > r.ctx.maxSize() {
				return r.ctx.CheckSize(sb.Len())
			}
			return nil
		})
		sb.WriteByte('}')
		return err
	case SetKind:
		s := v.O.(*Set)
		name := typeName(r.ctx, v)
		if r.ctx.py2() {
			// Python 2 shows every set as set([...]), the empty one too.
			return r.items(name+"([", "])", s.Items())
		}
		if s.Len() == 0 {
			sb.WriteString(name + "()")
			return nil
		}
		if s.frozen {
			return r.items("frozenset({", "})", s.Items())
		}
		return r.items("{", "}", s.Items())
	}
	return nil
}

func xrangeRepr(r *Range) string {
	n := r.Len()
	start, stop := r.Start, r.Start+n*r.Step
	switch {
	case start == 0 && r.Step == 1:
		return "xrange(" + itoa(stop) + ")"
	case r.Step == 1:
		return "xrange(" + itoa(start) + ", " + itoa(stop) + ")"
	}
	return "xrange(" + itoa(start) + ", " + itoa(stop) + ", " + itoa(r.Step) + ")"
}

// ReprQuoted returns the Python repr of the str s: quoted with ' unless s
// contains ' and no ", escaping like CPython.
func ReprQuoted(s string) string { return strRepr(s) }

// ReprBytes returns the Python repr of a bytes value: b'...'.
func ReprBytes(s string) string { return bytesRepr(s, true) }

const hexDigits = "0123456789abcdef"

func strRepr(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var sb strings.Builder
	sb.Grow(len(s) + 2)
	sb.WriteByte(quote)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == quote || c == '\\':
				sb.WriteByte('\\')
				sb.WriteByte(c)
			case c == '\t':
				sb.WriteString(`\t`)
			case c == '\n':
				sb.WriteString(`\n`)
			case c == '\r':
				sb.WriteString(`\r`)
			case c < ' ' || c == 0x7f:
				sb.WriteString(`\x`)
				sb.WriteByte(hexDigits[c>>4])
				sb.WriteByte(hexDigits[c&15])
			default:
				sb.WriteByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// Not UTF-8: show the byte as CPython's surrogateescape would.
			sb.WriteString(`\udc`)
			sb.WriteByte(hexDigits[c>>4])
			sb.WriteByte(hexDigits[c&15])
			i++
			continue
		}
		i += size
		if IsPrintable(r) {
			sb.WriteString(s[i-size : i])
			continue
		}
		switch {
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
	sb.WriteByte(quote)
	return sb.String()
}

func writeHex(sb *strings.Builder, x uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		sb.WriteByte(hexDigits[(x>>(4*uint(i)))&15])
	}
}

// IsPrintable is str.isprintable for one character: not in the Unicode
// categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs (except the space).
func IsPrintable(r rune) bool {
	if r < 0x7f {
		return r >= ' '
	}
	if r == 0xad {
		return false // SOFT HYPHEN is Cf
	}
	return unicode.IsPrint(r)
}

// bytesRepr renders raw bytes as Python does: b'...' (prefix set) or, for
// Python 2 str, '...'.
func bytesRepr(s string, prefix bool) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var sb strings.Builder
	sb.Grow(len(s) + 3)
	if prefix {
		sb.WriteByte('b')
	}
	sb.WriteByte(quote)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == quote || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '\t':
			sb.WriteString(`\t`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\r':
			sb.WriteString(`\r`)
		case c < ' ' || c >= 0x7f:
			sb.WriteString(`\x`)
			sb.WriteByte(hexDigits[c>>4])
			sb.WriteByte(hexDigits[c&15])
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte(quote)
	return sb.String()
}
